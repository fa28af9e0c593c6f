// The contract validator against the shipped models and against one small broken file per failure
// mode (fixtures made by `python3 -m trainer.make_contract_fixtures`).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateModelFile, validateModelBytes } from '../../../src-backend/inference/contract.ts';

const repo = resolve(import.meta.dirname, '../../..');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const SHIPPED = [
  ['qgs-linear.onnx', 'linear'],
  ['qgs-softmax.onnx', 'softmax'],
  ['baseline-flat.onnx', 'flattened'],
] as const;

describe('shipped models', () => {
  it.each(SHIPPED)('%s fits the contract', async (file, encoder) => {
    const path = join(repo, 'resources/models', file);
    const res = await validateModelFile(path);
    expect(res.problems).toEqual([]);
    expect(res.ok).toBe(true);
    expect(res.meta!.encoderKind).toBe(encoder);
    expect(res.meta!.modelName).toBe(file.replace('.onnx', ''));
    expect(res.meta!.featureGroups.map((g) => g.name)).toEqual(['text_match', 'statistical', 'behavioural']);
    expect(res.meta!.featureNames).toHaveLength(10);
    expect(res.meta!.tokenizer).toEqual({ tokenBuckets: 16384, itemBuckets: 8192, queryTokens: 16, titleTokens: 24 });
    expect(res.meta!.trainingDataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.meta!.opset).toBeGreaterThanOrEqual(17);
    expect(readFileSync(path).length).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('broken models are refused with the right problem', () => {
  it('a small well-formed contract model passes (the fixtures below differ from it in one way each)', async () => {
    const res = await validateModelFile(fixture('good.onnx'));
    expect(res).toMatchObject({ ok: true, problems: [] });
  });

  it('missing output', async () => {
    const res = await validateModelFile(fixture('missing-output.onnx'));
    expect(res.ok).toBe(false);
    expect(res.problems).toEqual(['output "history_weight": missing (expected float32 [B,L])']);
  });

  it('wrong dtypes', async () => {
    const res = await validateModelFile(fixture('wrong-dtypes.onnx'));
    expect(res.ok).toBe(false);
    expect(res.problems).toEqual([
      'input "history_mask": dtype is int64, expected bool',
      'input "candidate_features": dtype is float64, expected float32',
    ]);
  });

  it('missing metadata', async () => {
    const res = await validateModelFile(fixture('missing-metadata.onnx'));
    expect(res.ok).toBe(false);
    expect(res.problems).toEqual(['metadata "qgs.feature_groups": missing', 'metadata "qgs.tokenizer": missing']);
    expect(res.meta).toBeUndefined();
  });

  it('malformed metadata: unknown version, unknown encoder, broken JSON', async () => {
    const res = await validateModelFile(fixture('bad-metadata.onnx'));
    expect(res.ok).toBe(false);
    expect(res.problems).toHaveLength(3);
    expect(res.problems[0]).toMatch(/^metadata "qgs.contract_version": version "99" is not supported/);
    expect(res.problems[1]).toBe('metadata "qgs.encoder_kind": "transformer" is not one of linear, softmax, flattened');
    expect(res.problems[2]).toMatch(/^metadata "qgs.feature_groups": not valid JSON/);
  });

  it('feature groups that do not match candidate_features', async () => {
    const res = await validateModelFile(fixture('feature-count-mismatch.onnx'));
    expect(res.problems).toEqual([
      'input "candidate_features": axis 2 (F) is 12, but the metadata says 2',
      'output "group_weight": axis 2 (G) is 3, but the metadata says 1',
    ]);
  });

  it('old opset', async () => {
    const res = await validateModelFile(fixture('old-opset.onnx'));
    expect(res.problems).toEqual(['opset: the model uses ONNX opset 13, the contract needs ≥ 17']);
  });

  it('truncated file', async () => {
    const res = await validateModelFile(fixture('truncated.onnx'));
    expect(res.ok).toBe(false);
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]).toMatch(/^not a readable ONNX model \(truncated or corrupt protobuf\)/);
  });

  it('a truncated shipped model (header intact, weights cut) is refused too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      const bytes = readFileSync(join(repo, 'resources/models/qgs-linear.onnx'));
      const cut = join(dir, 'cut.onnx');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
      const res = await validateModelFile(cut);
      expect(res.ok).toBe(false);
      expect(res.problems.join('\n')).toMatch(/truncated or corrupt|onnxruntime cannot load/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a text file and a missing file', async () => {
    expect((await validateModelFile(fixture('not-onnx.onnx'))).problems[0]).toMatch(/^not a readable ONNX model/);
    const missing = await validateModelFile(fixture('nope.onnx'));
    expect(missing.problems[0]).toMatch(/^cannot read the file: .*ENOENT/);
  });

  it('an unrelated ONNX model lists every missing piece', async () => {
    const res = await validateModelFile(fixture('not-qgs.onnx'));
    expect(res.ok).toBe(false);
    const text = res.problems.join('\n');
    for (const name of ['history_query_tokens', 'candidate_mask', 'score', 'group_weight', 'history_weight'])
      expect(text).toContain(`"${name}": missing`);
    expect(text).toContain('metadata "qgs.contract_version": missing');
    expect(text).toContain('input "x": not part of the contract');
  });

  it('empty bytes', () => {
    expect(validateModelBytes(new Uint8Array()).problems[0]).toMatch(/no graph/);
  });
});

it('fixtures are present', () => {
  for (const f of ['good', 'missing-output', 'wrong-dtypes', 'missing-metadata', 'truncated', 'not-qgs'])
    expect(existsSync(fixture(`${f}.onnx`))).toBe(true);
});
