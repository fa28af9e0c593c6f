// The export / train dialogs' shared state (lib/job.svelte.ts) through the real ApiClient against a
// scripted transport: progress events reach the state, Cancel aborts the call's signal and ends as
// "cancelled" (not an error), a refused call keeps its ApiError (message shown as-is, e.g. the
// trainer's 'unsupported' instructions); the path choice uses the native picker only when the
// bridge has one; the loop's steps; the dataset link with g=.
import { describe, expect, it } from 'vitest';
import { ApiClient, type CallOpts, type Transport } from '../../../src-common/api/client.ts';
import type { ModelSummary } from '../../../src-common/api/contract.ts';
import { ApiError } from '../../../src-common/errors.ts';
import {
  datasetCompareHash,
  defaultBaseModel,
  JobRun,
  loopSteps,
  metricDelta,
  nameProblem,
  PathChoice,
  progressFraction,
  progressText,
} from '../../../src-renderer/src/lib/job.svelte.ts';
import { parseHash } from '../../../src-renderer/src/lib/routes.ts';
import { parseGradesParam } from '../../../src-renderer/src/lib/grades-source.ts';

/** A transport whose calls the test finishes by hand, recording what the client sent. */
function scripted() {
  const calls: {
    method: string;
    input: unknown;
    opts: CallOpts;
    resolve(v: unknown): void;
    reject(e: unknown): void;
  }[] = [];
  const transport: Transport = {
    call: (method, input, opts) =>
      new Promise((resolve, reject) => {
        calls.push({ method, input, opts, resolve, reject });
        opts.signal?.addEventListener('abort', () => reject(new ApiError('cancelled', `${method} was cancelled`)));
      }),
  };
  return { client: new ApiClient(transport), calls };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('JobRun', () => {
  it('shows progress as it arrives, then the result', async () => {
    const { client, calls } = scripted();
    const job = new JobRun<{ rows: number }>();
    const done = job.start(
      (opts) =>
        client.call('export.qrels', { setName: 'labels:task:3', path: '/x/q.txt' }, opts) as Promise<{ rows: number }>,
    );
    expect(job.status).toBe('running');
    expect(calls[0]!.input).toEqual({ setName: 'labels:task:3', path: '/x/q.txt' });
    calls[0]!.opts.onProgress!({ phase: 'exporting', done: 2, total: 8, unit: 'sessions' });
    expect(progressText(job.progress)).toBe('exporting: 2 / 8 sessions');
    expect(progressFraction(job.progress)).toBe(0.25);
    calls[0]!.opts.onProgress!({ phase: 'exporting', done: 8, total: 8, unit: 'sessions' });
    calls[0]!.resolve({ rows: 41 });
    await done;
    expect(job.status).toBe('done');
    expect(job.result).toEqual({ rows: 41 });
    expect(job.phases).toEqual(['exporting']);
    expect(job.error).toBeNull();
  });

  it('Cancel aborts the call: status cancelled, no error, no result', async () => {
    const { client, calls } = scripted();
    const job = new JobRun<unknown>();
    const done = job.start((opts) =>
      client.call('export.parquet', { outDir: '/x', name: 'p', overwrite: false }, opts),
    );
    await tick();
    job.cancel();
    await done;
    expect(calls[0]!.opts.signal!.aborted).toBe(true);
    expect(job.status).toBe('cancelled');
    expect(job.error).toBeNull();
    expect(job.result).toBeNull();
  });

  it("keeps the backend's error, e.g. the trainer missing, and can run again after", async () => {
    const { client, calls } = scripted();
    const job = new JobRun<unknown>();
    const first = job.start((opts) =>
      client.call('train.fromLabels', { source: 'labels:task:1', baseModel: 'a'.repeat(64), epochs: 1, seed: 1 }, opts),
    );
    const msg =
      'training needs Python 3 with PyTorch and onnx at /usr/bin/python3 (set QGS_PYTHON, or run: bash scripts/system-deps.sh)';
    calls[0]!.reject(new ApiError('unsupported', msg));
    await first;
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBe('unsupported');
    expect(job.error?.message).toBe(msg);
    // A second start while running is ignored; after the failure a retry starts a fresh call.
    const again = job.start(
      (opts) => client.call('export.qrels', { setName: 's', path: '/p' }, opts) as Promise<unknown>,
    );
    void job.start(() => Promise.reject(new Error('must not run')));
    expect(calls).toHaveLength(2);
    expect(job.error).toBeNull();
    calls[1]!.resolve({ rows: 1, path: '/p' });
    await again;
    expect(job.status).toBe('done');
  });

  it('turns a non-ApiError into an internal error with its message; reset goes back to the form', async () => {
    const job = new JobRun<unknown>();
    await job.start(() => Promise.reject(new Error('socket hang up')));
    expect(job.status).toBe('failed');
    expect(job.error?.message).toBe('socket hang up');
    job.reset();
    expect(job.status).toBe('idle');
    expect(job.error).toBeNull();
  });
});

describe('progress helpers', () => {
  it('has no fraction without a total', () => {
    expect(progressFraction({ phase: 'export', done: 3, total: null, unit: 'sessions' })).toBeNull();
    expect(progressText({ phase: 'export', done: 1200, total: null, unit: 'sessions' })).toBe('export: 1,200 sessions');
    expect(progressText(null)).toBe('starting…');
  });
  it("walks the loop's steps: export → train epochs → scoring", () => {
    expect(loopSteps([], null, 'running').map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
    const ex = { phase: 'export', done: 5, total: 40, unit: 'sessions' };
    expect(loopSteps(['export'], ex, 'running').map((s) => s.state)).toEqual(['active', 'pending', 'pending']);
    const tr = { phase: 'train', done: 2, total: 6, unit: 'epochs' };
    const s = loopSteps(['export', 'train'], tr, 'running');
    expect(s.map((x) => x.state)).toEqual(['done', 'active', 'pending']);
    expect(s[1]!.label).toBe('Train: 2 of 6 epochs done');
    const sc = { phase: 'score QGS linear', done: 10, total: 300, unit: 'turns' };
    const t = loopSteps(['export', 'train', 'score QGS linear'], sc, 'running');
    expect(t.map((x) => x.state)).toEqual(['done', 'done', 'active']);
    expect(t[2]!.label).toContain('QGS linear');
    expect(loopSteps(['export', 'train'], tr, 'done').every((x) => x.state === 'done')).toBe(true);
  });
  it('says B − A with its sign', () => {
    expect(metricDelta(0.4, 0.45)).toBe('+0.0500');
    expect(metricDelta(0.5, 0.4)).toBe('−0.1000');
    expect(metricDelta(null, 0.4)).toBe('—');
  });
});

describe('PathChoice', () => {
  const bridge = (native: boolean, picked: string | null) => {
    const asked: string[] = [];
    return {
      asked,
      b: {
        nativeDialogs: native,
        openFolder: async () => (asked.push('folder'), picked),
        saveFile: async (kind: string, name?: string) => (asked.push(`save ${kind} ${name}`), picked),
      } as ConstructorParameters<typeof PathChoice>[1],
    };
  };
  it('browser mode: a typed absolute path; empty or relative is refused with a reason', () => {
    const { b, asked } = bridge(false, null);
    const p = new PathChoice('folder', b);
    expect(p.native).toBe(false);
    expect(p.checked()).toBeNull();
    expect(p.problem).toMatch(/Type the full path of a folder/);
    p.value = 'exports';
    expect(p.checked()).toBeNull();
    expect(p.problem).toMatch(/absolute path/);
    p.value = '  /data/exports ';
    expect(p.checked()).toBe('/data/exports');
    expect(p.problem).toBeNull();
    p.value = 'C:\\Users\\ana\\exports';
    expect(p.checked()).toBe('C:\\Users\\ana\\exports');
    expect(asked).toEqual([]);
  });
  it('Electron: the native pickers (folder, or a save dialog for qrels); a cancelled picker keeps the old value', async () => {
    const f = bridge(true, '/home/ana/exports');
    const folder = new PathChoice('folder', f.b);
    await folder.pick();
    expect(folder.value).toBe('/home/ana/exports');
    expect(f.asked).toEqual(['folder']);
    const q = bridge(true, null);
    const file = new PathChoice('qrels-file', q.b, 'task-4.qrels');
    file.value = '/old.qrels';
    await file.pick();
    expect(q.asked).toEqual(['save qrels task-4.qrels']);
    expect(file.value).toBe('/old.qrels');
    file.value = '';
    expect(file.checked()).toBeNull();
    expect(file.problem).toBe('Choose a file.');
  });
});

describe('names, models, links', () => {
  it('accepts only export folder names the backend accepts', () => {
    expect(nameProblem('task-3-training')).toBeNull();
    expect(nameProblem('../up')).not.toBeNull();
    expect(nameProblem('.hidden')).not.toBeNull();
    expect(nameProblem('x.partial')).not.toBeNull();
    expect(nameProblem('a b')).not.toBeNull();
  });
  it('defaults the base model to the first linear QGS model', () => {
    const m = (sha: string, encoder: string) => ({ sha256: sha, encoder }) as ModelSummary;
    expect(defaultBaseModel([m('1', 'flattened'), m('2', 'softmax'), m('3', 'linear'), m('4', 'linear')])?.sha256).toBe(
      '3',
    );
    expect(defaultBaseModel([m('1', 'flattened'), m('2', 'softmax')])?.sha256).toBe('2');
    expect(defaultBaseModel([m('1', 'flattened')])?.sha256).toBe('1');
    expect(defaultBaseModel([])).toBeNull();
  });
  it("links the dataset view with base as A, the new model as B and the task's labels as g=", () => {
    const a = 'ab'.repeat(32);
    const b = 'cd'.repeat(32);
    const h = datasetCompareHash(a, b, 'labels:task:12');
    expect(h).toBe(`#/dataset?a=${a.slice(0, 12)}&b=${b.slice(0, 12)}&g=labels:task:12`);
    const r = parseHash(h);
    expect(r).toMatchObject({ name: 'dataset', a: a.slice(0, 12), b: b.slice(0, 12) });
    expect(parseGradesParam(new URLSearchParams(h.split('?')[1]).get('g'))).toBe('labels:task:12');
  });
});
