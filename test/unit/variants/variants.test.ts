// Saved counterfactual variants (variants.save / list / delete, migration 003) through the real
// dispatcher on a real temp workspace, and score.counterfactual still writing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import type { TurnScoring, Variant } from '../../../src-common/api/contract.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { snapshot } from '../import/helpers.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/tiny-sessions.jsonl');
const TINY_LINEAR = join(import.meta.dirname, '../inference/fixtures/tiny-linear.onnx');
const TURN = 't-001#1';

let dir: string;
let backend: Backend;
const call = <T>(method: string, input: unknown) => backend.dispatcher.call(method, input) as Promise<T>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-variants-'));
  backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null });
  writeFileSync(join(dir, 'sessions.jsonl'), readFileSync(FIXTURE));
  await backend.dispatcher.call('import.sessions', { path: join(dir, 'sessions.jsonl') });
});

afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('variants', () => {
  it('save → list round trip, edits stored as given; names unique per turn', async () => {
    const edit = {
      query: 'trail shoes cheap',
      removeHistorySteps: [0],
      features: [{ itemId: 'i-3', feature: 'bm25', value: 2.5 }],
    };
    const saved = await call<Variant>('variants.save', { turnId: TURN, name: '  cheaper  ', edit });
    expect(saved).toMatchObject({ turnId: TURN, name: 'cheaper', edit });
    expect(saved.variantId).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(saved.createdAt))).toBe(false);
    const second = await call<Variant>('variants.save', { turnId: TURN, name: 'query only', edit: { query: 'x' } });
    const list = await call<Variant[]>('variants.list', { turnId: TURN });
    expect(list).toEqual([saved, second]);
    expect(await call<Variant[]>('variants.list', { turnId: 't-003#0' })).toEqual([]);

    const dup = await rejection(call('variants.save', { turnId: TURN, name: 'cheaper', edit: { query: 'y' } }));
    expect(dup.code).toBe('conflict');
    expect(dup.problems.map((p) => p.where)).toEqual(['name']);
  });

  it('an invalid edit is rejected with the field named and nothing is written', async () => {
    const before = snapshot(backend.store.path);
    const nan = await rejection(
      call('variants.save', {
        turnId: TURN,
        name: 'bad',
        edit: { features: [{ itemId: 'i-3', feature: 'bm25', value: Number.NaN }] },
      }),
    );
    expect(nan.code).toBe('invalid_input');
    expect(nan.problems[0]!.where).toBe('edit.features[0].value');
    const neg = await rejection(
      call('variants.save', { turnId: TURN, name: 'bad', edit: { removeHistorySteps: [-1] } }),
    );
    expect(neg.problems[0]!.where).toBe('edit.removeHistorySteps[0]');
    const typo = await rejection(call('variants.save', { turnId: TURN, name: 'bad', edit: { qeury: 'x' } }));
    expect(typo.code).toBe('invalid_input');
    expect(typo.message).toMatch(/qeury/);
    const empty = await rejection(call('variants.save', { turnId: TURN, name: 'bad', edit: {} }));
    expect(empty.code).toBe('invalid_input');
    expect(empty.problems.map((p) => p.where)).toEqual(['edit']);
    const noName = await rejection(call('variants.save', { turnId: TURN, name: '   ', edit: { query: 'x' } }));
    expect(noName.problems.map((p) => p.where)).toEqual(['name']);
    const unknown = await rejection(call('variants.save', { turnId: 'nope#3', name: 'bad', edit: { query: 'x' } }));
    expect(unknown.code).toBe('not_found');
    expect(unknown.problems.map((p) => p.where)).toEqual(['turnId']);
    expect((await rejection(call('variants.list', { turnId: 'nope#3' }))).code).toBe('not_found');
    expect(snapshot(backend.store.path)).toEqual(before);
  });

  it('delete removes one variant; an unknown id is not_found', async () => {
    const v = await call<Variant>('variants.save', { turnId: TURN, name: 'to delete', edit: { query: 'z' } });
    expect(await call('variants.delete', { variantId: v.variantId })).toEqual({
      variantId: v.variantId,
      deleted: true,
    });
    expect((await call<Variant[]>('variants.list', { turnId: TURN })).map((x) => x.name)).not.toContain('to delete');
    const again = await rejection(call('variants.delete', { variantId: v.variantId }));
    expect(again.code).toBe('not_found');
    expect(again.problems.map((p) => p.where)).toEqual(['variantId']);
  });

  it('score.counterfactual still writes nothing; a saved variant re-applies through it', async () => {
    const model = await call<{ sha256: string }>('models.add', { path: TINY_LINEAR });
    const [v] = await call<Variant[]>('variants.list', { turnId: TURN });
    const before = snapshot(backend.store.path);
    const cf = await call<TurnScoring>('score.counterfactual', { turnId: TURN, models: [model.sha256], edit: v!.edit });
    expect(cf.counterfactual).toBe(true);
    expect(cf.query).toBe(v!.edit.query);
    expect(snapshot(backend.store.path)).toEqual(before);
  });
});
