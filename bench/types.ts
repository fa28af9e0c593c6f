/** One measured figure. `target` and `reference` are human-readable, e.g. "≥ 150000 rows/s". */
export interface Figure {
  value: number;
  unit: string;
  target: string | null;
  reference: string | null;
}
export interface BenchContext {
  log(message: string): void;
}
export type BenchGroup = (ctx: BenchContext) => Promise<Record<string, Figure>>;
