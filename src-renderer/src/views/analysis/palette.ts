// One colour per HFG feature group (by index), the same in the legend, the bars and the feature panel.
import { schemeTableau10 } from 'd3';

export const groupColor = (g: number): string => schemeTableau10[g % 10]!;
