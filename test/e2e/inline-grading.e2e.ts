// Inline grading in the ranking view (issue 9) in Chromium against the real `serve` and a real ONNX
// model: switch the grades source to "My labels", grade two candidates with the keyboard and one
// with the mouse, undo one, read the labels back through the API (labels.forTurn) and see NDCG
// follow — only after the backend's acknowledgement. Screenshots of the picker and inline grades go
// to test-results/screenshots/inline/ (QGS_SHOTS overrides).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { ModelTurnScores } from '../../src-common/api/contract.ts';
import { turnMetrics } from '../../src-renderer/src/lib/ranking.ts';
import { eventually, Skip, test, shotsDir } from './harness.ts';

const SHOTS = shotsDir('inline');

/** Scrolls `sel` to just below the session page's sticky header (timeline), so both show. */
async function below(page: Page, sel: string): Promise<void> {
  await page.evaluate((s) => {
    const el = document.querySelector<HTMLElement>(s)!;
    el.style.scrollMarginTop = `${(document.querySelector<HTMLElement>('.session-head')?.offsetHeight ?? 0) + 4}px`;
    el.scrollIntoView({ block: 'start' });
  }, sel);
}

/** At 1440×900 and 1024×700: the analysis from its controls (the picker) down, then the ranking's rows. */
async function shots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await below(page, '[data-testid=analysis]');
    await page.screenshot({ path: join(SHOTS, `${name}-${w}.png`) });
    await below(page, '[data-testid=turn-metrics]');
    await page.screenshot({ path: join(SHOTS, `${name}-rows-${w}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/**
 * A demo turn with ≥ 6 candidates that nobody has labelled yet (other e2e files label the first
 * sessions, so look further down the list).
 */
async function freshTurn(api: ApiClient, offset = 200): Promise<{ sessionId: string; index: number; turnId: string }> {
  const page = await api.call('sessions.list', { offset, limit: 50 });
  for (const s of page.rows) {
    const d = await api.call('sessions.get', { sessionId: s.sessionId });
    for (const t of d.turns) {
      if (t.results.length < 6) continue;
      const labels = await api.call('labels.forTurn', { turnId: t.turnId });
      if (labels.current.length === 0) return { sessionId: d.sessionId, index: t.index, turnId: t.turnId };
    }
  }
  throw new Error('no unlabelled demo turn with ≥ 6 results');
}

const fmt = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(3));

test('inline grading: My labels in the ranking view — keyboard and mouse grades, undo, read back, NDCG follows the acknowledged labels', async ({
  page,
  api,
  openApp,
}) => {
  const models = await api.call('models.list', {});
  if (models.length === 0) throw new Skip('needs a registered model');
  const m = models[0]!;
  const me = await api.call('annotator.get', {});
  const { sessionId, index, turnId } = await freshTurn(api);
  const scored = (await api.call('score.turn', { turnId, models: [m.sha256] })).models[0]! as ModelTurnScores;
  const byRank = [...scored.candidates].sort((a, b) => a.rank - b.rank).map((c) => c.itemId);
  const mySet = `labels:annotator:${me.annotatorId}`;
  /** NDCG@10 the view must show: computed from what the API now says my labels are. */
  const expectedNdcg = async () => {
    const g = await api.call('qrels.turn', { turnId, setName: mySet });
    return fmt(turnMetrics(scored, new Map(g.grades.map((x) => [x.itemId, x.grade])), 10)?.ndcg);
  };
  const ndcg = () => page.getByTestId('ndcg-a').textContent();
  const row = (itemId: string) => page.locator(`[data-testid=ranking] tbody tr[data-item-id="${itemId}"]`);

  await openApp(`#/session/${encodeURIComponent(sessionId)}/turn/${index}?m=${m.sha256.slice(0, 12)}`);
  await eventually(
    async () => assert.equal(await page.locator('[data-testid=ranking] tbody tr[data-item-id]').count(), byRank.length),
    30_000,
  );
  // Default source: the first qrels set, read-only (no chips).
  await eventually(async () => assert.equal(await page.getByTestId('grades-source').inputValue(), 'ground-truth'));
  assert.equal(await page.getByTestId('grade-chip').count(), 0);

  // Switch to My labels: the URL keeps the choice, the grade column becomes editable.
  await page.getByTestId('grades-source').selectOption({ label: 'My labels' });
  await eventually(async () => assert.match(page.url(), /[?&]g=labels:mine/));
  await page.getByTestId('grades-editable').waitFor();
  await eventually(async () => assert.equal(await page.getByTestId('grade-chip').count(), byRank.length * 4));
  await eventually(async () => assert.equal(await ndcg(), '—')); // nothing labelled: NDCG undefined

  // Keyboard: focus rank 3, press 3 (focus moves on to rank 4), press 2. The first response is held
  // back: the row says "saving…" and NDCG does not move until the acknowledgement arrives.
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  await page.route('**/api/labels.record', async (route) => {
    if (first) {
      first = false;
      await held;
    }
    await route.continue();
  });
  await row(byRank[2]!).focus();
  await page.keyboard.press('3');
  await eventually(async () => assert.equal(await row(byRank[2]!).getByTestId('grade-state').textContent(), 'saving…'));
  await page.waitForTimeout(300);
  assert.equal(await ndcg(), '—', 'NDCG waits for the acknowledgement');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-item-id')),
    byRank[3],
    'focus moved to the next row',
  );
  release();
  await eventually(async () => assert.equal(await row(byRank[2]!).getByTestId('grade-state').textContent(), '✓ saved'));
  await page.keyboard.press('2');
  await eventually(async () => assert.equal(await row(byRank[3]!).getByTestId('grade-state').textContent(), '✓ saved'));
  const afterKeys = await expectedNdcg();
  assert.notEqual(afterKeys, '—');
  await eventually(async () => assert.equal(await ndcg(), afterKeys));

  // Mouse: grade rank 1 with the "1" chip.
  await row(byRank[0]!).locator('[data-testid=grade-chip][data-value="1"]').click();
  await eventually(async () => assert.equal(await row(byRank[0]!).getByTestId('grade-state').textContent(), '✓ saved'));
  const afterMouse = await expectedNdcg();
  assert.notEqual(afterMouse, afterKeys, 'a relevant item at rank 1 raises NDCG');
  await eventually(async () => assert.equal(await ndcg(), afterMouse));
  assert.equal(await row(byRank[0]!).getByTestId('grade-value').textContent(), '1');
  await shots(page, 'ranking-my-labels');

  // Digits typed into a text field never grade (the counterfactual query box).
  // (the read-back below counts every event, so a stray grade would show there).
  const box = page.getByLabel('Counterfactual query');
  const query = await box.inputValue();
  await box.focus();
  await page.keyboard.press('3');
  assert.equal(await box.inputValue(), `${query}3`);
  await page.keyboard.press('Backspace');
  await eventually(
    async () => assert.equal(await page.locator('[data-testid=ranking] tbody tr[data-item-id]').count(), byRank.length),
    30_000,
  );

  // Undo (u on a focused row) takes back the last label: the mouse grade on rank 1.
  await row(byRank[5]!).focus();
  await page.keyboard.press('u');
  await eventually(async () =>
    assert.equal(await row(byRank[0]!).getByTestId('grade-state').textContent(), '↶ undone'),
  );
  await eventually(async () => assert.equal(await ndcg(), afterKeys));

  // Read back through the API: two inline labels, each recorded once, outside any task.
  const back = await api.call('labels.forTurn', { turnId, annotatorId: me.annotatorId, events: true });
  const current = Object.fromEntries(back.current.map((c) => [c.itemId, [c.value, c.taskId, c.scale]]));
  assert.deepEqual(current, { [byRank[2]!]: [3, null, 'graded-0-3'], [byRank[3]!]: [2, null, 'graded-0-3'] });
  assert.deepEqual(
    back.events!.map((e) => [e.kind, e.itemId, e.value]),
    [
      ['grade', byRank[2], 3],
      ['grade', byRank[3], 2],
      ['grade', byRank[0], 1],
      ['undo', null, null],
    ],
  );

  // Reload: the URL restores the source and the grades.
  await page.reload();
  await eventually(
    async () => assert.equal(await page.getByTestId('grades-source').inputValue(), 'labels:mine'),
    30_000,
  );
  await eventually(async () => assert.equal(await ndcg(), afterKeys), 30_000);
  await eventually(async () =>
    assert.equal(await row(byRank[2]!).locator('[data-testid=grade-chip].on').textContent(), '3'),
  );
  await shots(page, 'ranking-my-labels-reloaded');

  // The two-model diff reads the same source: my grades beside both rankings, NDCG of A unchanged.
  if (models.length >= 2) {
    const b = models[1]!;
    await openApp(
      `#/session/${encodeURIComponent(sessionId)}/turn/${index}?m=${m.sha256.slice(0, 12)},${b.sha256.slice(0, 12)}&g=labels:mine`,
    );
    await page.getByTestId('diff-a').waitFor({ timeout: 30_000 });
    await eventually(async () => assert.equal(await ndcg(), afterKeys), 30_000);
    await eventually(async () =>
      assert.equal(
        await page
          .locator(`[data-testid=diff-a] li[data-item-id="${byRank[2]}"] [data-testid=side-grade]`)
          .textContent(),
        '3',
      ),
    );
    assert.equal(
      await page
        .getByTestId('grades-label')
        .textContent()
        .then((t) => t!.split(' · ')[0]),
      'My labels',
    );
    assert.equal(await page.getByTestId('grades-editable').count(), 0, 'the diff does not offer inline grading');
    mkdirSync(SHOTS, { recursive: true });
    await below(page, '[data-testid=analysis]');
    await page.screenshot({ path: join(SHOTS, 'diff-my-labels-1440.png') });
  }

  // Back to the qrels set: read-only again, and the URL drops g.
  await page.getByTestId('grades-source').selectOption('ground-truth');
  await eventually(async () => assert.doesNotMatch(page.url(), /[?&]g=/));
  await eventually(async () =>
    assert.match((await page.getByTestId('grades-label').textContent())!, /^ground-truth · /),
  );
  assert.equal(await page.getByTestId('grade-chip').count(), 0);
  assert.equal(await page.getByTestId('grades-editable').count(), 0);
});

test('inline grading: a task as the grades source — a key grades into the task on its scale, read back per task', async ({
  page,
  api,
  openApp,
}) => {
  const models = await api.call('models.list', {});
  if (models.length === 0) throw new Skip('needs a registered model');
  const m = models[0]!;
  const { sessionId, index, turnId } = await freshTurn(api, 260);
  const task = await api.call('tasks.create', {
    name: `inline ${Date.now().toString(36)}`,
    scale: 'binary',
    from: { kind: 'turns', turnIds: [turnId] },
    order: 'logged',
  });
  const pooled = (await api.call('tasks.turn', { taskId: task.taskId, ordinal: 0 })).candidates.map((c) => c.itemId);
  await openApp(
    `#/session/${encodeURIComponent(sessionId)}/turn/${index}?m=${m.sha256.slice(0, 12)}&g=labels:task:${task.taskId}`,
  );
  await eventually(
    async () => assert.equal(await page.getByTestId('grades-source').inputValue(), `labels:task:${task.taskId}`),
    30_000,
  );
  await eventually(async () => assert.match((await page.getByTestId('grades-editable').textContent())!, /binary/));
  // binary scale: two chips per row.
  const row = page.locator(`[data-testid=ranking] tbody tr[data-item-id="${pooled[0]}"]`);
  await eventually(async () => assert.equal(await row.getByTestId('grade-chip').count(), 2));
  await row.focus();
  await page.keyboard.press('1');
  await eventually(async () => assert.equal(await row.getByTestId('grade-state').textContent(), '✓ saved'));
  const back = await api.call('labels.forTurn', { turnId, taskId: task.taskId });
  assert.deepEqual(
    back.current.map((c) => [c.itemId, c.value, c.taskId, c.scale]),
    [[pooled[0], 1, task.taskId, 'binary']],
  );
  await eventually(async () =>
    assert.match((await page.getByTestId('grades-label').textContent())!, new RegExp(`^Task: ${task.name} · 1 judged`)),
  );
});
