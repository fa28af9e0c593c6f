// Truthful counterfactuals in Chromium against the real backend and the real ONNX model: editing the
// query in the counterfactual editor recomputes the text-match features (shown old → new in the
// ranking and the feature panel), re-ranks, and marks the query-dependent feature the app cannot
// compute "not recomputed (from the log)". The workspace's feature spec is set through the API
// (features.setSpec) and put back afterwards; with the demo's own version 2 spec the corpus
// statistics are its, otherwise (an old groups-only spec) they are computed from the demo's titles.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { ModelSummary, ModelTurnScores, TurnScoring } from '../../src-common/api/contract.ts';
import { textStatsFromTitles, textStatsToJson, TEXT_FEATURES } from '../../src-common/features.ts';
import { fmtFeature } from '../../src-renderer/src/lib/format.ts';
import { eventually, Skip, test } from './harness.ts';

const DEMO_SESSIONS = join(import.meta.dirname, '..', '..', 'resources', 'demo', 'sessions.jsonl.gz');

const byRank = (m: ModelTurnScores) => [...m.candidates].sort((a, b) => a.rank - b.rank);

/** A version 2 spec for the demo: text features recomputable, semantic_sim query-dependent but logged. */
function demoSpec(currentSource: string | null): Record<string, unknown> {
  const current = currentSource
    ? (JSON.parse(readFileSync(currentSource, 'utf8')) as {
        version?: number;
        groups: { name: string; features: string[] }[];
        textStats?: unknown;
        queryDependence?: Record<string, string>;
      })
    : null;
  if (!current)
    throw new Error('the demo workspace has no feature spec: `cli demo` imports resources/demo/features.json');
  const all = new Set(current.groups.flatMap((g) => g.features));
  for (const f of [...TEXT_FEATURES, 'semantic_sim'])
    if (!all.has(f)) throw new Error(`the demo's feature groups lack ${f}`);
  let textStats = current.version === 2 ? current.textStats : undefined;
  if (!textStats) {
    const titles = new Map<string, string>();
    for (const line of gunzipSync(readFileSync(DEMO_SESSIONS)).toString('utf8').split('\n')) {
      if (!line) continue;
      const s = JSON.parse(line) as { events: { results: { item_id: string; title: string }[] }[] };
      for (const e of s.events) for (const r of e.results) titles.set(r.item_id, r.title);
    }
    textStats = textStatsToJson(textStatsFromTitles(titles.values()));
  }
  return {
    version: 2,
    groups: current.groups,
    queryDependence: {
      ...(current.queryDependence ?? {}),
      bm25: 'qgs-text-v1',
      title_coverage: 'qgs-text-v1',
      exact_match: 'qgs-text-v1',
      semantic_sim: 'logged',
    },
    textStats,
  };
}

/** A demo turn with ≥ 6 candidates whose bottom-ranked candidate (under `m`) has a title of ≥ 2 tokens. */
async function pickTurn(api: ApiClient, m: ModelSummary): Promise<{ turnId: string; orig: TurnScoring }> {
  const page = await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 50 });
  for (const row of page.rows) {
    const s = await api.call('sessions.get', { sessionId: row.sessionId });
    for (const t of s.turns) {
      if (t.results.length < 6 || t.index === 0) continue;
      const turnId = `${s.sessionId}#${t.index}`;
      const orig = await api.call('score.turn', { turnId, models: [m.sha256] });
      const last = byRank(orig.models[0]!).at(-1)!;
      if (last.title.split(/\s+/).length >= 2) return { turnId, orig };
    }
  }
  throw new Error('no demo turn fits');
}

test('counterfactual: an edited query recomputes the text-match features, re-ranks, and marks what stays from the log', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const all = await api.call('models.list', {});
  const m = all.find((x) => x.encoder === 'linear') ?? all[0];
  if (!m) throw new Skip('needs a registered model: the demo registers resources/models');
  const info = await api.call('features.spec', {});
  const stats = await api.call('workspace.stats', {});
  const specFile = join(dirname(stats.path), 'e2e-feature-spec.json');
  writeFileSync(specFile, JSON.stringify(demoSpec(info.source)));
  const set = await api.call('features.setSpec', { path: specFile });
  assert.match(set.summary, /recomputed from an edited query: bm25, title_coverage, exact_match/);
  try {
    const { turnId, orig } = await pickTurn(api, m);
    const target = byRank(orig.models[0]!).at(-1)!;
    const edited = target.title;
    const [sessionId, n] = turnId.split('#') as [string, string];
    await openApp(`#/session/${encodeURIComponent(sessionId)}/turn/${n}?m=${m.sha256.slice(0, 12)}`);
    const rows = page.locator('[data-testid=ranking] tbody tr[data-item-id]');
    await eventually(async () => assert.equal(await rows.count(), orig.models[0]!.candidates.length), 30_000);
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByLabel('Counterfactual query').fill(edited);
    const cf = await api.call('score.counterfactual', { turnId, models: [m.sha256], edit: { query: edited } });
    const want = byRank(cf.models[0]!).map((c) => c.itemId);
    await eventually(
      async () =>
        assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id'))), want),
      30_000,
    );
    // The ranking changed, and the candidate the query now names climbed.
    assert.notDeepEqual(
      want,
      byRank(orig.models[0]!).map((c) => c.itemId),
    );
    const newRank = cf.models[0]!.candidates.find((c) => c.itemId === target.itemId)!.rank;
    assert.ok(newRank < target.rank, `"${target.title}" was ${target.rank}th, now ${newRank}th`);

    // The editor says once what was recomputed and what was not.
    assert.match(
      (await page.getByTestId('cf-recomputed').textContent()) ?? '',
      /Recomputed for the new query: bm25, title_coverage, exact_match/,
    );
    assert.match(
      (await page.getByTestId('cf-from-log').textContent()) ?? '',
      /semantic_sim: not recomputed \(from the log\)/,
    );

    // The target's row: its text features old → new, as the API reports them, and the from-log mark.
    const esc = (id: string) => id.replace(/["\\]/g, '\\$&');
    const row = page.locator(`[data-testid=ranking] tbody tr[data-item-id="${esc(target.itemId)}"]`);
    const fmt = (v: number | null) => (v === null ? 'missing' : fmtFeature(v));
    const tf = cf.features!.candidates.find((c) => c.itemId === target.itemId)!.features;
    assert.equal(tf['title_coverage']!.value, 1, 'the query is the title: full coverage');
    assert.equal(tf['exact_match']!.value, 1, 'the query is the title: exact match');
    const sub = page.locator(`[data-testid=cf-text-features][data-for-item="${esc(target.itemId)}"]`);
    const line = (await sub.textContent()) ?? '';
    assert.ok(
      TEXT_FEATURES.some((f) => tf[f]!.value !== tf[f]!.logged),
      'the edited query changed some text-match feature',
    );
    for (const f of TEXT_FEATURES)
      if (tf[f]!.value !== tf[f]!.logged)
        assert.ok(line.includes(`${f} ${fmt(tf[f]!.logged)} → ${fmt(tf[f]!.value)}`), `${f} in "${line}"`);
    assert.match(line, /semantic_sim: not recomputed \(from the log\)/);

    // The feature panel: the new values in the inputs, "old → new · recomputed", the from-log mark.
    await row.getByRole('button', { name: `Show features of ${target.itemId}` }).click();
    const panel = page.getByLabel(`Features of ${target.itemId} by group`);
    await eventually(async () =>
      assert.equal(await panel.getByLabel(`exact_match of ${target.itemId}`).inputValue(), '1'),
    );
    assert.equal(Number(await panel.getByLabel(`bm25 of ${target.itemId}`).inputValue()), tf['bm25']!.value);
    assert.match(
      (await panel.locator('[data-feature=semantic_sim] [data-testid=feature-from-log]').textContent()) ?? '',
      /not recomputed \(from the log\)/,
    );
    assert.match(
      (await panel.locator('[data-feature=exact_match] [data-testid=feature-recomputed]').textContent()) ?? '',
      new RegExp(`${fmt(tf['exact_match']!.logged)} → 1 · recomputed`),
    );
    await row.scrollIntoViewIfNeeded();
    await screenshot('counterfactual-recomputed-1440');
    await page.setViewportSize({ width: 1024, height: 700 });
    await row.scrollIntoViewIfNeeded();
    await screenshot('counterfactual-recomputed-1024');

    // What "history weight" is, said where it is shown.
    assert.match(
      (await page.getByTestId('weight-caption').textContent()) ?? '',
      /share of each history step.*sum to 1/,
    );
    await page.getByRole('button', { name: 'What is history weight?' }).click();
    assert.match((await page.getByTestId('weight-help').textContent()) ?? '', /history_weight output.*sum to 1/);
  } finally {
    // Put the workspace's own spec back for the tests after this one.
    if (info.source) await api.call('features.setSpec', { path: info.source });
  }
});

test('counterfactual: without a feature spec the editor says once that nothing was recomputed', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const all = await api.call('models.list', {});
  const m = all.find((x) => x.encoder === 'linear') ?? all[0];
  if (!m) throw new Skip('needs a registered model: the demo registers resources/models');
  const info = await api.call('features.spec', {});
  const stats = await api.call('workspace.stats', {});
  // A groups-only (version 1) spec: which features depend on the query is unknown.
  const specFile = join(dirname(stats.path), 'e2e-feature-spec-v1.json');
  const groups = info.spec?.groups ?? [{ name: 'all', features: stats.featureNames }];
  writeFileSync(specFile, JSON.stringify({ groups }));
  await api.call('features.setSpec', { path: specFile });
  try {
    const { turnId } = await pickTurn(api, m);
    const [sessionId, n] = turnId.split('#') as [string, string];
    await openApp(`#/session/${encodeURIComponent(sessionId)}/turn/${n}?m=${m.sha256.slice(0, 12)}`);
    const rows = page.locator('[data-testid=ranking] tbody tr[data-item-id]');
    await eventually(async () => assert.ok((await rows.count()) > 0), 30_000);
    await page.getByLabel('Counterfactual query').fill('steam deck setup');
    await eventually(
      async () =>
        assert.match(
          (await page.getByTestId('cf-features-note').textContent()) ?? '',
          /does not say which features depend on the query.*not recomputed \(from the log\)/,
        ),
      30_000,
    );
    assert.equal(await page.getByTestId('cf-features-note').count(), 1);
    // Said once, not on every row nor on every feature of an opened panel.
    assert.equal(await page.getByTestId('cf-text-features').count(), 0);
    const first = (await rows.first().getAttribute('data-item-id'))!;
    await rows
      .first()
      .getByRole('button', { name: `Show features of ${first}` })
      .click();
    await page.getByLabel(`Features of ${first} by group`).waitFor();
    assert.equal(await page.getByTestId('feature-from-log').count(), 0);
    assert.equal(await page.getByTestId('feature-recomputed').count(), 0);
    await screenshot('counterfactual-no-spec');
  } finally {
    if (info.source) await api.call('features.setSpec', { path: info.source });
  }
});
