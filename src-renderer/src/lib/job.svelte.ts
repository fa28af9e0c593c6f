// Shared state of the export / train dialogs (docs/labeling.md, "Export and train from a task"):
// - JobRun: one long API job (export.*, train.fromLabels) — its progress events, Cancel (the
//   AbortSignal the ApiClient passes on), and then its result or its error, shown in the dialog
//   rather than the page banner (the user is looking at the dialog);
// - PathChoice: a folder or file chosen with the desktop bridge's native dialog when it has one,
//   else typed (browser mode; `serve` accepts only paths under its --allow-dir folders and says so);
// - the small pure helpers the dialogs share (progress text, the loop's phases, the default base
//   model, the link to the dataset view).
import type { CallOpts } from '../../../src-common/api/client.ts';
import type { ModelSummary } from '../../../src-common/api/contract.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import type { DesktopBridge } from '../../../src-common/desktop-bridge.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { fmtInt } from './format.ts';
import { routeHash } from './routes.ts';

export type JobStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export class JobRun<T> {
  status = $state<JobStatus>('idle');
  progress = $state.raw<Progress | null>(null);
  /** Every phase seen, in order (the train dialog shows them as steps). */
  phases = $state.raw<string[]>([]);
  result = $state.raw<T | null>(null);
  error = $state.raw<ApiError | null>(null);
  private ctl: AbortController | null = null;

  get running(): boolean {
    return this.status === 'running';
  }

  /** Runs `call` with a fresh signal and progress handler; a second start while running is ignored. */
  async start(call: (opts: CallOpts) => Promise<T>): Promise<void> {
    if (this.running) return;
    const ctl = (this.ctl = new AbortController());
    this.status = 'running';
    this.progress = null;
    this.phases = [];
    this.result = null;
    this.error = null;
    try {
      const r = await call({
        signal: ctl.signal,
        onProgress: (p) => {
          if (this.ctl !== ctl) return;
          this.progress = p;
          if (!this.phases.includes(p.phase)) this.phases = [...this.phases, p.phase];
        },
      });
      if (this.ctl !== ctl) return;
      this.result = r;
      this.status = 'done';
    } catch (err) {
      if (this.ctl !== ctl) return;
      const e =
        err instanceof ApiError ? err : new ApiError('internal', err instanceof Error ? err.message : String(err));
      if (e.code === 'cancelled' || ctl.signal.aborted) this.status = 'cancelled';
      else {
        this.error = e;
        this.status = 'failed';
      }
    } finally {
      if (this.ctl === ctl) this.ctl = null;
    }
  }

  /** Aborts the running call: the backend stops the job and writes nothing (its contract). */
  cancel(): void {
    this.ctl?.abort();
  }

  /** Back to the form (after a result, an error or a cancel). */
  reset(): void {
    if (this.running) return;
    this.status = 'idle';
    this.progress = null;
    this.phases = [];
    this.result = null;
    this.error = null;
  }
}

/** "exporting: 120 / 400 sessions" — or without a total, "export: 3 sessions". */
export function progressText(p: Progress | null): string {
  if (!p) return 'starting…';
  const n = p.total === null ? fmtInt(p.done) : `${fmtInt(p.done)} / ${fmtInt(p.total)}`;
  return `${p.phase}: ${n} ${p.unit}`;
}

/** 0…1 when the job knows its total, else null (an indeterminate bar). */
export function progressFraction(p: Progress | null): number | null {
  if (!p || p.total === null || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

/** What kind of path a PathChoice holds: a folder (exports) or a file to write (qrels). */
export type PathKind = 'folder' | 'qrels-file';

export class PathChoice {
  value = $state('');
  /** Why the value cannot be used, once the user tried to use it. */
  problem = $state<string | null>(null);
  readonly kind: PathKind;
  private bridge: Pick<DesktopBridge, 'nativeDialogs' | 'openFolder' | 'saveFile'>;
  private defaultName: string | undefined;

  constructor(
    kind: PathKind,
    bridge: Pick<DesktopBridge, 'nativeDialogs' | 'openFolder' | 'saveFile'>,
    defaultName?: string,
  ) {
    this.kind = kind;
    this.bridge = bridge;
    this.defaultName = defaultName;
  }

  /** True when a native dialog picks the path (Electron); false → the dialog shows a text field. */
  get native(): boolean {
    return this.bridge.nativeDialogs;
  }

  /** Opens the native picker; keeps the old value when the user cancels it. */
  async pick(): Promise<void> {
    if (!this.native) return;
    const p =
      this.kind === 'folder' ? await this.bridge.openFolder() : await this.bridge.saveFile('qrels', this.defaultName);
    if (p) {
      this.value = p;
      this.problem = null;
    }
  }

  /** The path to send, or null with `problem` set. The backend checks the rest (allowed folders, writable). */
  checked(): string | null {
    const v = this.value.trim();
    const what = this.kind === 'folder' ? 'folder' : 'file';
    if (!v) {
      this.problem = this.native
        ? `Choose a ${what}.`
        : `Type the full path of a ${what} on the machine running the workbench.`;
      return null;
    }
    if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v)) {
      this.problem = `Type an absolute path (starting with / or a drive letter), got “${v}”.`;
      return null;
    }
    this.problem = null;
    return v;
  }
}

/** An export folder name the backend accepts (training-export.ts: letters, digits, . _ -). */
export function nameProblem(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.endsWith('.partial'))
    return 'Use letters, digits, “.”, “_” and “-” (up to 100), starting with a letter or digit.';
  return null;
}

/** The base model a new one should replace by default: the first linear QGS model, else the first QGS, else any. */
export function defaultBaseModel(models: readonly ModelSummary[]): ModelSummary | null {
  return (
    models.find((m) => m.encoder === 'linear') ?? models.find((m) => m.encoder !== 'flattened') ?? models[0] ?? null
  );
}

/** The steps of train.fromLabels as the backend reports them: export, train, score <base>, score <new>. */
export type LoopStep = { key: 'export' | 'train' | 'score'; label: string; state: 'done' | 'active' | 'pending' };
export function loopSteps(phases: readonly string[], current: Progress | null, status: JobStatus): LoopStep[] {
  const keyOf = (phase: string): LoopStep['key'] =>
    phase.startsWith('score') ? 'score' : phase === 'train' ? 'train' : 'export';
  const order: LoopStep['key'][] = ['export', 'train', 'score'];
  const labels = { export: 'Export the labels', train: 'Train', score: 'Score both models and compare' };
  const reached = phases.length ? Math.max(...phases.map((p) => order.indexOf(keyOf(p)))) : -1;
  const at = current ? order.indexOf(keyOf(current.phase)) : reached;
  return order.map((key, i) => {
    let label = labels[key];
    if (key === 'train' && current?.phase === 'train' && current.total !== null)
      label = `Train: ${current.done} of ${current.total} epochs done`;
    if (key === 'score' && current?.phase.startsWith('score '))
      label = `Score both models and compare (${current.phase.slice(6)})`;
    const state = status === 'done' || i < at ? 'done' : i === at && status === 'running' ? 'active' : 'pending';
    return { key, label, state };
  });
}

/** The dataset view comparing the base model (A) with the new one (B) on the labels it was trained on. */
export function datasetCompareHash(baseSha: string, newSha: string, grades: string): string {
  return routeHash({ name: 'dataset', a: baseSha.slice(0, 12), b: newSha.slice(0, 12), grades });
}

/** B − A as "+0.0287" / "−0.0100" (true minus sign); "—" when either side is missing. */
export function metricDelta(a: number | null, b: number | null): string {
  if (a === null || b === null) return '—';
  const d = b - a;
  return `${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(4)}`;
}
