// The inference worker thread (docs/inference.md, "Off the request loop"). It owns every
// onnxruntime-node session; the backend thread only sends it packed batches (transferred, not
// copied) and gets outputs back. onnxruntime-node's run() blocks the thread it runs on, which is why
// it runs here and not on the backend's request loop. One message at a time: the engine sends the
// next batch only when the previous one has answered, so it can still drop cancelled requests.
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import {
  cleanOrtMessage,
  knownUnavailable,
  sessionOptions,
  type ProviderAttempt,
  type ProviderName,
} from './providers.ts';
import type { Feeds } from './batch.ts';

export type WorkerRequest =
  | { type: 'load'; key: string; path: string; plan: ProviderName[]; threads: number }
  | { type: 'unload'; key: string }
  | { type: 'run'; id: number; key: string; feeds: Feeds }
  /** Release every session and end the thread. Sent instead of Worker.terminate(): terminating a
   * thread inside a native session.run aborts the whole process (onnxruntime-node throws a
   * Napi::Error nobody can catch), while a message is only handled between runs. */
  | { type: 'shutdown'; code: number };

export type WorkerReply =
  | {
      type: 'loaded';
      key: string;
      provider: ProviderName;
      attempts: ProviderAttempt[];
      outputNames: string[];
      loadMs: number;
    }
  | { type: 'load-failed'; key: string; attempts: ProviderAttempt[] }
  | { type: 'unloaded'; key: string }
  | {
      type: 'result';
      id: number;
      outputs: Record<string, { data: Float32Array; dims: number[] }>;
      runMs: number;
    }
  | { type: 'run-failed'; id: number; message: string };

// Provider attempts that fail are reported through the API; keep onnxruntime's own log quiet.
ort.env.logLevel = 'fatal';

const sessions = new Map<string, ort.InferenceSession>();

function post(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(msg, transfer);
}

function message(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  // onnxruntime prefixes messages with its source location; keep the human part first.
  return m.replace(/\s+/g, ' ').trim().slice(0, 1000);
}

async function load(req: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
  const attempts: ProviderAttempt[] = [];
  const started = performance.now();
  for (const provider of req.plan) {
    const unavailable = knownUnavailable(provider);
    if (unavailable) {
      attempts.push({ provider, ok: false, error: unavailable });
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(
        req.path,
        sessionOptions(provider, req.threads) as ort.InferenceSession.SessionOptions,
      );
      const old = sessions.get(req.key);
      sessions.set(req.key, session);
      if (old) await old.release();
      attempts.push({ provider, ok: true });
      post({
        type: 'loaded',
        key: req.key,
        provider,
        attempts,
        outputNames: [...session.outputNames],
        loadMs: performance.now() - started,
      });
      return;
    } catch (err) {
      attempts.push({ provider, ok: false, error: cleanOrtMessage(message(err)) });
    }
  }
  post({ type: 'load-failed', key: req.key, attempts });
}

async function run(req: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const session = sessions.get(req.key);
  if (!session) {
    post({ type: 'run-failed', id: req.id, message: `model ${req.key} is not loaded in the inference worker` });
    return;
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(req.feeds)) feeds[name] = new ort.Tensor(f.type, f.data, f.dims);
    const started = performance.now();
    const result = await session.run(feeds);
    const runMs = performance.now() - started;
    const outputs: Record<string, { data: Float32Array; dims: number[] }> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(result)) {
      if (t.type !== 'float32') throw new Error(`output ${name} has type ${t.type}, the contract says float32`);
      // Copy into a buffer of our own: the tensor's data may be a view on a larger native buffer.
      const data = new Float32Array(t.data as Float32Array);
      outputs[name] = { data, dims: [...t.dims] };
      transfer.push(data.buffer as ArrayBuffer);
      t.dispose();
    }
    post({ type: 'result', id: req.id, outputs, runMs }, transfer);
  } catch (err) {
    post({ type: 'run-failed', id: req.id, message: message(err) });
  }
}

parentPort!.on('message', (req: WorkerRequest) => {
  switch (req.type) {
    case 'load':
      void load(req);
      return;
    case 'unload': {
      const s = sessions.get(req.key);
      sessions.delete(req.key);
      void (s ? s.release() : Promise.resolve()).finally(() => post({ type: 'unloaded', key: req.key }));
      return;
    }
    case 'run':
      void run(req);
      return;
    case 'shutdown':
      void Promise.allSettled([...sessions.values()].map((x) => x.release())).then(() => process.exit(req.code));
      return;
  }
});
