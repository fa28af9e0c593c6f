// The workspace feature spec: parsing and validation (errors name the file and the field), storing
// through the real dispatcher on a real SQLite workspace, and nothing changed when a spec is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { parseFeatureSpec } from '../../../src-backend/inference/feature-spec.ts';
import { readSettings } from '../../../src-backend/store/settings.ts';
import { QUERY_DEPENDENCE, type FeatureSpecInfo } from '../../../src-common/api/contract.ts';
import { TEXT_FEATURES_VERSION } from '../../../src-common/features.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { snapshot } from '../import/helpers.ts';
import { GROUPS, specJson, STATS } from './world.ts';

function refusal(text: string): ApiError {
  try {
    parseFeatureSpec(text, 'spec.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_file');
    return err as ApiError;
  }
  throw new Error('expected the spec to be refused');
}
const withSpec = (patch: Record<string, unknown>) => JSON.stringify({ ...specJson(), ...patch });

describe('parseFeatureSpec', () => {
  it('reads a version 2 spec: groups, query dependence, corpus statistics', () => {
    const spec = parseFeatureSpec(JSON.stringify(specJson()), 'spec.json');
    expect(spec.version).toBe(2);
    expect(spec.groups).toEqual(GROUPS);
    expect(Object.fromEntries(spec.queryDependence!)).toEqual({
      bm25: 'qgs-text-v1',
      title_coverage: 'qgs-text-v1',
      exact_match: 'qgs-text-v1',
      semantic_sim: 'logged',
    });
    expect(spec.textStats!.docs).toBe(STATS.docs);
    expect(spec.textStats!.avgLen).toBe(STATS.avgLen);
    expect(spec.textStats!.df).toEqual(STATS.df);
  });

  it('accepts the old {groups} form (and version 1) as "query dependence unknown"', () => {
    const demo = readFileSync(join(import.meta.dirname, '../../../resources/demo/features.json'), 'utf8');
    const parsed = JSON.parse(demo) as { version?: number };
    const spec = parseFeatureSpec(demo, 'features.json');
    if (parsed.version === 2) expect(spec.queryDependence).not.toBeNull();
    else expect(spec.queryDependence).toBeNull();
    const v1 = parseFeatureSpec(JSON.stringify({ version: 1, groups: GROUPS }), 'spec.json');
    expect(v1).toEqual({ version: 1, groups: GROUPS, queryDependence: null, textStats: null });
  });

  it('an empty queryDependence means nothing depends on the query (no corpus statistics needed)', () => {
    const spec = parseFeatureSpec(JSON.stringify({ version: 2, groups: GROUPS, queryDependence: {} }), 's');
    expect(spec.queryDependence!.size).toBe(0);
    expect(spec.textStats).toBeNull();
  });

  it.each([
    ['bad JSON', '{"version": 2,', 'spec.json', /not valid JSON .*line 1/],
    ['not an object', '[1]', 'spec.json:(top level)', /expected an object/],
    ['wrong version', withSpec({ version: 3 }), 'spec.json:version', /expected 2 \(or 1 for groups only\), got 3/],
    ['a misspelt field', withSpec({ queryDependance: {} }), 'spec.json:queryDependance', /unknown field/],
    ['no groups', withSpec({ groups: [] }), 'spec.json:groups', /non-empty array/],
    [
      'a feature in two groups',
      withSpec({ groups: [...GROUPS, { name: 'again', features: ['bm25'] }] }),
      'spec.json:groups[3].features[0]',
      /"bm25" is already in group "text_match"/,
    ],
    ['a duplicate group', withSpec({ groups: [GROUPS[0], GROUPS[0]] }), 'spec.json:groups[1].name', /duplicate/],
    [
      'an unknown formula',
      withSpec({ queryDependence: { bm25: 'qgs-text-v9' } }),
      'spec.json:queryDependence.bm25',
      /unknown formula "qgs-text-v9"; expected "qgs-text-v1" or "logged"/,
    ],
    [
      'a formula for a feature the module cannot compute',
      withSpec({ queryDependence: { semantic_sim: 'qgs-text-v1' } }),
      'spec.json:queryDependence.semantic_sim',
      /computes only bm25, title_coverage, exact_match/,
    ],
    [
      'a query-dependent feature in no group',
      withSpec({ queryDependence: { bm25_title: 'logged' } }),
      'spec.json:queryDependence.bm25_title',
      /not a feature of any group/,
    ],
    [
      'no queryDependence in version 2',
      JSON.stringify({ version: 2, groups: GROUPS }),
      'spec.json:queryDependence',
      /required in version 2/,
    ],
    [
      'qgs-text-v1 without textStats',
      JSON.stringify({ version: 2, groups: GROUPS, queryDependence: { bm25: 'qgs-text-v1' } }),
      'spec.json:textStats',
      /required: bm25 is "qgs-text-v1"/,
    ],
    [
      'a df larger than docs',
      withSpec({ textStats: { version: 'qgs-text-v1', docs: 2, avgLen: 3, df: { deck: 3 } } }),
      'spec.json:textStats.df["deck"]',
      /integer in 1..docs/,
    ],
    [
      'textStats of another formula version',
      withSpec({ textStats: { version: 'qgs-text-v0', docs: 2, avgLen: 3, df: {} } }),
      'spec.json:textStats.version',
      /expected "qgs-text-v1"/,
    ],
    [
      'queryDependence in a version 1 spec',
      JSON.stringify({ groups: GROUPS, queryDependence: {} }),
      'spec.json:queryDependence',
      /add "version": 2/,
    ],
  ])('refuses %s, naming the field', (_what, text, where, message) => {
    const err = refusal(text);
    expect(err.problems[0]!.where).toBe(where);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith('spec.json: ')).toBe(true);
  });
});

describe('features.setSpec / features.spec', () => {
  let dir: string;
  let backend: Backend;
  const call = <T>(method: string, input: unknown) => backend.dispatcher.call(method, input) as Promise<T>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qgs-spec-'));
    backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null });
  });
  afterAll(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new workspace has no spec and says what that means', async () => {
    const info = await call<FeatureSpecInfo>('features.spec', {});
    expect(info.spec).toBeNull();
    expect(info.summary).toMatch(/does not know which features depend on the query/);
  });

  it('stores a spec and returns it summarised; the settings stay separate', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(specJson()));
    const set = await call<FeatureSpecInfo>('features.setSpec', { path: file });
    expect(set.source).toBe(file);
    expect(set.spec).toMatchObject({
      version: 2,
      groups: GROUPS,
      queryDependence: { bm25: 'qgs-text-v1', semantic_sim: 'logged' },
      textStats: { version: 'qgs-text-v1', docs: STATS.docs, avgLen: STATS.avgLen, tokens: STATS.df.size },
    });
    expect(set.summary).toMatch(/recomputed from an edited query: bm25, title_coverage, exact_match/);
    expect(set.summary).toMatch(/kept from the log: semantic_sim/);
    expect(await call<FeatureSpecInfo>('features.spec', {})).toEqual(set);
    // The spec is a document in the settings table, never one of the inference settings.
    expect(Object.keys(readSettings(backend.store.db))).not.toContain('feature_spec');
    await call('inference.configure', { threads: 2 });
    expect(await call<FeatureSpecInfo>('features.spec', {})).toEqual(set);
  });

  it('a refused spec changes nothing (the previous spec stays, every table is as it was)', async () => {
    const before = snapshot(backend.store.path);
    const specBefore = await call<FeatureSpecInfo>('features.spec', {});
    for (const [name, text] of [
      ['broken.json', '{"version":2,'],
      ['df.json', withSpec({ textStats: { version: 'qgs-text-v1', docs: 1, avgLen: 3, df: { a: 2 } } })],
      ['formula.json', withSpec({ queryDependence: { bm25: 'tf-idf' } })],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      await expect(call('features.setSpec', { path: file })).rejects.toMatchObject({ code: 'invalid_file' });
    }
    await expect(call('features.setSpec', { path: join(dir, 'missing.json') })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(snapshot(backend.store.path)).toEqual(before);
    expect(await call<FeatureSpecInfo>('features.spec', {})).toEqual(specBefore);
  });

  it('a spec replaced by another process (the CLI) is seen by the running one', async () => {
    const other = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null });
    try {
      const file = join(dir, 'other.json');
      writeFileSync(file, JSON.stringify({ ...specJson(), queryDependence: { bm25: 'qgs-text-v1' } }));
      await other.dispatcher.call('features.setSpec', { path: file });
      const seen = await call<FeatureSpecInfo>('features.spec', {});
      expect(seen.source).toBe(file);
      expect(seen.spec!.queryDependence).toEqual({ bm25: 'qgs-text-v1' });
    } finally {
      await other.close();
    }
  });

  it('a version 1 spec replaces a version 2 one: query dependence becomes unknown', async () => {
    const file = join(dir, 'v1.json');
    writeFileSync(file, JSON.stringify({ groups: GROUPS }));
    const info = await call<FeatureSpecInfo>('features.setSpec', { path: file });
    expect(info.spec).toMatchObject({ version: 1, queryDependence: null, textStats: null });
    expect(info.summary).toMatch(/version 1.*unknown/);
  });
});

describe('docs/schema/feature-spec-v2.schema.json', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../../docs/schema/feature-spec-v2.schema.json', import.meta.url), 'utf8'),
  ) as {
    required: string[];
    properties: Record<
      string,
      { const?: unknown; additionalProperties?: { enum?: string[] }; properties?: Record<string, { const?: unknown }> }
    >;
  };
  it('states the same version, formulas and top-level fields as the parser', () => {
    expect(schema.properties['version']!.const).toBe(2);
    expect(schema.properties['queryDependence']!.additionalProperties!.enum).toEqual([...QUERY_DEPENDENCE]);
    expect(schema.properties['textStats']!.properties!['version']!.const).toBe(TEXT_FEATURES_VERSION);
    expect(Object.keys(schema.properties).sort()).toEqual(['groups', 'queryDependence', 'textStats', 'version']);
    expect(Object.keys(specJson()).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.required).toEqual(['version', 'groups', 'queryDependence']);
  });
});
