// "Train a model on these labels" (docs/training-export.md, "The loop"): export the grades source
// as training data, run the trainer (trainer/from_export.py) as a child process with progress and
// cancel, register the new model, batch-score it and compare it with the model it should replace
// on the labelled turns. Each step is an existing piece; this module only sequences them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiError } from '../../src-common/errors.ts';
import type { Progress, TrainFromLabelsReport } from '../../src-common/api/types.ts';
import type { ModelSummary } from '../../src-common/api/contract.ts';
import { exportTraining } from '../data/training-export.ts';
import type { Judgments } from '../data/judgments.ts';
import type { Store } from '../store/store.ts';

export interface TrainerCommand {
  /** The Python interpreter that has torch and onnx (Debian's /usr/bin/python3 here). */
  python: string;
  /** The folder holding the `trainer` package (the repo, or the app's resources). */
  cwd: string;
}

/** Where the trainer runs from; QGS_PYTHON overrides the interpreter. */
export function trainerCommand(repoRoot: string): TrainerCommand {
  return { python: process.env.QGS_PYTHON ?? '/usr/bin/python3', cwd: repoRoot };
}

export interface TrainFromLabelsOptions {
  judgments: Judgments;
  base: ModelSummary;
  encoder: string;
  epochs: number;
  seed: number;
  name: string;
  workspacePath: string;
  appVersion: string;
  trainer: TrainerCommand;
  /** Registers the trained file (the registry copies it into the models folder). */
  register: (path: string, name: string) => Promise<ModelSummary>;
  /** Batch-scores a model (resumable; a no-op for turns already scored). */
  score: (sha256: string, progress: (p: Progress) => void) => Promise<unknown>;
  /** metrics.turns summary of base vs new on the source's grades. */
  compare: (a: string, b: string) => Promise<TrainFromLabelsReport['comparison']>;
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
}

interface TrainerEvent {
  event: 'loaded' | 'epoch' | 'exported' | 'error';
  [k: string]: unknown;
}

/** Runs trainer.from_export; resolves with its events, rejects with its error message. Kills it on abort. */
function runTrainer(
  cmd: TrainerCommand,
  args: string[],
  signal: AbortSignal,
  onEvent: (e: TrainerEvent) => void,
): Promise<TrainerEvent[]> {
  if (!existsSync(cmd.python)) {
    return Promise.reject(
      new ApiError(
        'unsupported',
        `training needs Python 3 with PyTorch and onnx at ${cmd.python} (set QGS_PYTHON, or run: bash scripts/system-deps.sh); or train by hand: python3 -m trainer.from_export (docs/training-export.md)`,
        [{ where: 'trainer', message: `${cmd.python} not found` }],
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.python, ['-m', 'trainer.from_export', ...args, '--json'], {
      cwd: cmd.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const events: TrainerEvent[] = [];
    let stderr = '';
    const onAbort = () => child.kill('SIGTERM');
    signal.addEventListener('abort', onAbort, { once: true });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const e = JSON.parse(line) as TrainerEvent;
        events.push(e);
        onEvent(e);
      } catch {
        // not an event (a library's print): ignored
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => reject(new ApiError('internal', `cannot start the trainer: ${err.message}`)));
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(new ApiError('cancelled', 'training was cancelled; no model was registered'));
      const err = events.find((e) => e.event === 'error');
      if (err)
        return reject(
          new ApiError('invalid_input', `the trainer refused the export: ${String(err.message)}`, [
            { where: 'source', message: String(err.message) },
          ]),
        );
      if (code !== 0)
        return reject(
          new ApiError(
            'internal',
            `the trainer failed (exit ${code ?? sig}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
      resolve(events);
    });
  });
}

export async function trainFromLabels(store: Store, opts: TrainFromLabelsOptions): Promise<TrainFromLabelsReport> {
  const started = performance.now();
  // Work files live next to the workspace (not in a user folder): the export, the trained model.
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const workDir = join(`${opts.workspacePath}.training`, runId);
  await mkdir(workDir, { recursive: true });
  try {
    opts.onProgress({ phase: 'export', done: 0, total: null, unit: 'sessions' });
    const exported = await exportTraining(store, opts.judgments, {
      outDir: workDir,
      name: 'export',
      overwrite: false,
      featureGroups: opts.base.groups,
      workspacePath: opts.workspacePath,
      appVersion: opts.appVersion,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress({ ...p, phase: 'export' }),
    });
    const modelPath = join(workDir, 'model.onnx');
    const epochs: TrainFromLabelsReport['epochs'] = [];
    let examples: Record<string, number> = {};
    opts.onProgress({ phase: 'train', done: 0, total: opts.epochs, unit: 'epochs' });
    const events = await runTrainer(
      opts.trainer,
      [
        '--export',
        exported.path,
        '--out',
        modelPath,
        '--encoder',
        opts.encoder,
        '--seed',
        String(opts.seed),
        '--epochs',
        String(opts.epochs),
        '--name',
        opts.name,
        '--base-model',
        opts.base.sha256,
      ],
      opts.signal,
      (e) => {
        if (e.event === 'loaded') examples = e.examples as Record<string, number>;
        if (e.event === 'epoch') {
          epochs.push({
            epoch: Number(e.epoch),
            loss: Number(e.loss),
            validNdcg10: e.valid_ndcg10 === null ? null : Number(e.valid_ndcg10),
          });
          opts.onProgress({ phase: 'train', done: Number(e.epoch), total: opts.epochs, unit: 'epochs' });
        }
      },
    );
    const done = events.find((e) => e.event === 'exported');
    if (!done) throw new ApiError('internal', 'the trainer finished without writing a model');
    const model = await opts.register(modelPath, opts.name);
    for (const m of [opts.base, model])
      await opts.score(m.sha256, (p) => opts.onProgress({ ...p, phase: `score ${m.name}` }));
    const comparison = await opts.compare(opts.base.sha256, model.sha256);
    return {
      model,
      base: { sha256: opts.base.sha256, name: opts.base.name },
      source: opts.judgments.source,
      exportPath: exported.path,
      examples,
      epochs,
      comparison,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
}
