// Agreement and adjudication (issue 10 items 4–5, docs/agreement.md) in Chromium against the real
// `serve`: three annotators' labels on a fresh task through the API (different annotator ids), the
// Agreement view (κ matrix with the API's numbers, α, a pair's confusion table), the Disagreements
// view (most apart first; the lead sets a final grade with a note from the keyboard — "saving…"
// while the acknowledgement is held back, "✓ saved" only after it), and the consensus grades source
// `labels:consensus:<task>:adjudicated` in the ranking view's grade column. Screenshots at 1440×900
// and 1024×700 go to test-results/screenshots/agreement/ (QGS_SHOTS overrides).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import { eventually, Skip, test, shotsDir } from './harness.ts';

const SHOTS = shotsDir('agreement');

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: join(SHOTS, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Three demo turns with ≥ 5 results that nobody labelled (other e2e files label the first sessions). */
async function freshTurns(api: ApiClient): Promise<string[]> {
  const out: string[] = [];
  const page = await api.call('sessions.list', { offset: 600, limit: 60 });
  for (const s of page.rows) {
    const d = await api.call('sessions.get', { sessionId: s.sessionId });
    const t = d.turns.find((x) => x.results.length >= 5);
    if (t && (await api.call('labels.forTurn', { turnId: t.turnId })).current.length === 0) out.push(t.turnId);
    if (out.length === 3) return out;
  }
  throw new Error('not enough unlabelled demo turns with ≥ 5 results');
}

test('agreement matrix, disagreements and adjudication by the lead, and the adjudicated consensus in the ranking view', async ({
  page,
  api,
  openApp,
}) => {
  const models = await api.call('models.list', {});
  if (models.length === 0) throw new Skip('needs a registered model');
  const lead = await api.call('annotator.get', {});
  const turnIds = await freshTurns(api);
  const name = `agreement ${randomUUID().slice(0, 6)}`;
  const task = await api.call('tasks.create', {
    name,
    from: { kind: 'turns', turnIds },
    pool: { source: 'logged', k: 5 },
    order: 'logged',
  });
  // Three annotators: Ana grades by position, Ben mostly agrees, Cy is one grade apart (and skips
  // the last candidate of each turn). annotator.set makes each "me" in turn; the lead is restored after.
  const ids = ['e2e-ana', 'e2e-ben', 'e2e-cy'].map((p) => `${p}-${randomUUID().slice(0, 6)}`);
  const grade = (who: number, pos: number, turn: number): number | null => {
    const base = Math.max(0, 3 - pos);
    if (who === 0) return base;
    if (who === 1) return pos === 1 && turn === 0 ? 0 : base; // one strong disagreement (3-2 vs 0)
    return pos === 4 ? null : Math.min(3, base + (turn === 1 ? 1 : 0));
  };
  try {
    for (const [w, id] of ids.entries()) {
      await api.call('annotator.set', { annotatorId: id, displayName: ['Ana', 'Ben', 'Cy'][w]! });
      for (const [ti, turnId] of turnIds.entries()) {
        const turn = await api.call('tasks.turn', { taskId: task.taskId, ordinal: ti, annotatorId: id });
        for (const [pos, c] of turn.candidates.entries()) {
          const value = grade(w, pos, ti);
          if (value === null) continue;
          await api.call('labels.record', {
            eventId: randomUUID(),
            taskId: task.taskId,
            turnId,
            kind: 'grade',
            itemId: c.itemId,
            value,
            annotatorId: id,
          });
        }
      }
    }
  } finally {
    await api.call('annotator.set', { annotatorId: lead.annotatorId, displayName: lead.displayName });
  }
  const expected = await api.call('agreement.task', { taskId: task.taskId });
  assert.equal(expected.annotators.length, 3);

  // The task list links to both views once two annotators labelled the task.
  await openApp('#/tasks');
  const row = page.locator(`[data-testid=task-row][data-task="${task.taskId}"]`);
  await row.getByTestId('agreement-link').waitFor();
  await row.scrollIntoViewIfNeeded();
  await shoot(page, 'task-list');
  await row.getByTestId('agreement-link').click();
  await page.getByTestId('agreement').waitFor();
  const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  await eventually(async () =>
    assert.equal(await page.getByTestId('alpha-ordinal').textContent(), fmt(expected.overall.alphaOrdinal.value)),
  );
  assert.equal(await page.getByTestId('alpha-nominal').textContent(), fmt(expected.overall.alphaNominal.value));
  // Every off-diagonal cell prints the pair's κ (the matrix is symmetric: 3 × 2 cells).
  const cells = page.getByTestId('kappa-cell');
  assert.equal(await cells.count(), 6);
  for (const p of expected.pairs) {
    const text = await page.locator(`[data-pair="${p.a}|${p.b}"] .v`).textContent();
    assert.equal(text, fmt(p.kappa.value), `κ of ${p.a} × ${p.b}`);
    assert.equal(await page.locator(`[data-pair="${p.b}|${p.a}"] .v`).textContent(), fmt(p.kappa.value));
  }
  // Quadratic weighting switches the numbers.
  await page.getByTestId('weight-quadratic').check();
  const q = expected.pairs[0]!;
  await eventually(async () =>
    assert.equal(await page.locator(`[data-pair="${q.a}|${q.b}"] .v`).textContent(), fmt(q.kappaQuadratic.value)),
  );
  // Click Ana × Cy: the confusion table is that pair's, rows Ana.
  await page.locator(`[data-pair="${ids[0]}|${ids[2]}"]`).click();
  await eventually(async () =>
    assert.match((await page.getByTestId('confusion').locator('h3').textContent()) ?? '', /Ana \(rows\) × Cy/),
  );
  const ac = await api.call('agreement.task', { taskId: task.taskId, pair: [ids[0]!, ids[2]!] });
  const shown = await page.getByTestId('confusion-cell').allTextContents();
  assert.deepEqual(shown.map(Number), ac.confusion!.matrix.flat());
  await shoot(page, 'agreement');

  // Disagreements: most apart first — the item Ana and Cy graded 2 but Ben 0 (range 2) tops the list.
  await page.getByTestId('to-disagreements').click();
  await page.getByTestId('disagreements').waitFor();
  const list = await api.call('disagreements.list', { taskId: task.taskId });
  await eventually(async () => assert.equal(await page.getByTestId('dis-row').count(), list.rows.length));
  const top = list.rows[0]!;
  assert.equal(top.range, Math.max(...list.rows.map((r) => r.range)));
  const topRow = page.locator(`[data-testid=dis-row][data-item="${top.turnId}/${top.itemId}"]`);
  assert.equal(await page.getByTestId('dis-row').first().getAttribute('data-item'), `${top.turnId}/${top.itemId}`);
  await shoot(page, 'disagreements');

  // The lead writes a note (e focuses it), leaves the field (Esc) and sets the final grade with the
  // keyboard. The acknowledgement is held back: "saving…" until it arrives, then "✓ saved".
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  await page.route('**/api/labels.adjudicate', async (route) => {
    if (first) {
      first = false;
      await held;
    }
    await route.continue();
  });
  await page.keyboard.press('e');
  await eventually(async () =>
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'final-note'),
  );
  await page.keyboard.type('Ben misread the query; the item answers it');
  await page.keyboard.press('Escape');
  await page.keyboard.press('3');
  await eventually(async () => assert.equal(await topRow.getByTestId('dis-state').textContent(), 'saving…'));
  await shoot(page, 'adjudicate-saving');
  assert.equal((await api.call('disagreements.list', { taskId: task.taskId })).adjudicated, 0);
  release();
  await eventually(async () => assert.equal(await topRow.getByTestId('dis-state').textContent(), '✓ saved'));
  await page.unroute('**/api/labels.adjudicate');
  const after = await api.call('disagreements.list', { taskId: task.taskId, status: 'adjudicated' });
  assert.deepEqual(
    after.rows.map((r) => [
      r.turnId,
      r.itemId,
      r.adjudication?.value,
      r.adjudication?.note,
      r.adjudication?.annotatorId,
    ]),
    [[top.turnId, top.itemId, 3, 'Ben misread the query; the item answers it', lead.annotatorId]],
  );
  await eventually(async () =>
    assert.match((await page.getByTestId('dis-counts').textContent()) ?? '', /1 adjudicated/),
  );
  // Focus moved on to the next item after the grade key.
  assert.equal(
    await page.locator('[data-testid=dis-row].current').getAttribute('data-item'),
    `${list.rows[1]!.turnId}/${list.rows[1]!.itemId}`,
  );
  await shoot(page, 'adjudicated');

  // u on the settled item undoes the adjudication (an undo event); the note draft stays, and the
  // grade key settles it again with the same note.
  await page.keyboard.press('k');
  await page.keyboard.press('u');
  await eventually(async () =>
    assert.equal((await api.call('disagreements.list', { taskId: task.taskId })).adjudicated, 0),
  );
  await eventually(async () => assert.equal(await topRow.locator('[data-testid=final-chip].on').count(), 0));
  await eventually(async () =>
    assert.match((await page.getByTestId('dis-counts').textContent()) ?? '', /0 adjudicated/),
  );
  await page.keyboard.press('3');
  await eventually(async () => assert.equal(await topRow.getByTestId('dis-state').textContent(), '✓ saved'));
  const again = await api.call('disagreements.list', { taskId: task.taskId, status: 'adjudicated' });
  assert.equal(again.rows[0]?.adjudication?.note, 'Ben misread the query; the item answers it');
  const events = (await api.call('labels.forTurn', { turnId: top.turnId, annotatorId: lead.annotatorId, events: true }))
    .events!;
  assert.deepEqual(
    events.map((e) => e.kind),
    ['adjudicate', 'undo', 'adjudicate'],
  );

  // The adjudicated consensus as the ranking view's grades source: the settled item shows 3, the
  // others their median; the picker lists the choice by name.
  const src = `labels:consensus:${task.taskId}:adjudicated`;
  const [sessionId, index] = [top.turnId.slice(0, top.turnId.lastIndexOf('#')), top.turnId.split('#').pop()!];
  const m = models[0]!;
  await openApp(
    `#/session/${encodeURIComponent(sessionId)}/turn/${index}?m=${m.sha256.slice(0, 12)}&g=${encodeURIComponent(src)}`,
  );
  await eventually(async () => assert.equal(await page.getByTestId('grades-source').inputValue(), src), 30_000);
  const label = await page.locator(`[data-testid=grades-source] option[value="${src}"]`).textContent();
  assert.equal(label, `Adjudicated, else median: ${name}`);
  const consensus = new Map(
    (await api.call('qrels.turn', { turnId: top.turnId, setName: src })).grades.map((g) => [g.itemId, g.grade]),
  );
  assert.equal(consensus.get(top.itemId), 3);
  const rankRow = (itemId: string) => page.locator(`[data-testid=ranking] tbody tr[data-item-id="${itemId}"]`);
  await eventually(async () => assert.equal(await rankRow(top.itemId).getByTestId('grade').textContent(), '3'), 30_000);
  for (const [itemId, g] of consensus)
    assert.equal(await rankRow(itemId).getByTestId('grade').textContent(), String(g), `grade of ${itemId}`);
  await page.locator('[data-testid=ranking]').scrollIntoViewIfNeeded();
  await shoot(page, 'consensus-ranking');
});
