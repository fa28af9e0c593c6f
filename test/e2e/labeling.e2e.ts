// Labeling (issue 9) in Chromium against the real `serve`: create a task in the form, judge with the
// keyboard, read the labels back through the API; a write whose response is lost is retried with the
// same event id and counted once; the arena's pick lands as a pairwise judgment. Screenshots of judge
// mode, the arena and task progress go to test-results/screenshots/label/ (QGS_SHOTS overrides).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import { eventually, Skip, test, shotsDir } from './harness.ts';

const SHOTS = shotsDir('label');

async function shots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(SHOTS, `${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: join(SHOTS, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Three turns of the first session that has ≥ 3 turns, each with ≥ 3 results. */
async function someTurns(api: ApiClient): Promise<string[]> {
  const page = await api.call('sessions.list', { limit: 50 });
  for (const s of page.rows) {
    if (s.turns < 3) continue;
    const d = await api.call('sessions.get', { sessionId: s.sessionId });
    const ok = d.turns.filter((t) => t.results.length >= 3);
    if (ok.length >= 3) return ok.slice(0, 3).map((t) => t.turnId);
  }
  throw new Skip('no session with 3 turns of ≥ 3 results');
}

const uniq = () => Math.random().toString(36).slice(2, 8);

test('labeling: create a task in the form, judge with the keyboard, read the labels back through the API', async ({
  page,
  api,
  openApp,
}) => {
  const turnIds = await someTurns(api);
  const name = `keyboard ${uniq()}`;
  await openApp('#/tasks');
  await page.getByTestId('nav-labeling').waitFor();
  await page.getByTestId('new-task').click();
  await page.getByTestId('task-name').fill(name);
  await page.getByTestId('src-turns').check();
  await page.getByTestId('turn-ids').fill(turnIds.join('\n'));
  await page.locator('select').filter({ hasText: 'shuffled per annotator' }).selectOption('logged');
  await page
    .getByTestId('task-instructions')
    .fill(
      '# How to judge\nGrade each result for the **query**.\n- 3: exactly what was asked\n<script>alert(1)</script>',
    );
  await shots(page, 'task-create');
  await page.getByTestId('task-submit').click();
  await page.getByTestId('judge').waitFor();
  const task = (await api.call('tasks.list', {})).find((t) => t.name === name)!;
  assert.ok(task, 'the task exists');
  assert.equal(task.turns, 3);
  // Instructions are text: the script tag is shown, not run or parsed.
  assert.match((await page.getByTestId('instructions').textContent())!, /<script>alert\(1\)<\/script>/);
  assert.equal(await page.locator('[data-testid=instructions] script').count(), 0);

  const first = await api.call('tasks.turn', { taskId: task.taskId, ordinal: 0 });
  await eventually(async () => assert.equal(await page.getByTestId('judge-query').textContent(), first.query));
  const items = first.candidates.map((c) => c.itemId);
  // 2 on the first candidate, 3 on the second (the cursor advances), k back to the second, 1 on it.
  await page.keyboard.press('2');
  await page.keyboard.press('3');
  await page.keyboard.press('k');
  await page.keyboard.press('1');
  await eventually(async () => assert.match((await page.getByTestId('save-state').textContent())!, /saved/));
  await eventually(async () => {
    const got = await api.call('labels.forTurn', { turnId: first.turnId, taskId: task.taskId });
    assert.deepEqual(Object.fromEntries(got.current.map((c) => [c.itemId, c.value])), {
      [items[0]!]: 2,
      [items[1]!]: 1,
    });
  });
  // u undoes the last grade: the second candidate is back to 3.
  await page.keyboard.press('u');
  await eventually(async () => {
    const got = await api.call('labels.forTurn', { turnId: first.turnId, taskId: task.taskId });
    assert.deepEqual(Object.fromEntries(got.current.map((c) => [c.itemId, c.value])), {
      [items[0]!]: 2,
      [items[1]!]: 3,
    });
  });
  await page.keyboard.press('?');
  await page.getByTestId('shortcut-sheet').waitFor();
  await shots(page, 'judge-keys-sheet');
  await page.keyboard.press('Escape');
  await shots(page, 'judge-mode');

  // n: next turn; f: flag with a note; s: skip (and on to the third turn).
  await page.keyboard.press('n');
  const second = await api.call('tasks.turn', { taskId: task.taskId, ordinal: 1 });
  await eventually(async () => assert.equal(await page.getByTestId('judge-query').textContent(), second.query));
  await page.keyboard.press('f');
  await page.getByTestId('flag-note').fill('the clicked result should be first');
  await shots(page, 'judge-flag-dialog');
  await page.getByTestId('flag-save').click();
  await page.getByTestId('flagged').waitFor();
  await page.keyboard.press('s');
  const third = await api.call('tasks.turn', { taskId: task.taskId, ordinal: 2 });
  await eventually(async () => assert.equal(await page.getByTestId('judge-query').textContent(), third.query));
  await eventually(async () => {
    const ev = (await api.call('labels.forTurn', { turnId: second.turnId, taskId: task.taskId, events: true })).events!;
    assert.deepEqual(
      ev.map((e) => e.kind),
      ['flag', 'skip'],
    );
    assert.equal(ev[0]!.note, 'the clicked result should be first');
  });
  // Mouse: grade the first candidate of the third turn by clicking.
  await page
    .locator('[data-testid=cand]')
    .first()
    .getByRole('button', { name: /Perfectly relevant/ })
    .click();
  await eventually(async () =>
    assert.equal(
      (await api.call('labels.forTurn', { turnId: third.turnId, taskId: task.taskId })).current[0]?.value,
      3,
    ),
  );

  await openApp('#/tasks');
  await page.locator(`[data-testid=task-row][data-task="${task.taskId}"] [data-testid=progress-row]`).waitFor();
  const row = await page
    .locator(`[data-testid=task-row][data-task="${task.taskId}"] [data-testid=progress-row]`)
    .first()
    .textContent();
  assert.match(row!, /1\/3/); // the skipped turn counts as done
  assert.match(row!, /3\/\d+/); // three labels
  await shots(page, 'task-progress');
});

test('labeling: a grade whose acknowledgement is lost is kept, retried with the same event id and counted once', async ({
  page,
  api,
  openApp,
}) => {
  const turnIds = await someTurns(api);
  const task = await api.call('tasks.create', {
    name: `retry ${uniq()}`,
    from: { kind: 'turns', turnIds },
    order: 'logged',
  });
  await openApp(`#/task/${task.taskId}/judge/0`);
  await page.getByTestId('judge').waitFor();
  await page.locator('[data-testid=cand]').first().waitFor();
  // The view swallows grade keys while a turn is loading (aria-busy): press only once it is idle.
  await page.locator('[data-testid=judge] section.turn[aria-busy="false"]').waitFor();
  // The first two attempts reach the backend (which commits), but the answer never gets back, as
  // when the backend dies right after committing; the third gets through.
  let attempts = 0;
  const bodies: string[] = [];
  await page.route('**/api/labels.record', async (route) => {
    attempts++;
    bodies.push(route.request().postData() ?? '');
    if (attempts <= 2) {
      await route.fetch();
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await page.keyboard.press('2');
  await eventually(async () =>
    assert.match(
      (await page.getByTestId('save-state').textContent())!,
      /unreachable|waiting|saving/,
      `save state after the grade key (${attempts} requests intercepted)`,
    ),
  );
  await shots(page, 'judge-retrying');
  await eventually(async () => assert.match((await page.getByTestId('save-state').textContent())!, /saved/), 15_000);
  assert.ok(attempts >= 3, `retried (${attempts} attempts)`);
  const ids = new Set(bodies.map((b) => (JSON.parse(b) as { eventId: string }).eventId));
  assert.equal(ids.size, 1, 'every retry carried the same event id');
  const ev = (await api.call('labels.forTurn', { turnId: turnIds[0]!, taskId: task.taskId, events: true })).events!;
  assert.equal(ev.length, 1, 'recorded once');
  assert.equal(ev[0]!.value, 2);
});

test('labeling: arena — pick the better list with the keyboard; the pick is stored as a pairwise judgment', async ({
  page,
  api,
  openApp,
}) => {
  const models = await api.call('models.list', {});
  if (models.length < 2) throw new Skip(`needs 2 registered models, the workspace has ${models.length}`);
  const [a, b] = [
    models.find((m) => m.encoder === 'flattened') ?? models[0]!,
    models.find((m) => m.encoder === 'linear') ?? models[1]!,
  ];
  await api.call('score.batch', { model: a.sha256, split: 'test' });
  await api.call('score.batch', { model: b.sha256, split: 'test' });
  const task = await api.call('tasks.create', {
    name: `arena ${uniq()}`,
    from: { kind: 'sample', perKind: { start: 3, switch: 3, continuation: 3 }, seed: 5, split: 'test' },
    pool: { source: 'union', modelA: a.sha256, modelB: b.sha256, k: 5 },
  });
  await openApp(`#/task/${task.taskId}/arena`);
  await page.getByTestId('arena').waitFor();
  const t0 = await api.call('arena.next', { taskId: task.taskId, ordinal: 0 });
  await eventually(async () => assert.equal(await page.getByTestId('arena-query').textContent(), t0.query));
  await page.keyboard.press('1'); // left is better
  await eventually(async () => {
    const ev = (await api.call('labels.forTurn', { turnId: t0.turnId, taskId: task.taskId, events: true })).events!;
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.kind, 'pairwise');
  });
  // The left list shown was one model's top 5; the stored outcome names that model as the winner.
  const leftItems = t0.left.candidates.map((c) => c.itemId);
  const ev = (await api.call('labels.forTurn', { turnId: t0.turnId, taskId: task.taskId, events: true })).events![0]!;
  const aTop = (await api.call('score.stored', { turnId: t0.turnId, model: a.sha256 })).candidates
    .slice(0, 5)
    .map((c) => c.itemId);
  assert.equal(ev.outcome, JSON.stringify(aTop) === JSON.stringify(leftItems) ? 'a_better' : 'b_better');
  // On to the next turn automatically; judge two more: tie and right.
  const t1 = await api.call('arena.next', { taskId: task.taskId, ordinal: 1 });
  const t2 = await api.call('arena.next', { taskId: task.taskId, ordinal: 2 });
  await eventually(async () => assert.equal(await page.getByTestId('arena-query').textContent(), t1.query));
  await eventually(async () => assert.match(page.url(), /arena\/1$/));
  await page.keyboard.press('t');
  await eventually(async () => assert.match(page.url(), /arena\/2$/));
  await eventually(async () => assert.equal(await page.getByTestId('arena-query').textContent(), t2.query));
  await page.keyboard.press('ArrowRight');
  await eventually(async () =>
    assert.equal((await api.call('tasks.get', { taskId: task.taskId })).progress[0]?.pairwise, 3),
  );
  await page.getByTestId('show-stats').check();
  await page.getByTestId('arena-stats').locator('table').waitFor();
  const stats = await api.call('arena.stats', { taskId: task.taskId });
  assert.equal(stats[0]!.byKind.all.ties, 1);
  assert.equal(stats[0]!.byKind.all.n, 2);
  await shots(page, 'arena');
});
