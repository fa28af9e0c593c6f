// The inference engine on the backend thread: loads models into the worker (worker.ts) with the
// chosen execution provider, queues scoring requests, merges queued requests for the same model
// into one batch, keeps exactly one batch in flight, and drops requests whose AbortSignal fired
// before they ran (docs/inference.md). If the worker dies (a native crash, an out-of-memory), the
// requests in flight fail with a clear error and the next request starts a fresh worker.
import { Worker } from 'node:worker_threads';
import { ApiError } from '../../src-common/errors.ts';
import { packBatch, unpackTurn, type BatchOutputs, type BatchShape, type TurnOutputs } from './batch.ts';
import type { TurnTensors } from './assemble.ts';
import {
  defaultCpuThreads,
  providerPlan,
  type ProviderAttempt,
  type ProviderName,
  type ProviderSetting,
} from './providers.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

export interface LoadInfo {
  /** The provider whose session runs the model. */
  provider: ProviderName;
  /** Every provider tried, in order, with the reason each failed. */
  attempts: ProviderAttempt[];
  /** null when the first provider of the plan loaded; otherwise why it fell back. */
  fallback: string | null;
  setting: ProviderSetting;
  threads: number;
  loadMs: number;
}

export interface EngineOptions {
  provider?: ProviderSetting;
  /** CPU intra-op threads (default: providers.ts defaultCpuThreads). */
  threads?: number;
  /** Most turns merged into one model run. */
  maxBatchTurns?: number;
  /** Test hook: the provider plan for a setting (default: providers.ts providerPlan). */
  plan?: (setting: ProviderSetting) => ProviderName[];
}

export interface ScoreOutcome {
  outputs: TurnOutputs[];
  /** Time inside session.run for the batch this request rode in, and that batch's size. */
  runMs: number;
  batchTurns: number;
  provider: ProviderName;
}

interface Pending {
  key: string;
  turns: readonly TurnTensors[];
  dims: { Tq: number; Ti: number; F: number };
  signal: AbortSignal | undefined;
  resolve: (o: ScoreOutcome) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
}

interface ModelSlot {
  path: string;
  label: string;
  setting: ProviderSetting;
  threads: number;
  loading: Promise<LoadInfo>;
  info: LoadInfo | null;
}

// Run from source (Node 24 strips types) the worker is worker.ts beside this file; in the Electron
// bundle it is the separate entry out/main/inference-worker.js (electron.vite.config.ts).
const WORKER_FILE = import.meta.url.endsWith('.ts') ? 'worker.ts' : 'inference-worker.js';
const WORKER_URL = new URL(`./${WORKER_FILE}`, import.meta.url);

export class InferenceEngine {
  private worker: Worker | null = null;
  private readonly slots = new Map<string, ModelSlot>();
  private readonly queue: Pending[] = [];
  private inFlight: { id: number; requests: Pending[]; shape: BatchShape; key: string } | null = null;
  private nextId = 1;
  private setting: ProviderSetting;
  private threads: number;
  private readonly maxBatchTurns: number;
  private readonly plan: (s: ProviderSetting) => ProviderName[];
  private readonly loadWaiters = new Map<
    string,
    { resolve: (r: Extract<WorkerReply, { type: 'loaded' | 'load-failed' }>) => void }
  >();
  private closed = false;
  /** Batches run since start (for tests and the bench). */
  batchesRun = 0;
  /** True while a batch is running in the worker (tests use it to cancel in flight). */
  get busy(): boolean {
    return this.inFlight !== null;
  }
  workerStarts = 0;

  constructor(opts: EngineOptions = {}) {
    this.setting = opts.provider ?? 'auto';
    this.threads = opts.threads ?? defaultCpuThreads();
    this.maxBatchTurns = opts.maxBatchTurns ?? 64;
    this.plan = opts.plan ?? ((s) => providerPlan(s));
  }

  get providerSetting(): ProviderSetting {
    return this.setting;
  }
  get cpuThreads(): number {
    return this.threads;
  }

  /** Changes the provider setting / thread count; loaded models reload lazily on next use. */
  configure(opts: { provider?: ProviderSetting; threads?: number }): void {
    if (opts.provider) this.setting = opts.provider;
    if (opts.threads) this.threads = opts.threads;
  }

  /** Load info of every model loaded (or loading) now, by key. */
  loaded(): Map<string, LoadInfo | null> {
    return new Map([...this.slots].map(([k, s]) => [k, s.info]));
  }

  private ensureWorker(): Worker {
    if (this.closed) throw new ApiError('unsupported', 'the inference engine is closed');
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_URL, { name: 'qgs-inference' });
    this.workerStarts++;
    w.on('message', (m: WorkerReply) => this.onReply(m));
    w.on('error', (err) => this.onWorkerDeath(w, `the inference worker failed: ${err.message}`));
    w.on('exit', (code) => this.onWorkerDeath(w, `the inference worker exited (code ${code})`));
    w.unref();
    this.worker = w;
    return w;
  }

  private send(req: WorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.ensureWorker().postMessage(req, transfer);
  }

  /** Keep the process alive only while work is pending (a CLI must not hang on an idle worker). */
  private updateRef(): void {
    if (!this.worker) return;
    if (this.inFlight || this.queue.length || this.loadWaiters.size) this.worker.ref();
    else this.worker.unref();
  }

  /**
   * Loads `key` (a model's sha256) from `path` if not loaded with the current settings. Resolves with
   * the provider that runs it; rejects with ApiError when no provider (CPU included) can load it.
   */
  load(key: string, path: string, label = key): Promise<LoadInfo> {
    const have = this.slots.get(key);
    if (have && have.path === path && have.setting === this.setting && have.threads === this.threads)
      return have.loading;
    const setting = this.setting;
    const threads = this.threads;
    const plan = this.plan(setting);
    const slot: ModelSlot = { path, label, setting, threads, info: null, loading: Promise.resolve(null as never) };
    slot.loading = new Promise<Extract<WorkerReply, { type: 'loaded' | 'load-failed' }>>((resolve) => {
      this.loadWaiters.set(key, { resolve });
      this.send({ type: 'load', key, path, plan, threads });
      this.updateRef();
    }).then((reply) => {
      this.loadWaiters.delete(key);
      this.updateRef();
      if (reply.type === 'load-failed') {
        if (this.slots.get(key) === slot) this.slots.delete(key);
        const problems = reply.attempts.map((a) => ({
          where: `${label}: provider ${a.provider}`,
          message: a.error ?? 'failed',
        }));
        throw new ApiError(
          'invalid_file',
          `model ${label} could not be loaded by onnxruntime with any provider (${plan.join(', ')})`,
          problems,
        );
      }
      const failed = reply.attempts.filter((a) => !a.ok);
      const info: LoadInfo = {
        provider: reply.provider,
        attempts: reply.attempts,
        fallback: failed.length ? failed.map((a) => `${a.provider}: ${a.error}`).join('; ') : null,
        setting,
        threads,
        loadMs: reply.loadMs,
      };
      slot.info = info;
      return info;
    });
    // Another load of this key may be waiting; the newest wins.
    this.slots.set(key, slot);
    return slot.loading;
  }

  unload(key: string): void {
    if (!this.slots.delete(key)) return;
    if (this.worker) this.send({ type: 'unload', key });
  }

  /**
   * Scores turns with a loaded model. Requests queue; queued requests for the same model are merged
   * into one batch. An aborted request is dropped if it has not run yet (and its result ignored if
   * it has), rejecting with ApiError('cancelled').
   */
  async score(
    key: string,
    turns: readonly TurnTensors[],
    dims: { Tq: number; Ti: number; F: number },
    signal?: AbortSignal,
  ): Promise<ScoreOutcome> {
    const slot = this.slots.get(key);
    if (!slot) throw new ApiError('not_found', `model ${key} is not loaded`);
    await slot.loading;
    if (signal?.aborted) throw cancelled();
    if (turns.length === 0) return { outputs: [], runMs: 0, batchTurns: 0, provider: slot.info!.provider };
    return new Promise<ScoreOutcome>((resolve, reject) => {
      const p: Pending = { key, turns, dims, signal, resolve, reject };
      if (signal) {
        p.onAbort = () => {
          const i = this.queue.indexOf(p);
          if (i >= 0) this.queue.splice(i, 1);
          reject(cancelled());
          this.updateRef();
        };
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0) {
      this.updateRef();
      return;
    }
    const first = this.queue.shift()!;
    const requests = [first];
    let count = first.turns.length;
    for (let i = 0; i < this.queue.length && count < this.maxBatchTurns;) {
      const p = this.queue[i]!;
      const sameShape =
        p.key === first.key && p.dims.Tq === first.dims.Tq && p.dims.Ti === first.dims.Ti && p.dims.F === first.dims.F;
      if (sameShape && count + p.turns.length <= this.maxBatchTurns) {
        requests.push(p);
        count += p.turns.length;
        this.queue.splice(i, 1);
      } else i++;
    }
    const slot = this.slots.get(first.key);
    if (!slot || !slot.info) {
      const err = new ApiError('not_found', `model ${first.key} was unloaded before it ran`);
      for (const r of requests) settle(r, () => r.reject(err));
      this.pump();
      return;
    }
    let packed: ReturnType<typeof packBatch>;
    try {
      packed = packBatch(
        requests.flatMap((r) => r.turns),
        first.dims,
      );
    } catch (err) {
      for (const r of requests) settle(r, () => r.reject(err));
      this.pump();
      return;
    }
    const id = this.nextId++;
    this.inFlight = { id, requests, shape: packed.shape, key: first.key };
    const transfer = Object.values(packed.feeds).map((f) => f.data.buffer as ArrayBuffer);
    try {
      this.send({ type: 'run', id, key: first.key, feeds: packed.feeds }, transfer);
    } catch (err) {
      this.inFlight = null;
      for (const r of requests) settle(r, () => r.reject(err));
    }
    this.updateRef();
  }

  private onReply(m: WorkerReply): void {
    if (m.type === 'loaded' || m.type === 'load-failed') {
      this.loadWaiters.get(m.key)?.resolve(m);
      return;
    }
    if (m.type === 'unloaded') return;
    const flight = this.inFlight;
    if (!flight || flight.id !== m.id) return;
    this.inFlight = null;
    this.batchesRun++;
    const provider = this.slots.get(flight.key)?.info?.provider ?? 'cpu';
    if (m.type === 'run-failed') {
      const label = this.slots.get(flight.key)?.label ?? flight.key;
      const err = new ApiError('invalid_file', `model ${label} failed to run: ${m.message}`, [
        { where: label, message: m.message },
      ]);
      for (const r of flight.requests) settle(r, () => r.reject(err));
    } else {
      const gw = m.outputs.group_weight;
      const outs: BatchOutputs = {
        score: m.outputs.score?.data ?? new Float32Array(0),
        group_weight: gw?.data ?? new Float32Array(0),
        history_weight: m.outputs.history_weight?.data ?? new Float32Array(0),
        G: gw?.dims[2] ?? 0,
      };
      let b = 0;
      for (const r of flight.requests) {
        const outputs = r.turns.map((t) => unpackTurn(outs, flight.shape, b++, t));
        settle(r, () => r.resolve({ outputs, runMs: m.runMs, batchTurns: flight.shape.B, provider }));
      }
    }
    this.pump();
  }

  private onWorkerDeath(w: Worker, reason: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    const err = new ApiError(
      'internal',
      `${reason}; the request was not scored. The next request starts a new worker.`,
    );
    const flight = this.inFlight;
    this.inFlight = null;
    if (flight) for (const r of flight.requests) settle(r, () => r.reject(err));
    for (const [, waiter] of this.loadWaiters)
      waiter.resolve({ type: 'load-failed', key: '', attempts: [{ provider: 'cpu', ok: false, error: reason }] });
    this.loadWaiters.clear();
    // Sessions lived in the dead worker: forget them; the next load() recreates them.
    this.slots.clear();
    if (!this.closed) this.pump();
  }

  /** Test hook: make the worker exit unexpectedly (between runs), as a crash would. */
  async crashWorkerForTest(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    const exited = new Promise((resolve) => w.once('exit', resolve));
    w.ref();
    w.postMessage({ type: 'shutdown', code: 70 } satisfies WorkerRequest);
    await exited;
  }

  async close(): Promise<void> {
    this.closed = true;
    const err = new ApiError('cancelled', 'the backend is shutting down');
    for (const r of this.queue.splice(0)) settle(r, () => r.reject(err));
    if (this.inFlight) for (const r of this.inFlight.requests) settle(r, () => r.reject(err));
    this.inFlight = null;
    const w = this.worker;
    this.worker = null;
    this.slots.clear();
    if (!w) return;
    // Ask the worker to exit after its current run (see worker.ts 'shutdown'); terminate only if it
    // does not answer in time.
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.ref();
    w.postMessage({ type: 'shutdown', code: 0 } satisfies WorkerRequest);
    const timer = setTimeout(() => void w.terminate(), 30_000);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }
}

function cancelled(): ApiError {
  return new ApiError('cancelled', 'scoring request cancelled: no longer needed');
}

/** Runs a request's settle function unless its signal already rejected it. */
function settle(r: Pending, fn: () => void): void {
  if (r.onAbort) r.signal?.removeEventListener('abort', r.onAbort);
  if (r.signal?.aborted) {
    r.reject(cancelled());
    return;
  }
  fn();
}
