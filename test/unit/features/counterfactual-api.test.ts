// score.counterfactual with an edited query, through the real dispatcher, a real SQLite workspace and
// the shipped ONNX model (resources/models/qgs-linear.onnx) run by onnxruntime-node: the text
// features follow the new query (reported old → new), "logged" ones are marked, explicit values win,
// and editing the query towards one candidate's title lifts it in the ranking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, REPO_ROOT, type Backend } from '../../../src-backend/backend.ts';
import type { FeatureSpecInfo, ModelAddResult, TurnScoring } from '../../../src-common/api/contract.ts';
import { prepareQuery, prepareTitle, textFeatures } from '../../../src-common/features.ts';
import { snapshot } from '../import/helpers.ts';
import { STATS, writeWorld } from './world.ts';

const MODEL = join(REPO_ROOT, 'resources', 'models', 'qgs-linear.onnx');

let dir: string;
let backend: Backend;
let model: string;
let world: ReturnType<typeof writeWorld>;
const call = <T>(method: string, input: unknown) => backend.dispatcher.call(method, input) as Promise<T>;

beforeAll(async () => {
  if (!existsSync(MODEL))
    throw new Error(`${MODEL} is missing: the shipped models come with the repository (resources/models)`);
  dir = mkdtempSync(join(tmpdir(), 'qgs-cf-api-'));
  backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null });
  world = writeWorld(dir);
  await call('import.sessions', { path: world.log });
  model = (await call<ModelAddResult>('models.add', { path: MODEL })).sha256;
});

afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

const TURN = () => world.turnId(1); // "handheld console review": Steam deck setup tutorial is 6th of 8 logged
const rankOf = (s: TurnScoring, itemId: string) => s.models[0]!.candidates.find((c) => c.itemId === itemId)!.rank;
const counterfactual = (edit: Record<string, unknown>) =>
  call<TurnScoring>('score.counterfactual', { turnId: TURN(), models: [model], edit });

describe('score.counterfactual: an edited query, no spec', () => {
  it('keeps every feature at its logged value and says the app does not know which depend on the query', async () => {
    const r = await counterfactual({ query: 'steam deck setup' });
    expect(r.features).toBeDefined();
    expect(r.features!.specKnown).toBe(false);
    expect(r.features!.note).toMatch(/no feature spec/);
    expect(r.features!.recomputed).toEqual([]);
    expect(r.features!.fromLog).toContain('bm25');
    const setup = r.features!.candidates.find((c) => c.itemId === 'sd-setup')!;
    expect(setup.features['exact_match']).toEqual({ value: 0, logged: 0, provenance: 'from-log' });
  });
});

describe('score.counterfactual: an edited query with a feature spec', () => {
  beforeAll(async () => {
    const info = await call<FeatureSpecInfo>('features.setSpec', { path: world.spec });
    expect(info.spec?.version).toBe(2);
  });

  it("the turn's own query reproduces the logged scores (nothing recomputed)", async () => {
    const logged = await call<TurnScoring>('score.turn', { turnId: TURN(), models: [model] });
    const same = await counterfactual({ query: logged.query });
    expect(same.features!.recomputed).toEqual([]);
    expect(same.models[0]!.candidates.map((c) => [c.itemId, c.score])).toEqual(
      logged.models[0]!.candidates.map((c) => [c.itemId, c.score]),
    );
    // The same tokens typed differently is an edit: recomputed from the stored titles and the spec's
    // statistics, every text feature comes back exactly as logged, and so do the scores.
    const retyped = await counterfactual({ query: `  ${logged.query.toUpperCase()} ` });
    expect(retyped.features!.recomputed).toEqual(['bm25', 'title_coverage', 'exact_match']);
    for (const c of retyped.features!.candidates)
      for (const f of ['bm25', 'title_coverage', 'exact_match'])
        expect(c.features[f]!.value, `${c.itemId} ${f}`).toBe(c.features[f]!.logged);
    expect(retyped.models[0]!.candidates.map((c) => [c.itemId, c.score])).toEqual(
      logged.models[0]!.candidates.map((c) => [c.itemId, c.score]),
    );
  });

  it('recomputes the text features from the new query and lifts the candidate the query now names', async () => {
    const before = snapshot(backend.store.path);
    const logged = await call<TurnScoring>('score.turn', { turnId: TURN(), models: [model] });
    const edited = await counterfactual({ query: 'steam deck setup' });

    // The features: recomputed old → new with the feature module and the spec's statistics.
    const f = edited.features!;
    expect(f).toMatchObject({ specKnown: true, queryEdited: true, fromLog: ['semantic_sim'] });
    expect(f.recomputed).toEqual(['bm25', 'title_coverage', 'exact_match']);
    expect(f.note).toMatch(/Not recomputed \(from the log\): semantic_sim/);
    const setup = f.candidates.find((c) => c.itemId === 'sd-setup')!.features;
    const want = textFeatures(STATS, prepareQuery('steam deck setup'), prepareTitle('Steam deck setup tutorial'));
    expect(setup['bm25']!.value).toBeCloseTo(want.bm25, 12);
    expect(setup['bm25']!.provenance).toBe('recomputed');
    expect(setup['bm25']!.value!).toBeGreaterThan(setup['bm25']!.logged!);
    expect(setup['title_coverage']).toEqual({ value: 1, logged: 0, provenance: 'recomputed' });
    expect(setup['exact_match']).toEqual({ value: 1, logged: 0, provenance: 'recomputed' });
    expect(setup['semantic_sim']!.provenance).toBe('from-log');
    expect(setup['semantic_sim']!.value).toBe(setup['semantic_sim']!.logged);
    const oled = f.candidates.find((c) => c.itemId === 'switch-oled')!.features;
    expect(oled['bm25']!.logged!).toBeGreaterThan(0);
    expect(oled['bm25']!.value).toBe(0);

    // The ranking: the Steam deck tutorial climbs from the bottom half to the top.
    const was = rankOf(logged, 'sd-setup');
    const now = rankOf(edited, 'sd-setup');
    expect(was).toBeGreaterThan(3);
    expect(now).toBeLessThan(was);
    expect(now).toBeLessThanOrEqual(2);

    // …and it is the recomputed features that move it, not only the query text the model reads:
    // the same query with the text features pinned back to their logged values ranks it lower.
    const pinned = await counterfactual({
      query: 'steam deck setup',
      features: edited.features!.candidates.flatMap((c) =>
        ['bm25', 'title_coverage', 'exact_match'].map((feature) => ({
          itemId: c.itemId,
          feature,
          value: c.features[feature]!.logged!,
        })),
      ),
    });
    const pinnedScore = pinned.models[0]!.candidates.find((c) => c.itemId === 'sd-setup')!.score;
    const liveScore = edited.models[0]!.candidates.find((c) => c.itemId === 'sd-setup')!.score;
    expect(liveScore).toBeGreaterThan(pinnedScore);
    expect(pinned.features!.candidates.find((c) => c.itemId === 'sd-setup')!.features['bm25']!.provenance).toBe(
      'edited',
    );

    // Nothing written.
    expect(snapshot(backend.store.path)).toEqual(before);
  });

  it('an explicit feature value wins over the recomputed one', async () => {
    const r = await counterfactual({
      query: 'steam deck setup',
      features: [{ itemId: 'sd-setup', feature: 'exact_match', value: 0 }],
    });
    const setup = r.features!.candidates.find((c) => c.itemId === 'sd-setup')!.features;
    expect(setup['exact_match']).toEqual({ value: 0, logged: 0, provenance: 'edited' });
    expect(setup['title_coverage']).toEqual({ value: 1, logged: 0, provenance: 'recomputed' });
  });

  it('a Chinese query is recomputed with the same tokenizer', async () => {
    const r = await call<TurnScoring>('score.counterfactual', {
      turnId: world.turnId(2),
      models: [model],
      edit: { query: '登山鞋 测评' },
    });
    const hike = r.features!.candidates.find((c) => c.itemId === 'zh-2')!.features;
    expect(hike['title_coverage']).toMatchObject({ value: 1, provenance: 'recomputed' });
    expect(hike['bm25']!.value!).toBeGreaterThan(0);
    // The shipped model ranks the matching title near the top, and the recomputed text features are
    // what lift it: pinned back to their logged values, it scores lower.
    expect(rankOf(r, 'zh-2')).toBeLessThanOrEqual(2);
    const pinned = await call<TurnScoring>('score.counterfactual', {
      turnId: world.turnId(2),
      models: [model],
      edit: {
        query: '登山鞋 测评',
        features: ['bm25', 'title_coverage', 'exact_match'].map((feature) => ({
          itemId: 'zh-2',
          feature,
          value: hike[feature]!.logged!,
        })),
      },
    });
    const score = (t: TurnScoring) => t.models[0]!.candidates.find((c) => c.itemId === 'zh-2')!.score;
    expect(score(r)).toBeGreaterThan(score(pinned));
  });

  it('score.turn reports no provenance (nothing is edited)', async () => {
    const r = await call<TurnScoring>('score.turn', { turnId: TURN(), models: [model] });
    expect(r.features).toBeUndefined();
  });
});
