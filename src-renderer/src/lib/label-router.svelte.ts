// Reactive labeling route (lib/label-routes.ts): null while another view's hash is open.
import { labelHash, parseLabelHash, type LabelRoute } from './label-routes.ts';

class LabelRouter {
  current = $state<LabelRoute | null>(parseLabelHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseLabelHash(window.location.hash);
    });
  }

  /** `replace`: moving between turns of a task does not fill history with every n/p. */
  go(route: LabelRoute, opts: { replace?: boolean } = {}): void {
    const hash = labelHash(route);
    if (hash === window.location.hash) return;
    if (opts.replace) {
      history.replaceState(history.state, '', hash);
      this.current = route;
    } else {
      window.location.hash = hash;
    }
  }
}

export const labelRouter = new LabelRouter();
