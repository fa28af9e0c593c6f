// Dataset view (issue 5 item 5), the grade column and per-turn NDCG/MRR of the ranking and diff
// views, and the "jump to the worst regression" key, against the real backend: batch scores come
// from score.batch run by the UI, every expected value from the API (metrics.turns, qrels.turn,
// score.turn) and src-common/metrics.ts.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { ModelSummary, TurnMetricsPage } from '../../src-common/api/contract.ts';
import { ndcgOfRanked, reciprocalRankOfRanked } from '../../src-common/metrics.ts';
import { defaultPair } from '../../src-renderer/src/lib/dataset.ts';
import { routeHash } from '../../src-renderer/src/lib/routes.ts';
import { eventually, Skip, test } from './harness.ts';

const SET = 'ground-truth';
const short = (sha: string) => sha.slice(0, 12);

async function pair(api: ApiClient): Promise<{ a: ModelSummary; b: ModelSummary }> {
  const all = await api.call('models.list', {});
  const p = defaultPair(all);
  if (!p) throw new Skip(`needs 2 registered models, the workspace has ${all.length}`);
  const stats = await api.call('workspace.stats', {});
  if (!stats.qrelsSets.includes(SET)) throw new Skip(`needs the demo's judgment set "${SET}"`);
  return { a: all.find((m) => m.sha256 === p.a)!, b: all.find((m) => m.sha256 === p.b)! };
}

async function ensureScored(api: ApiClient, a: ModelSummary, b: ModelSummary): Promise<void> {
  await api.call('score.batch', { model: a.sha256 });
  await api.call('score.batch', { model: b.sha256 });
}

const tableIds = (page: Page) =>
  page
    .locator('[data-testid=dataset-table] tbody tr[data-turn-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-turn-id')));

async function assertTableMatches(page: Page, want: TurnMetricsPage): Promise<void> {
  await eventually(
    async () =>
      assert.deepEqual(
        await tableIds(page),
        want.rows.map((r) => r.turnId),
      ),
    20_000,
  );
  // The same turns can come back in the same order under another measure: wait for the values too.
  const rows = page.locator('[data-testid=dataset-table] tbody tr[data-turn-id]');
  await eventually(async () => {
    for (const [i, r] of want.rows.slice(0, 8).entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      assert.equal(cells[0], r.turnId);
      assert.equal(cells[2], r.query);
      assert.equal(cells[3], r.userId);
      // The chosen measure (NDCG@k by default), its Δ, then MRR (NDCG@k when the measure is MRR).
      assert.equal(cells[4], r.valueA.toFixed(3));
      assert.equal(cells[5], r.valueB.toFixed(3));
      assert.equal(Number(cells[6]!.replace('−', '-')).toFixed(3), r.delta.toFixed(3));
      assert.equal(cells[7], (want.measure === 'recip_rank' ? r.ndcgA : r.mrrA).toFixed(3));
      assert.equal(cells[8], (want.measure === 'recip_rank' ? r.ndcgB : r.mrrB).toFixed(3));
    }
  }, 20_000);
  assert.equal(
    await page
      .getByTestId('dataset-total')
      .textContent()
      .then((t) => Number(t!.split(' ')[0]!.replace(/\D/g, ''))),
    want.total,
  );
}

/** The Δ chart shows B − A of the summary's means for each kind, the two means as numbers, on a scale where the largest |Δ| is wide. */
async function assertDeltaChart(page: Page, want: TurnMetricsPage, label = 'NDCG@10'): Promise<void> {
  const kinds = ['start', 'switch', 'continuation'] as const;
  await eventually(
    async () =>
      assert.equal(await page.getByTestId('delta-bar').count(), kinds.filter((k) => want.summary[k].turns > 0).length),
    20_000,
  );
  let widest = 0;
  let maxAbs = 0;
  for (const kind of kinds) {
    const s = want.summary[kind];
    if (s.turns === 0) continue;
    const bar = page.locator(`[data-testid=delta-bar][data-kind=${kind}]`);
    const d = s.valueB! - s.valueA!;
    await eventually(async () =>
      assert.ok(Math.abs(Number(await bar.getAttribute('data-delta')) - d) < 1e-12, `Δ of ${kind}`),
    );
    assert.equal(Number(await bar.getAttribute('data-mean-a')), s.valueA);
    assert.equal(Number(await bar.getAttribute('data-mean-b')), s.valueB);
    // The tooltip reads "… mean NDCG@10 = 0.9727 …", not "mean NDCG@100.9727".
    const tip = (await bar.locator('title').textContent()) ?? '';
    assert.ok(tip.includes(`mean ${label} = ${s.valueA!.toFixed(4)}`), tip);
    assert.ok(tip.includes(`mean ${label} = ${s.valueB!.toFixed(4)}`), tip);
    const w = (await bar.boundingBox())!.width;
    if (Math.abs(d) > maxAbs) [maxAbs, widest] = [Math.abs(d), w];
  }
  // The means differ by thousandths; on the Δ's own scale the largest still draws a long bar.
  if (maxAbs > 0) assert.ok(widest > 100, `largest |Δ| ${maxAbs.toFixed(4)} draws ${widest.toFixed(0)} px`);
  const means = await page.getByTestId('delta-means').allTextContents();
  const sw = want.summary.switch;
  if (sw.turns > 0)
    assert.ok(
      means.some((t) => t.includes(sw.valueA!.toFixed(4)) && t.includes(sw.valueB!.toFixed(4))),
      means.join(' | '),
    );
}

test('dataset view: the demo is scored at setup, so the chart and table show at first open', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { a, b } = await pair(api);
  const q = { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 50 } as const;
  // The e2e workspace is set up like `npm start`: the demo's turns already carry both models' scores.
  const now = await api.call('metrics.turns', q);
  assert.ok(now.total > 100, `scored demo turns with a relevant candidate: ${now.total}`);
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await page.getByTestId('dataset').waitFor();
  await assertDeltaChart(page, now);
  await assertTableMatches(page, now);
  await screenshot('dataset-first-open');
});

test('dataset view: the split filter and the k picker change what is computed', async ({ page, api, openApp }) => {
  const { a, b } = await pair(api);
  const q = { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 50 } as const;
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await assertTableMatches(page, await api.call('metrics.turns', q));
  await page.getByLabel('Filter by split').selectOption('test');
  const test = await api.call('metrics.turns', { ...q, split: 'test' });
  await assertTableMatches(page, test);
  assert.match(page.url(), /split=test/);
  await page.getByLabel('Cut-off k').selectOption('5');
  const k5 = await api.call('metrics.turns', { ...q, split: 'test', k: 5 });
  await assertTableMatches(page, k5);
  assert.match(page.url(), /k=5/);
  assert.ok(((await page.getByTestId('delta-chart').textContent()) ?? '').includes('NDCG@5'));
  // The chart follows both: its Δ is the k=5 means over test turns.
  const sw = k5.summary.switch;
  if (sw.turns > 0) {
    await eventually(async () =>
      assert.ok(
        Math.abs(
          Number(await page.locator('[data-testid=delta-bar][data-kind=switch]').getAttribute('data-delta')) -
            (sw.valueB! - sw.valueA!),
        ) < 1e-12,
      ),
    );
  }
  // Restorable: a reload comes back to the same view.
  await page.reload();
  await assertTableMatches(page, k5);
  await page.getByLabel('Filter by split').selectOption('');
  await assertTableMatches(page, await api.call('metrics.turns', { ...q, k: 5 }));
});

test('dataset view: the measure picker — P@5 changes the values, the chart and the URL, and a reload restores it', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { a, b } = await pair(api);
  const q = { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 50 } as const;
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await assertTableMatches(page, await api.call('metrics.turns', q));
  await page.getByLabel('Measure').selectOption('P');
  await page.getByLabel('Cut-off k').selectOption('5');
  const p5 = await api.call('metrics.turns', { ...q, measure: 'P', k: 5 });
  assert.equal(p5.measure, 'P');
  await assertTableMatches(page, p5);
  // The values are P@5, not NDCG@5: on some shown row they differ, and P@5 is a multiple of 1/5.
  assert.ok(
    p5.rows.some((r) => r.valueA !== r.ndcgA || r.valueB !== r.ndcgB),
    'P@5 differs from NDCG@5 on some row',
  );
  assert.ok(p5.rows.every((r) => Number.isInteger(Math.round(r.valueA * 5 * 1e9) / 1e9)));
  await assertDeltaChart(page, p5, 'P@5');
  const head = await page.locator('[data-testid=dataset-table] thead').textContent();
  assert.ok(head!.includes('P@5 A') && head!.includes('Δ P@5'), head!);
  assert.match(page.url(), /measure=P(&|$)/);
  assert.match(page.url(), /k=5/);
  await screenshot('dataset-measure-p5');
  await page.setViewportSize({ width: 1024, height: 700 });
  await screenshot('dataset-measure-p5-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  // Restorable.
  await page.reload();
  await assertTableMatches(page, p5);
  assert.equal(await page.getByLabel('Measure').inputValue(), 'P');
  // MAP has no cut-off: k is disabled and the labels drop the @k.
  await page.getByLabel('Measure').selectOption('map');
  await assertTableMatches(page, await api.call('metrics.turns', { ...q, measure: 'map', k: 5 }));
  assert.ok(await page.getByLabel('Cut-off k').isDisabled());
  assert.ok(((await page.getByTestId('delta-chart').textContent()) ?? '').includes('Δ mean MAP = B − A'));
  // Back to NDCG: the measure leaves the URL (the default is implied).
  await page.getByLabel('Measure').selectOption('ndcg_cut');
  await assertTableMatches(page, await api.call('metrics.turns', { ...q, k: 5 }));
  assert.doesNotMatch(page.url(), /measure=/);
});

test('dataset view: a label task as the grades source, picked in the select and kept in the URL as g=', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { a, b } = await pair(api);
  const q = { modelA: a.sha256, modelB: b.sha256, limit: 50 } as const;
  // Three scored turns; a task over them; the first two candidates of each graded 3 and 0.
  const some = (await api.call('metrics.turns', { ...q, setName: SET, limit: 3 })).rows;
  assert.equal(some.length, 3);
  const task = await api.call('tasks.create', {
    name: `dataset ${Date.now().toString(36)}`,
    scale: 'graded-0-3',
    from: { kind: 'turns', turnIds: some.map((r) => r.turnId) },
    order: 'logged',
  });
  const logged = new Map<string, string[]>();
  for (const r of some) {
    const s = await api.call('sessions.get', { sessionId: r.sessionId });
    logged.set(
      r.turnId,
      s.turns.find((t) => t.index === r.index)!.results.map((x) => x.itemId),
    );
  }
  let n = 0;
  for (const r of some) {
    const [first, second] = logged.get(r.turnId)!;
    for (const [itemId, value] of [
      [first!, 3],
      [second!, 0],
    ] as const) {
      await api.call('labels.record', {
        eventId: `dataset-e2e-${task.taskId}-${n++}`,
        taskId: task.taskId,
        turnId: r.turnId,
        kind: 'grade',
        itemId,
        value,
      });
    }
  }
  const g = `labels:task:${task.taskId}`;
  const byTask = await api.call('metrics.turns', { ...q, setName: g });
  assert.equal(byTask.total, 3, 'the three labelled turns have a relevant candidate');
  assert.deepEqual(new Set(byTask.rows.map((r) => r.turnId)), new Set(some.map((r) => r.turnId)));

  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await assertTableMatches(page, await api.call('metrics.turns', { ...q, setName: SET }));
  const select = page.getByTestId('grades-source');
  // The label sources are listed with the judgment sets.
  const labels = await select.locator('optgroup[label=Labels] option').allTextContents();
  assert.ok(labels.includes(`Task: ${task.name}`), labels.join(' | '));
  await select.selectOption(g);
  await assertTableMatches(page, byTask);
  assert.ok(page.url().includes(`g=${g}`), page.url());
  await screenshot('dataset-label-task');
  await page.setViewportSize({ width: 1024, height: 700 });
  await screenshot('dataset-label-task-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  // With a measure too, and restorable from the URL.
  await page.getByLabel('Measure').selectOption('err');
  const err = await api.call('metrics.turns', { ...q, setName: g, measure: 'err' });
  await assertTableMatches(page, err);
  await page.reload();
  await assertTableMatches(page, err);
  assert.equal(await select.inputValue(), g);
  // The route another view navigates to after training (`{ name: 'dataset', a, b, grades }`).
  await openApp(routeHash({ name: 'dataset', a: short(a.sha256), b: short(b.sha256), grades: g }));
  await assertTableMatches(page, byTask);
  assert.equal(await select.inputValue(), g);
  // A row opens the turn with the same grades source.
  const row = byTask.rows[0]!;
  await page.locator(`[data-testid=dataset-table] tr[data-turn-id="${row.turnId}"]`).click();
  await eventually(async () =>
    assert.ok(page.url().includes(`/turn/${row.index}?`) && page.url().includes(`g=${g}`), page.url()),
  );
  // W from here: the worst turn by the task's labels, opened with the same grades source.
  await openApp(routeHash({ name: 'dataset', a: short(a.sha256), b: short(b.sha256), grades: g }));
  await assertTableMatches(page, byTask);
  await page.keyboard.press('Shift+W');
  const worstByTask = byTask.rows[0]!;
  await eventually(async () =>
    assert.ok(page.url().includes(`/turn/${worstByTask.index}?`) && page.url().includes(`g=${g}`), page.url()),
  );
  // Back to the judgment set: g= leaves the URL (the default set is implied).
  await openApp(routeHash({ name: 'dataset', a: short(a.sha256), b: short(b.sha256), grades: g }));
  await assertTableMatches(page, byTask);
  await select.selectOption(SET);
  await assertTableMatches(page, await api.call('metrics.turns', { ...q, setName: SET }));
  assert.doesNotMatch(page.url(), /g=/);
  // No source: no numbers (not the last source's), and the view says what to do.
  await select.selectOption('');
  await eventually(async () => assert.equal(await page.getByTestId('dataset-table').count(), 0));
  await page.getByText('Pick a grades source to compute metrics.').waitFor();
});

test('dataset view at 1024×700: opening a turn lands with its analysis on screen', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const { a, b } = await pair(api);
  await ensureScored(api, a, b);
  const want = await api.call('metrics.turns', { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 20 });
  // A turn late in its session, so it has to be scrolled to.
  const row = want.rows.reduce((x, y) => (y.index > x.index ? y : x));
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  const tr = page.locator(`[data-testid=dataset-table] tr[data-turn-id="${row.turnId}"]`);
  await tr.waitFor({ timeout: 20_000 });
  await tr.click();
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), row.sessionId));
  const analysis = page.getByTestId('analysis');
  await analysis.waitFor();
  await eventually(
    async () => assert.match((await page.getByTestId('model-a-label').textContent()) ?? '', new RegExp(a.name)),
    30_000,
  );
  const pane = (await page.locator('main.main').boundingBox())!;
  const head = (await page.locator('.session-head').boundingBox())!;
  const box = (await analysis.boundingBox())!;
  assert.ok(
    box.y >= head.y + head.height - 1,
    `analysis starts at y=${box.y.toFixed(0)}, under the header (ends ${(head.y + head.height).toFixed(0)})`,
  );
  // Not just its first line: the two-model comparison (τ, RBO) and the per-turn NDCG/MRR are on screen.
  for (const id of ['diff-summary', 'turn-metrics']) {
    const b = await eventually(async () => {
      const r = await page.getByTestId(id).boundingBox();
      assert.ok(r, `${id} is drawn`);
      return r;
    }, 30_000);
    assert.ok(
      b.y >= head.y + head.height - 1 && b.y + b.height <= pane.y + pane.height,
      `${id} at y=${b.y.toFixed(0)}–${(b.y + b.height).toFixed(0)} is inside the visible pane (${(head.y + head.height).toFixed(0)}–${(pane.y + pane.height).toFixed(0)})`,
    );
  }
  await screenshot('dataset-opened-turn-1024');
});

test('dataset view: scores the missing turns (progress, cancel, resume), then the table and the chart match metrics.turns', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { a, b } = await pair(api);
  const q = { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 50 } as const;
  const before = await api.call('metrics.turns', q);
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await page.getByTestId('dataset').waitFor();

  if (before.unscored.either > 0) {
    // Offered, because turns are not batch-scored: run it, cancel while it runs, then resume.
    await page
      .getByTestId('unscored')
      .getByText(`${before.unscored.either.toLocaleString()}`, { exact: false })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Score missing turns' }).click();
    await page.getByTestId('score-progress').waitFor({ timeout: 20_000 });
    await screenshot('dataset-scoring');
    const cancel = page.getByRole('button', { name: 'Cancel' });
    if (await cancel.isVisible()) {
      await cancel.click().catch(() => {});
      await eventually(async () => assert.ok(await page.getByTestId('score-note').isVisible()), 30_000);
    }
    // Resume until nothing is missing (a cancelled run keeps what it finished).
    for (let round = 0; round < 3; round++) {
      const now = await api.call('metrics.turns', q);
      if (now.unscored.either === 0) break;
      await eventually(
        async () => assert.ok(await page.getByRole('button', { name: 'Score missing turns' }).isVisible()),
        30_000,
      );
      await page.getByRole('button', { name: 'Score missing turns' }).click();
      await eventually(
        async () => assert.match((await page.getByTestId('score-note').textContent()) ?? '', /turns scored now/),
        120_000,
      );
    }
  }
  const want = await api.call('metrics.turns', q);
  assert.equal(want.unscored.either, 0, 'every turn is scored by both models after the UI ran score.batch');
  await eventually(async () => assert.equal(await page.getByTestId('unscored').count(), 0), 20_000);
  assert.ok(want.total > 100, `the demo has many scored turns with a relevant candidate (${want.total})`);
  await assertTableMatches(page, want);
  // Worst regressions first: deltas ascending.
  for (let i = 1; i < want.rows.length; i++) assert.ok(want.rows[i - 1]!.delta <= want.rows[i]!.delta);

  // The chart's bars are the summary's Δ = B − A, per turn kind, with both means.
  await assertDeltaChart(page, want);
  console.log(
    `    figures: mean NDCG@10 ${a.name} → ${b.name}: ` +
      (['start', 'switch', 'continuation', 'all'] as const)
        .map(
          (k) =>
            `${k} ${want.summary[k].ndcgA!.toFixed(4)} → ${want.summary[k].ndcgB!.toFixed(4)} (n=${want.summary[k].turns})`,
        )
        .join('; ') +
      `; skipped (no relevant) ${want.skippedNoRelevant}`,
  );
  await screenshot('dataset');

  // Filters: after a switch; then query text; then best first.
  await page.getByRole('button', { name: 'after switch' }).click();
  const sw = await api.call('metrics.turns', { ...q, boundary: 'switch' });
  await assertTableMatches(page, sw);
  assert.ok(sw.rows.every((r) => r.boundary === 'switch'));
  const word = sw.rows[0]!.query.split(/\s+/)[0]!;
  await page.getByLabel('Filter by query text').fill(word);
  const withQ = await api.call('metrics.turns', { ...q, boundary: 'switch', q: word });
  await assertTableMatches(page, withQ);
  await page.getByTestId('sort-delta').click();
  const best = await api.call('metrics.turns', { ...q, boundary: 'switch', q: word, sort: '-delta' });
  await assertTableMatches(page, best);
  assert.match(page.url(), /kind=switch/);
  await screenshot('dataset-filtered');
});

test('dataset view: one click opens the turn with both models, grades and the per-turn NDCG/MRR the dataset reported', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { a, b } = await pair(api);
  await ensureScored(api, a, b);
  const want = await api.call('metrics.turns', { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 5 });
  const row = want.rows[0]!;
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await eventually(async () => assert.equal((await tableIds(page))[0], row.turnId), 20_000);
  await page.locator(`[data-testid=dataset-table] tr[data-turn-id="${row.turnId}"]`).click();

  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), row.sessionId));
  assert.ok(
    page
      .url()
      .endsWith(
        `#/session/${encodeURIComponent(row.sessionId)}/turn/${row.index}?m=${short(a.sha256)},${short(b.sha256)}`,
      ),
    page.url(),
  );
  await eventually(
    async () => assert.match((await page.getByTestId('model-a-label').textContent()) ?? '', new RegExp(a.name)),
    30_000,
  );
  assert.match((await page.getByTestId('model-b-label').textContent()) ?? '', new RegExp(b.name));
  // The live per-turn metrics (score.turn + qrels.turn) agree with the batch-based row.
  const num = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace('−', '-'));
  await eventually(
    async () =>
      assert.ok(Math.abs((await num('ndcg-a')) - row.ndcgA) < 0.0015, `NDCG A ${await num('ndcg-a')} vs ${row.ndcgA}`),
    30_000,
  );
  assert.ok(Math.abs((await num('ndcg-b')) - row.ndcgB) < 0.0015);
  assert.ok(Math.abs((await num('mrr-a')) - row.mrrA) < 0.0015);
  assert.ok(Math.abs((await num('ndcg-delta')) - row.delta) < 0.003);
  // Grades beside A's ranking are the judgment set's.
  const grades = new Map(
    (await api.call('qrels.turn', { turnId: row.turnId, setName: SET })).grades.map((g) => [g.itemId, g.grade]),
  );
  const side = page.locator('[data-testid=diff-a] li[data-item-id]');
  const n = await side.count();
  assert.ok(n > 0);
  for (let i = 0; i < n; i++) {
    const id = (await side.nth(i).getAttribute('data-item-id'))!;
    assert.equal(await side.nth(i).getByTestId('side-grade').textContent(), String(grades.get(id) ?? '—'));
  }
  await page.getByTestId('turn-metrics').scrollIntoViewIfNeeded();
  await screenshot('dataset-opened-turn');
});

test('ranking view: the grade column and NDCG@10 / MRR from qrels.turn', async ({ page, api, openApp }) => {
  const { b } = await pair(api);
  const sessions = await api.call('sessions.list', { hasSwitch: true, limit: 5 });
  const s = await api.call('sessions.get', { sessionId: sessions.rows[0]!.sessionId });
  const t = s.turns.find((x) => x.results.length >= 5) ?? s.turns[0]!;
  const grades = new Map(
    (await api.call('qrels.turn', { turnId: t.turnId, setName: SET })).grades.map((g) => [g.itemId, g.grade]),
  );
  const scored = (await api.call('score.turn', { turnId: t.turnId, models: [b.sha256] })).models[0]!;
  const ranked = [...scored.candidates].sort((x, y) => x.rank - y.rank);
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${t.index}?m=${short(b.sha256)}`);
  const rows = page.locator('[data-testid=ranking] tbody tr[data-item-id]');
  await eventually(async () => assert.equal(await rows.count(), ranked.length), 30_000);
  await eventually(async () => assert.notEqual(await rows.first().getByTestId('grade').textContent(), ''), 10_000);
  for (const [i, c] of ranked.entries())
    assert.equal(await rows.nth(i).getByTestId('grade').textContent(), String(grades.get(c.itemId) ?? '—'));
  const g = ranked.map((c) => grades.get(c.itemId) ?? 0);
  const ndcg = ndcgOfRanked(g, 10);
  assert.equal(await page.getByTestId('ndcg-a').textContent(), Number.isFinite(ndcg) ? ndcg.toFixed(3) : '—');
  assert.equal(await page.getByTestId('mrr-a').textContent(), reciprocalRankOfRanked(g).toFixed(3));
});

test('keyboard: W jumps from anywhere to the worst regression of the pair', async ({ page, api, openApp }) => {
  const { a, b } = await pair(api);
  await ensureScored(api, a, b);
  const worst = (await api.call('metrics.turns', { modelA: a.sha256, modelB: b.sha256, setName: SET, limit: 1 }))
    .rows[0]!;
  // Open the dataset view once so the pair is the one used last, then go elsewhere and press W.
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}`);
  await eventually(async () => assert.equal((await tableIds(page))[0], worst.turnId), 20_000);
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page.locator('.welcome').waitFor();
  await page.keyboard.press('Shift+W');
  await eventually(
    async () => assert.equal(await page.locator('.session-head .sid').textContent(), worst.sessionId),
    20_000,
  );
  assert.ok(page.url().includes(`/turn/${worst.index}?m=${short(a.sha256)},${short(b.sha256)}`), page.url());
  // The header link reaches the dataset view.
  await page.getByTestId('nav-dataset').click();
  await page.getByTestId('dataset').waitFor();

  // From the dataset view, W follows the view's measure: the worst turn by a measure whose worst turn
  // is not NDCG@10's.
  let other: { measure: 'recip_rank' | 'map' | 'P' | 'err' | 'Rprec'; row: typeof worst } | null = null;
  for (const measure of ['recip_rank', 'map', 'P', 'err', 'Rprec'] as const) {
    const row = (
      await api.call('metrics.turns', { modelA: a.sha256, modelB: b.sha256, setName: SET, measure, limit: 1 })
    ).rows[0]!;
    if (row.turnId !== worst.turnId) {
      other = { measure, row };
      break;
    }
  }
  assert.ok(other, 'some measure picks another worst turn than NDCG@10 on the demo');
  const worstOther = other.row;
  await openApp(`#/dataset?a=${short(a.sha256)}&b=${short(b.sha256)}&measure=${other.measure}`);
  await eventually(async () => assert.equal((await tableIds(page))[0], worstOther.turnId), 20_000);
  await page.keyboard.press('Shift+W');
  await eventually(
    async () => assert.equal(await page.locator('.session-head .sid').textContent(), worstOther.sessionId),
    20_000,
  );
  assert.ok(page.url().includes(`/turn/${worstOther.index}?`), page.url());
});
