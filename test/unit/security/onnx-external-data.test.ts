// A model whose tensors live in external data files makes onnxruntime open whatever path the model
// names (relative to its folder, `..` included). The validator must refuse such a model before
// anything loads it. The cases are the contract's good fixture plus one external tensor, appended as
// a second `graph` field (protobuf merges repeated message fields, as onnxruntime's parser does).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateModelBytes, validateModelFile } from '../../../src-backend/inference/contract.ts';

const GOOD = readFileSync(join(import.meta.dirname, '../model/fixtures/good.onnx'));

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const num = (field: number, v: number) => [...varint(field * 8), ...varint(v)];
const bytes = (field: number, b: number[] | Uint8Array) => [...varint(field * 8 + 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

/** TensorProto: dims [4], float32, named, data in an external file. */
function externalTensor(name: string, how: 'location-flag' | 'entries-only'): number[] {
  const entry = [...str(1, 'location'), ...str(2, '../../../../etc/passwd')];
  return [
    ...num(1, 4),
    ...num(2, 1),
    ...str(8, name),
    ...bytes(13, entry),
    ...(how === 'location-flag' ? num(14, 1) : []),
  ];
}

const withGraphPart = (graphPart: number[]) => new Uint8Array([...GOOD, ...bytes(7, graphPart)]);

describe('models with external tensor data are refused', () => {
  it('the unmodified fixture is accepted (so each case below differs in the external tensor only)', () => {
    expect(validateModelBytes(GOOD)).toMatchObject({ ok: true, problems: [] });
  });

  it('an initializer with data_location = EXTERNAL', () => {
    const res = validateModelBytes(withGraphPart(bytes(5, externalTensor('w_ext', 'location-flag'))));
    expect(res.ok).toBe(false);
    expect(res.problems).toEqual([
      expect.stringMatching(/^tensor "w_ext": stored in an external data file .*self-contained/),
    ]);
  });

  it('an initializer with external_data entries but no location flag', () => {
    const res = validateModelBytes(withGraphPart(bytes(5, externalTensor('w2', 'entries-only'))));
    expect(res.ok).toBe(false);
    expect(res.problems[0]).toMatch(/"w2": stored in an external data file/);
  });

  it('a Constant node whose value tensor is external', () => {
    const attribute = [...str(1, 'value'), ...bytes(5, externalTensor('const_ext', 'location-flag')), ...num(20, 4)];
    const node = [...str(2, 'c_out'), ...str(4, 'Constant'), ...bytes(5, attribute)];
    const res = validateModelBytes(withGraphPart(bytes(1, node)));
    expect(res.ok).toBe(false);
    expect(res.problems[0]).toMatch(/"const_ext": stored in an external data file/);
  });

  it('validateModelFile refuses it before onnxruntime loads anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qgs-extdata-'));
    try {
      const path = join(dir, 'model.onnx');
      writeFileSync(path, withGraphPart(bytes(5, externalTensor('w_ext', 'location-flag'))));
      const res = await validateModelFile(path);
      expect(res.ok).toBe(false);
      expect(res.problems.join('\n')).toMatch(/external data file/);
      expect(res.problems.join('\n')).not.toMatch(/onnxruntime/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
