// Ranking view, two-model diff, history-weight overlay and live counterfactual against the real
// backend and real ONNX models (score.turn / score.counterfactual through onnxruntime-node). Every
// expected value comes from the same API call the UI makes. Skipped (not passed) when the workspace
// has no model: the demo registers resources/models; QGS_E2E_MODELS=DIR adds more.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { ModelSummary, ModelTurnScores } from '../../src-common/api/contract.ts';
import type { SessionDetail } from '../../src-common/api/types.ts';
import { kendallTauOfRankings, rbo } from '../../src-common/metrics.ts';
import { fmtWeight } from '../../src-renderer/src/lib/ranking.ts';
import { eventually, Skip, test } from './harness.ts';
import { LONG_SESSION_ID } from './long-session.ts';

async function models(api: ApiClient, n: number): Promise<ModelSummary[]> {
  const all = await api.call('models.list', {});
  if (all.length < n) throw new Skip(`needs ${n} registered model(s), the workspace has ${all.length}`);
  // A QGS model first (linear preferred) and the flattened baseline second, as an engineer would.
  const a = all.find((m) => m.encoder === 'linear') ?? all.find((m) => m.encoder !== 'flattened') ?? all[0]!;
  const b = all.find((m) => m.encoder === 'flattened' && m !== a) ?? all.find((m) => m !== a);
  return n === 1 ? [a] : [a, b!];
}

/** A demo turn after a query switch with at least `minSteps` history steps and some clicks before. */
async function turnWithHistory(api: ApiClient, minSteps: number): Promise<{ s: SessionDetail; n: number }> {
  for (let offset = 0; ; offset += 100) {
    const page = await api.call('sessions.list', { hasSwitch: true, offset, limit: 100 });
    for (const row of page.rows) {
      if (row.turns < 4 || row.turns > 10) continue;
      const s = await api.call('sessions.get', { sessionId: row.sessionId });
      const t = s.turns.findLast((x) => x.boundary === 'switch');
      if (!t) continue;
      const before = s.turns.filter((x) => x.index < t.index);
      const steps = before.reduce((k, x) => k + Math.max(1, x.results.filter((r) => r.click).length), 0);
      if (steps >= minSteps && before.some((x) => x.results.some((r) => r.click)) && t.results.length >= 8)
        return { s, n: t.index };
    }
    if (offset + 100 >= page.total) throw new Error('no demo turn fits');
  }
}

const short = (m: ModelSummary) => m.sha256.slice(0, 12);
const rankingIds = (page: Page) =>
  page
    .locator('[data-testid=ranking] tbody tr[data-item-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id')));
const byRank = (m: ModelTurnScores) => [...m.candidates].sort((a, b) => a.rank - b.rank);

async function open(
  page: Page,
  openApp: (h?: string) => Promise<void>,
  s: SessionDetail,
  n: number,
  ms: ModelSummary[],
): Promise<void> {
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${n}?m=${ms.map(short).join(',')}`);
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), s.sessionId));
}

test('ranking view: the model order, scores, logged positions, clicks and HFG group weights the API returns', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 2);
  const want = (await api.call('score.turn', { turnId: `${s.sessionId}#${n}`, models: [m!.sha256] })).models[0]!;
  await open(page, openApp, s, n, [m!]);
  await eventually(async () => assert.equal((await rankingIds(page)).length, want.candidates.length), 30_000);
  const turn = s.turns.find((t) => t.index === n)!;
  const rows = page.locator('[data-testid=ranking] tbody tr[data-item-id]');
  for (const [i, c] of byRank(want).entries()) {
    const row = rows.nth(i);
    assert.equal(await row.getAttribute('data-item-id'), c.itemId);
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[0], String(c.rank));
    assert.equal(cells[1], c.score.toFixed(4));
    assert.equal(cells[2], String(c.position));
    // The title with the item id beside it (duplicate titles stay apart).
    assert.equal(await row.getByTestId('title').textContent(), c.title);
    assert.equal(await row.getByTestId('item-id').textContent(), c.itemId);
    assert.equal(cells[4]?.includes('✓'), turn.results.find((r) => r.itemId === c.itemId)!.click);
    // Group weights: each value printed next to the bar; names from the model's metadata, exact values on hover.
    const bar = row.getByTestId('group-weights');
    assert.deepEqual(await bar.getByTestId('group-weight-value').allTextContents(), c.groupWeight.map(fmtWeight));
    const title = (await bar.getAttribute('title')) ?? '';
    want.groups.forEach((g, gi) =>
      assert.ok(title.includes(`${g} ${c.groupWeight[gi]!.toFixed(4)}`), `hover of ${c.itemId} names ${g}`),
    );
  }
  // The printed weights are readable numbers, not just hover text.
  assert.match(
    (await rows.first().getByTestId('group-weights').innerText()).replace(/\s+/g, ' '),
    /(\.\d\d|\b0|\b1)( |$)/,
  );
  assert.deepEqual(
    want.groups,
    m!.groups.map((g) => g.name),
  );
  await screenshot('ranking');

  // Sort by the last group's weight.
  const g = want.groups.length - 1;
  await page.getByRole('button', { name: want.groups[g]! }).click();
  const expected = [...want.candidates]
    .sort((a, b) => b.groupWeight[g]! - a.groupWeight[g]! || a.rank - b.rank)
    .map((c) => c.itemId);
  await eventually(async () => assert.deepEqual(await rankingIds(page), expected));
  await page.getByRole('button', { name: 'model rank' }).click();

  // Features by group on demand, with the logged values.
  const top = byRank(want)[0]!;
  await page.getByRole('button', { name: `Show features of ${top.itemId}` }).click();
  const logged = turn.results.find((r) => r.itemId === top.itemId)!.features;
  for (const grp of m!.groups) {
    for (const f of grp.features) {
      const v = await page.getByLabel(`${f} of ${top.itemId}`, { exact: true }).inputValue();
      assert.equal(Number(v), logged[f], `${f} of ${top.itemId}`);
    }
  }
  await page.locator('tr.features').evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await screenshot('ranking-features');
});

test('two-model diff: side-by-side rankings, slopegraph, rank deltas, top-k changes, Kendall τ and RBO', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const ms = await models(api, 2);
  const { s, n } = await turnWithHistory(api, 2);
  const got = await api.call('score.turn', { turnId: `${s.sessionId}#${n}`, models: ms.map((m) => m.sha256) });
  const [A, B] = [got.models[0]!, got.models[1]!];
  await open(page, openApp, s, n, ms);
  const side = (id: string) =>
    page
      .getByTestId(id)
      .locator('li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id')));
  await eventually(
    async () =>
      assert.deepEqual(
        await side('diff-a'),
        byRank(A).map((c) => c.itemId),
      ),
    30_000,
  );
  assert.deepEqual(
    await side('diff-b'),
    byRank(B).map((c) => c.itemId),
  );
  // One line per item joins its two ranks.
  assert.equal(await page.locator('svg.slope line.sl').count(), A.candidates.length);
  // Rank deltas on B's side: rank under A − rank under B.
  const rankA = new Map(A.candidates.map((c) => [c.itemId, c.rank] as const));
  const deltas = await page.getByTestId('diff-b').getByTestId('delta').allTextContents();
  byRank(B).forEach((c, i) => {
    const d = rankA.get(c.itemId)! - c.rank;
    assert.equal(deltas[i], d === 0 ? '' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`, `delta of ${c.itemId}`);
  });
  const idsA = byRank(A).map((c) => c.itemId);
  const idsB = byRank(B).map((c) => c.itemId);
  assert.equal(await page.getByTestId('kendall').textContent(), kendallTauOfRankings(idsA, idsB).toFixed(3));
  assert.equal(await page.getByTestId('rbo').textContent(), rbo(idsA, idsB, 0.9).toFixed(3));
  const top10 = new Set(idsA.slice(0, 10));
  assert.equal(
    Number(await page.getByTestId('entered').textContent()),
    idsB.slice(0, 10).filter((x) => !top10.has(x)).length,
  );
  // Both models' history attribution: this topic vs earlier topics, as the API's weights say.
  // The turn's topic segment starts at the last switch at or before it.
  const segStart = s.turns
    .filter((t) => t.index <= n && (t.boundary === 'switch' || t.boundary === 'start'))
    .at(-1)!.index;
  const share = (m: ModelTurnScores) =>
    got.history.reduce((acc, h, i) => acc + (h.turnIndex >= segStart ? m.historyWeight[i]! : 0), 0);
  const pctA = (share(A) * 100).toFixed(1);
  const pctB = (share(B) * 100).toFixed(1);
  assert.ok(((await page.getByTestId('weight-summary').textContent()) ?? '').includes(`${pctA}% this topic`));
  const summaryB = ((await page.getByTestId('weight-summary-b').textContent()) ?? '').replace(/\s+/g, ' ');
  assert.ok(summaryB.includes(`${B.model.name}: ${pctB}%`), `${summaryB} vs ${pctB}`);
  // Item ids beside the titles on both sides.
  const sideIds = (id: string) => page.getByTestId(id).getByTestId('item-id').allTextContents();
  assert.deepEqual(
    await sideIds('diff-a'),
    byRank(A).map((c) => c.itemId),
  );
  assert.deepEqual(
    await sideIds('diff-b'),
    byRank(B).map((c) => c.itemId),
  );
  await screenshot('diff');

  // Both models' HFG group weights side by side, with their values, per item.
  const cmp = page.getByTestId('weights-compare');
  const rankB = new Map(B.candidates.map((c) => [c.itemId, c] as const));
  for (const c of byRank(A)) {
    const row = cmp.locator(`tr[data-item-id="${c.itemId}"]`);
    assert.equal(
      await row.getByTestId('weights-a').getByTestId('group-weights').getAttribute('data-weights'),
      c.groupWeight.join(','),
      `A's weights of ${c.itemId}`,
    );
    assert.equal(
      await row.getByTestId('weights-b').getByTestId('group-weights').getAttribute('data-weights'),
      rankB.get(c.itemId)!.groupWeight.join(','),
      `B's weights of ${c.itemId}`,
    );
    assert.deepEqual(
      await row.getByTestId('weights-b').getByTestId('group-weight-value').allTextContents(),
      rankB.get(c.itemId)!.groupWeight.map(fmtWeight),
    );
  }
  // The feature panel stays available in the diff: the logged values, with both models' group weights.
  const top = byRank(B)[0]!;
  await cmp.getByRole('button', { name: `Show features of ${top.itemId}` }).click();
  const logged = s.turns.find((t) => t.index === n)!.results.find((r) => r.itemId === top.itemId)!.features;
  const [ma] = await models(api, 2);
  const f = ma!.groups[0]!.features[0]!;
  assert.equal(Number(await page.getByLabel(`${f} of ${top.itemId}`, { exact: true }).inputValue()), logged[f]);
  assert.match(
    (await cmp.locator('tr.features').textContent()) ?? '',
    new RegExp(`B weight ${rankB.get(top.itemId)!.groupWeight[0]!.toFixed(4)}`),
  );
  await cmp.evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await screenshot('diff-weights-compare');
});

test('history weights on the timeline; removing a step re-ranks as score.counterfactual says; reset restores', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 2);
  const turnId = `${s.sessionId}#${n}`;
  const orig = await api.call('score.turn', { turnId, models: [m!.sha256] });
  await open(page, openApp, s, n, [m!]);
  const bars = page.locator('[data-testid=timeline] rect.weight');
  await eventually(async () => assert.equal(await bars.count(), orig.history.length), 30_000);
  const shown = new Map(
    await bars.evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-step')), Number(e.getAttribute('data-weight'))] as [number, number]),
    ),
  );
  orig.history.forEach((h, i) =>
    assert.ok(Math.abs(shown.get(h.step)! - orig.models[0]!.historyWeight[i]!) < 1e-6, `weight of step ${h.step}`),
  );
  // The split between this topic's segment and earlier topics.
  assert.match(
    (await page.getByTestId('weight-summary').textContent()) ?? '',
    /% this topic,\s*[\d.]+% earlier topics/,
  );
  await screenshot('timeline-history-weights');

  // Remove the most recent click step by clicking it on the timeline.
  const step = orig.history.findLast((h) => h.itemId !== null)!;
  const mark = page.locator(`[data-testid=timeline] rect.step[data-step="${step.step}"]`);
  const box = (await mark.boundingBox())!;
  await page.mouse.click(box.x + 1.5, box.y + box.height / 2);
  const cf = await api.call('score.counterfactual', {
    turnId,
    models: [m!.sha256],
    edit: { removeHistorySteps: [step.step] },
  });
  await eventually(
    async () =>
      assert.match((await page.getByTestId('cf-status').textContent()) ?? '', /counterfactual · \d+ ms · not saved/),
    30_000,
  );
  await eventually(async () =>
    assert.deepEqual(
      await rankingIds(page),
      byRank(cf.models[0]!).map((c) => c.itemId),
    ),
  );
  assert.match((await mark.getAttribute('class')) ?? '', /removed/);
  assert.equal(await page.locator('[data-testid=timeline] rect.weight').count(), cf.history.length);
  await screenshot('counterfactual-step-removed');
  await page.getByRole('button', { name: 'Reset to logged turn' }).click();
  await eventually(async () =>
    assert.deepEqual(
      await rankingIds(page),
      byRank(orig.models[0]!).map((c) => c.itemId),
    ),
  );
  assert.equal(await page.getByTestId('cf-status').count(), 0);
});

test('counterfactual: editing the query and a feature value re-ranks live with deltas; nothing is written', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 1);
  const turnId = `${s.sessionId}#${n}`;
  const orig = await api.call('score.turn', { turnId, models: [m!.sha256] });
  await open(page, openApp, s, n, [m!]);
  await eventually(
    async () => assert.equal((await rankingIds(page)).length, orig.models[0]!.candidates.length),
    30_000,
  );
  const q = s.turns.find((t) => t.index === n)!.query;
  const edited = `${q} cheap review`;
  await page.getByLabel('Counterfactual query').fill(edited);
  const cfQ = await api.call('score.counterfactual', { turnId, models: [m!.sha256], edit: { query: edited } });
  await eventually(
    async () =>
      assert.deepEqual(
        await rankingIds(page),
        byRank(cfQ.models[0]!).map((c) => c.itemId),
      ),
    30_000,
  );
  // Δ column: original rank − new rank.
  const before = new Map(orig.models[0]!.candidates.map((c) => [c.itemId, c.rank] as const));
  const ds = await page.getByTestId('cf-delta').allTextContents();
  byRank(cfQ.models[0]!).forEach((c, i) => {
    const d = before.get(c.itemId)! - c.rank;
    assert.equal(ds[i], d === 0 ? '' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`);
  });

  // Change one feature of the bottom candidate as well.
  const last = byRank(cfQ.models[0]!).at(-1)!;
  const feature = m!.groups[0]!.features[0]!;
  await page.getByRole('button', { name: `Show features of ${last.itemId}` }).click();
  const input = page.getByLabel(`${feature} of ${last.itemId}`, { exact: true });
  await input.fill('50');
  await input.press('Enter');
  await input.blur();
  const cfQF = await api.call('score.counterfactual', {
    turnId,
    models: [m!.sha256],
    edit: { query: edited, features: [{ itemId: last.itemId, feature, value: 50 }] },
  });
  await eventually(
    async () =>
      assert.deepEqual(
        await rankingIds(page),
        byRank(cfQF.models[0]!).map((c) => c.itemId),
      ),
    30_000,
  );
  await page.locator('tr.features').evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await screenshot('counterfactual-query-feature');
  // Nothing was written: the stored turn is unchanged.
  const again = await api.call('sessions.get', { sessionId: s.sessionId });
  assert.deepEqual(
    again.turns.find((t) => t.index === n),
    s.turns.find((t) => t.index === n),
  );
});

test('counterfactual variants: save an edit under a name, reset, re-apply it from the saved list, delete it', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 1);
  const turnId = `${s.sessionId}#${n}`;
  const orig = await api.call('score.turn', { turnId, models: [m!.sha256] });
  await open(page, openApp, s, n, [m!]);
  await eventually(
    async () => assert.equal((await rankingIds(page)).length, orig.models[0]!.candidates.length),
    30_000,
  );
  const q = s.turns.find((t) => t.index === n)!.query;
  const edited = `${q} under 50 euro`;
  const name = 'under 50 euro';
  // A rerun on a kept workspace (QGS_E2E_WORKSPACE) starts clean: names are unique per turn.
  for (const v of await api.call('variants.list', { turnId }))
    if (v.name === name) await api.call('variants.delete', { variantId: v.variantId });
  const queryBox = page.getByLabel('Counterfactual query');
  await queryBox.fill(edited);
  const cf = await api.call('score.counterfactual', { turnId, models: [m!.sha256], edit: { query: edited } });
  const cfIds = byRank(cf.models[0]!).map((c) => c.itemId);
  await eventually(async () => assert.deepEqual(await rankingIds(page), cfIds), 30_000);
  await eventually(
    async () => assert.match((await page.getByTestId('cf-status').textContent()) ?? '', /not saved/),
    30_000,
  );

  // Save it as a named variant.
  await page.getByRole('button', { name: 'Save variant…' }).click();
  await page.getByLabel('Variant name').fill(name);
  await screenshot('counterfactual-save-variant');
  await page.getByLabel('Variant name').press('Enter');
  await eventually(async () =>
    assert.ok(((await page.getByTestId('cf-status').textContent()) ?? '').includes(`saved as “${name}”`)),
  );
  const saved = (await api.call('variants.list', { turnId })).find((v) => v.name === name);
  assert.ok(saved, 'variants.list has the saved variant');
  assert.deepEqual(saved.edit, { query: edited });

  // Reset to the logged turn: the saved list stays, the query and ranking are the logged ones.
  await page.getByRole('button', { name: 'Reset to logged turn' }).click();
  await eventually(async () =>
    assert.deepEqual(
      await rankingIds(page),
      byRank(orig.models[0]!).map((c) => c.itemId),
    ),
  );
  assert.equal(await queryBox.inputValue(), q);
  assert.equal(await page.getByTestId('cf-status').count(), 0);

  // Apply the saved variant: the query box and the ranking show the edit again.
  await page.getByTestId('variants').getByRole('button', { name, exact: true }).click();
  await eventually(async () => assert.equal(await queryBox.inputValue(), edited));
  await eventually(async () => assert.deepEqual(await rankingIds(page), cfIds), 30_000);
  await eventually(async () =>
    assert.ok(((await page.getByTestId('cf-status').textContent()) ?? '').includes(`saved as “${name}”`)),
  );
  await screenshot('counterfactual-variant');
  // The stored turn itself is unchanged.
  const again = await api.call('sessions.get', { sessionId: s.sessionId });
  assert.deepEqual(
    again.turns.find((t) => t.index === n),
    s.turns.find((t) => t.index === n),
  );

  // Delete it from the list.
  await page.getByRole('button', { name: `Delete variant ${name}` }).click();
  await eventually(async () =>
    assert.equal(await page.getByRole('button', { name: `Delete variant ${name}` }).count(), 0),
  );
  assert.equal(
    (await api.call('variants.list', { turnId })).some((v) => v.name === name),
    false,
  );
  assert.match((await page.getByTestId('cf-status').textContent()) ?? '', /not saved/);
});

test('a long-history turn: the history limit re-scores, the timeline overlays exactly the kept steps; models follow J', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const turnId = `${LONG_SESSION_ID}#1000`;
  const want = await api.call('score.turn', { turnId, models: [m!.sha256], maxHistory: 16 });
  await openApp(`#/session/${LONG_SESSION_ID}/turn/1000?m=${short(m!)}`);
  await page.getByLabel('History steps kept').selectOption('16');
  const a = want.models[0]!.assembly;
  await eventually(
    async () =>
      assert.match(
        (await page.getByTestId('model-a-label').textContent()) ?? '',
        new RegExp(`16 of ${a.historySteps} history steps kept`),
      ),
    30_000,
  );
  const steps = await page
    .locator('[data-testid=timeline] rect.weight')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))).sort((x, y) => x - y));
  assert.deepEqual(
    steps,
    want.history.map((h) => h.step).sort((x, y) => x - y),
  );
  assert.deepEqual(
    await rankingIds(page),
    byRank(want.models[0]!).map((c) => c.itemId),
  );
  await screenshot('analysis-long-history');
  // The model choice stays in the URL when moving to another session.
  await page.keyboard.press('Shift+K');
  await eventually(async () =>
    assert.notEqual(await page.locator('.session-head .sid').textContent(), LONG_SESSION_ID),
  );
  assert.match(new URL(page.url()).hash, new RegExp(`\\?m=${short(m!)}$`));
});

test('counterfactual query: limited to the contract, an empty query is refused inline, and a kept ranking is marked stale (also when a re-score fails)', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 1);
  const turnId = `${s.sessionId}#${n}`;
  const orig = await api.call('score.turn', { turnId, models: [m!.sha256] });
  const origIds = byRank(orig.models[0]!).map((c) => c.itemId);
  await open(page, openApp, s, n, [m!]);
  await eventually(async () => assert.deepEqual(await rankingIds(page), origIds), 30_000);
  const box = page.getByLabel('Counterfactual query');
  assert.equal(await box.getAttribute('maxlength'), '2000');
  const stale = page.getByTestId('ranking-stale');
  assert.equal(await stale.count(), 0);
  let cfCalls = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/score.counterfactual')) cfCalls++;
  });

  // Empty: refused inline, nothing sent, the logged ranking stays and is marked stale.
  await box.fill('');
  await eventually(async () => assert.equal(await page.getByTestId('cf-query-error').textContent(), 'Enter a query'));
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.match((await stale.textContent()) ?? '', /stale: showing the last valid ranking — Enter a query/);
  await page.waitForTimeout(400); // longer than the edit debounce: a request would have gone out
  assert.equal(cfCalls, 0, 'an empty query is not sent');
  assert.deepEqual(await rankingIds(page), origIds);
  assert.equal(await page.getByRole('button', { name: 'Save variant…' }).count(), 0);
  await screenshot('counterfactual-empty-query');

  // Over the limit (a value set by script or paste bypasses maxlength): refused the same way, naming the limit.
  await box.evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, 'q'.repeat(2001));
  await eventually(async () =>
    assert.equal(
      await page.getByTestId('cf-query-error').textContent(),
      'The query is 2,001 characters; at most 2,000 are allowed',
    ),
  );
  assert.match(
    (await stale.textContent()) ?? '',
    /stale: showing the last valid ranking — The query is 2,001 characters/,
  );
  await page.waitForTimeout(400);
  assert.equal(cfCalls, 0, 'a query over the limit is not sent');
  assert.deepEqual(await rankingIds(page), origIds);

  // A valid query re-ranks live and clears the mark.
  const edited = `${s.turns.find((t) => t.index === n)!.query} waterproof`;
  await box.fill(edited);
  const cf = await api.call('score.counterfactual', { turnId, models: [m!.sha256], edit: { query: edited } });
  const cfIds = byRank(cf.models[0]!).map((c) => c.itemId);
  await eventually(async () => assert.deepEqual(await rankingIds(page), cfIds), 30_000);
  await eventually(async () => assert.equal(await stale.count(), 0));
  assert.equal(await page.getByTestId('cf-query-error').count(), 0);

  // A failing re-score: the last valid ranking stays, marked stale with the reason.
  await page.route('**/api/score.counterfactual', (route) =>
    route.fulfill({ status: 500, body: 'backend overloaded' }),
  );
  await box.fill(`${edited} boots`);
  await eventually(
    async () =>
      assert.match(
        (await stale.textContent()) ?? '',
        /stale: showing the last valid ranking — re-scoring failed: .*HTTP 500: backend overloaded/,
      ),
    30_000,
  );
  assert.deepEqual(await rankingIds(page), cfIds);
  assert.equal(await page.getByTestId('cf-status').count(), 0);
  await screenshot('counterfactual-rescore-failed');
  await page.unroute('**/api/score.counterfactual');
  await box.fill(edited);
  await eventually(async () => assert.equal(await stale.count(), 0), 30_000);
  assert.deepEqual(await rankingIds(page), cfIds);
});

test('a CPU fallback: the hover stays short; the provider errors (install hints) are in the Runtime details disclosure', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const [m] = await models(api, 1);
  const { s, n } = await turnWithHistory(api, 1);
  const before = (await api.call('inference.status', {})).settings.provider;
  try {
    // A provider that does not load here falls back to CPU (cuda without its library: an install hint).
    let rt: ModelTurnScores['runtime'] | null = null;
    for (const provider of ['cuda', 'webgpu', 'coreml', 'directml'] as const) {
      await api.call('inference.configure', { provider });
      const got = await api.call('score.turn', { turnId: `${s.sessionId}#${n}`, models: [m!.sha256] });
      rt = got.models[0]!.runtime;
      if (rt.fallback) break;
    }
    if (!rt?.fallback) throw new Error('every GPU provider loaded here: no fallback to show');
    await open(page, openApp, s, n, [m!]);
    const note = page.getByTestId('fallback-note');
    await eventually(async () => assert.equal(await note.count(), 1), 30_000);
    const hover = (await note.getAttribute('title')) ?? '';
    assert.match(hover, /^Ran on CPU/);
    assert.doesNotMatch(hover, /CUDA|Vulkan|install|apt-get|npm/);
    const details = page.getByTestId('runtime-details');
    assert.equal(await details.evaluate((d) => (d as HTMLDetailsElement).open), false, 'closed until asked for');
    await details.locator('summary').click();
    const text = (await details.textContent()) ?? '';
    for (const a of rt.attempts.filter((x) => !x.ok))
      assert.ok(text.includes(a.error ?? ''), `details name ${a.provider}'s error`);
    await screenshot('runtime-fallback-details');
  } finally {
    await api.call('inference.configure', { provider: before });
  }
});
