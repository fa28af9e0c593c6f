// The exported ONNX graph computes what the PyTorch model computes: a live Python process exports a
// model and writes PyTorch outputs for random inputs; onnxruntime-node replays the inputs here.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';

const repo = resolve(import.meta.dirname, '../../..');
const python = '/usr/bin/python3';
const haveTorch =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

interface TensorJson {
  dims: number[];
  data: Array<number | boolean>;
}
interface Case {
  B: number;
  L: number;
  C: number;
  inputs: Record<string, TensorJson>;
  outputs: Record<string, TensorJson>;
}

const BOOL_INPUTS = new Set(['history_mask', 'candidate_mask']);
const FLOAT_INPUTS = new Set(['candidate_features']);

function toTensor(name: string, t: TensorJson): ort.Tensor {
  if (BOOL_INPUTS.has(name))
    return new ort.Tensor(
      'bool',
      Uint8Array.from(t.data, (x) => (x ? 1 : 0)),
      t.dims,
    );
  if (FLOAT_INPUTS.has(name)) return new ort.Tensor('float32', Float32Array.from(t.data as number[]), t.dims);
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(t.data as number[], (x) => BigInt(x)),
    t.dims,
  );
}

// [B, L, C]: L=1, a padded batch, chunk boundaries (L = 31, 32), several chunks with C=50, and 22
// chunks (the linear encoder's chunk-to-chunk carry matrix well beyond one chunk); and inputs
// without a single real token.
const CASES = [
  [1, 1, 1],
  [1, 31, 3],
  [2, 32, 2],
  [4, 9, 6],
  [3, 100, 50],
  [2, 300, 20],
  [1, 700, 4],
  [2, 1, 3, 'no-tokens'], // a session's first turn (no history) with empty titles: nothing to pool
  [3, 5, 2, 'no-tokens'],
];

async function checkParity(label: string, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), `parity-${label}-`));
  try {
    execFileSync(python, ['-m', 'trainer.parity', ...args, '--out', dir, '--cases', JSON.stringify(CASES)], {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Case[];
    const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
    });
    for (const c of cases) {
      const feeds = Object.fromEntries(Object.entries(c.inputs).map(([n, t]) => [n, toTensor(n, t)]));
      const out = await session.run(feeds);
      for (const [name, want] of Object.entries(c.outputs)) {
        const got = out[name]!;
        expect(got.dims, `${name} dims at B=${c.B} L=${c.L} C=${c.C}`).toEqual(want.dims);
        const data = got.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - (want.data[i] as number)));
        expect(worst, `${name} max |Δ| at B=${c.B} L=${c.L} C=${c.C}`).toBeLessThan(1e-4);
      }
    }
    await session.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Trained checkpoints exist after `python3 -m trainer.build_models` (trainer/.runs is not committed).
const trained = ['qgs-linear', 'qgs-softmax', 'baseline-flat']
  .map((name) => [name, join(repo, 'trainer/.runs', `${name}-seed1`, 'model.pt')] as const)
  .filter(([, path]) => existsSync(path));

// A missing prerequisite fails (with what to install); it is never a silent skip.
describe('PyTorch ↔ onnxruntime-node parity', () => {
  it('has Debian PyTorch to compare against', () => {
    expect(
      haveTorch,
      `${python} cannot import torch: run \`bash scripts/system-deps.sh\` (apt-get install python3-torch python3-onnx)`,
    ).toBe(true);
  });

  it.each(['linear', 'softmax', 'flattened'])(
    '%s encoder (fresh weights) agrees to 1e-4 on every output',
    async (encoder) => {
      await checkParity(encoder, ['--encoder', encoder]);
    },
  );

  // The shipped files themselves (what users run): PyTorch on the weights recovered from each file's
  // initializers (trainer/weights_from_onnx.py) must reproduce the file's outputs. Catches a
  // re-export with a graph that computes something else, with no checkpoint needed.
  it.each(['qgs-linear', 'qgs-softmax', 'baseline-flat'])(
    'shipped %s agrees to 1e-4 with PyTorch on its own weights',
    async (name) => {
      await checkParity(`shipped-${name}`, ['--onnx', join(repo, 'resources/models', `${name}.onnx`)]);
    },
  );

  for (const [name, path] of trained) {
    it(`trained ${name} agrees to 1e-4 on every output`, async () => {
      await checkParity(name, ['--checkpoint', path]);
    });
  }
});
