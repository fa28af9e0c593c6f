// The session list against the real demo workspace: totals, search, filters, virtual scrolling,
// keyboard. Expected values always come from the real API, never from constants.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, fold, test } from './harness.ts';

const rows = (page: Page) => page.locator('[role=option][data-session-id]');

async function shownTotal(page: Page): Promise<number> {
  const text = await page.getByTestId('session-total').textContent();
  return Number((text ?? '').replace(/\D/g, ''));
}

async function shownIds(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((els) =>
    els
      .map((e) => ({ i: Number(e.getAttribute('aria-posinset')), id: e.getAttribute('data-session-id') ?? '' }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.id),
  );
}

test('the list shows the workspace total and its first sessions in order', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const stats = await api.call('workspace.stats', {});
  const firstPage = await api.call('sessions.list', { offset: 0, limit: 10 });
  assert.ok(stats.sessions > 100, `demo workspace should have many sessions, has ${stats.sessions}`);
  await openApp();
  await eventually(async () => assert.equal(await shownTotal(page), stats.sessions));
  assert.equal(Number((await page.getByTestId('stat-sessions').textContent())?.replace(/\D/g, '')), stats.sessions);
  assert.equal(Number((await page.getByTestId('stat-turns').textContent())?.replace(/\D/g, '')), stats.turns);
  assert.equal(Number((await page.getByTestId('stat-results').textContent())?.replace(/\D/g, '')), stats.resultRows);
  const ids = await eventually(async () => {
    const shown = await shownIds(page);
    assert.deepEqual(
      shown.slice(0, 10),
      firstPage.rows.map((r) => r.sessionId),
    );
    return shown;
  });
  // Virtualised: only a screenful of rows exists in the DOM.
  assert.ok(ids.length < 60, `expected a small window of rows, found ${ids.length}`);
  const first = firstPage.rows[0]!;
  const firstRow = rows(page).first();
  assert.match((await firstRow.textContent()) ?? '', new RegExp(first.userId));
  assert.ok(((await firstRow.textContent()) ?? '').includes(first.firstQuery.slice(0, 20)));
  await screenshot('list');
});

test('search narrows the list to sessions whose queries contain the text', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const all = await api.call('sessions.list', { offset: 0, limit: 200 });
  // A word from a real query that matches some but not all sessions.
  let needle = '';
  let expected = 0;
  for (const r of all.rows) {
    for (const w of r.firstQuery.split(/\s+/).filter((w) => w.length >= 5)) {
      const page = await api.call('sessions.list', { q: w, offset: 0, limit: 1 });
      if (page.total > 1 && page.total < all.total / 2) {
        needle = w;
        expected = page.total;
        break;
      }
    }
    if (needle) break;
  }
  assert.ok(needle, 'found a search word in the demo queries');
  await openApp();
  await page.getByRole('searchbox', { name: 'Search queries' }).fill(needle.toUpperCase());
  await eventually(async () => assert.equal(await shownTotal(page), expected));
  const ids = await eventually(async () => {
    const shown = await shownIds(page);
    assert.ok(shown.length > 0);
    return shown;
  });
  for (const id of ids) {
    const s = await api.call('sessions.get', { sessionId: id });
    assert.ok(
      s.turns.some((t) => fold(t.query).includes(fold(needle))),
      `session ${id} has no query containing "${needle}"`,
    );
  }
  await screenshot('list-search');
  // Clearing the search restores the whole list.
  await page.getByRole('searchbox', { name: 'Search queries' }).fill('');
  await eventually(async () => assert.equal(await shownTotal(page), all.total));
});

test('"Has query switch" keeps only sessions with switches; filters combine', async ({ page, api, openApp }) => {
  const withSwitch = await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 1 });
  const all = await api.call('sessions.list', { offset: 0, limit: 1 });
  assert.ok(withSwitch.total > 0 && withSwitch.total < all.total, 'demo has sessions with and without switches');
  await openApp();
  await page.getByRole('checkbox', { name: 'Has query switch' }).check();
  await eventually(async () => assert.equal(await shownTotal(page), withSwitch.total));
  const ids = await eventually(async () => {
    const shown = await shownIds(page);
    assert.ok(shown.length > 0);
    return shown;
  });
  for (const id of ids.slice(0, 15)) {
    const s = await api.call('sessions.get', { sessionId: id });
    assert.ok(
      s.turns.some((t) => t.boundary === 'switch'),
      `session ${id} has no switch`,
    );
    const row = page.locator(`[role=option][data-session-id="${id}"]`);
    assert.match((await row.textContent()) ?? '', /⇄\s*\d+/, `row ${id} shows a switch badge`);
  }
  // Combine with the split filter and a user from the list.
  const user = (await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 1 })).rows[0]!.userId;
  const combined = await api.call('sessions.list', { hasSwitch: true, userId: user, offset: 0, limit: 1000 });
  await page.getByLabel('User').fill(user);
  await eventually(async () => assert.equal(await shownTotal(page), combined.total));
  await eventually(async () => {
    const shown = await shownIds(page);
    assert.ok(shown.length > 0);
    assert.deepEqual(
      shown,
      combined.rows.slice(0, shown.length).map((r) => r.sessionId),
    );
  });
  const split = combined.rows[0]!.split;
  if (split) {
    const bySplit = await api.call('sessions.list', { hasSwitch: true, userId: user, split, offset: 0, limit: 1 });
    await page.getByLabel('Split').selectOption(split);
    await eventually(async () => assert.equal(await shownTotal(page), bySplit.total));
  }
});

test('scrolling deep into the list loads later rows while the DOM stays small', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const { total } = await api.call('sessions.list', { offset: 0, limit: 1 });
  const mid = Math.floor(total * 0.6);
  const expectedMid = (await api.call('sessions.list', { offset: mid, limit: 1 })).rows[0]!;
  const expectedLast = (await api.call('sessions.list', { offset: total - 1, limit: 1 })).rows[0]!;
  await openApp();
  const list = page.getByRole('listbox', { name: 'Sessions' });
  await eventually(async () => assert.equal(await shownTotal(page), total));

  // Jump to 60% of the list (as dragging the scrollbar would), then to the very end.
  await list.evaluate((el, y) => (el.scrollTop = y), mid * 52);
  await eventually(async () => {
    const row = page.locator(`[role=option][aria-posinset="${mid + 1}"]`);
    assert.equal(await row.getAttribute('data-session-id'), expectedMid.sessionId);
  });
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await eventually(async () => {
    const row = page.locator(`[role=option][aria-posinset="${total}"]`);
    assert.equal(await row.getAttribute('data-session-id'), expectedLast.sessionId);
    assert.ok(((await row.textContent()) ?? '').includes(expectedLast.firstQuery.slice(0, 20)));
  });
  const domRows = await page.locator('[role=option]').count();
  assert.ok(domRows < 60, `only visible rows are rendered, found ${domRows} of ${total}`);
  // Wheel scrolling upwards from the end also fills rows in.
  await list.hover();
  await page.mouse.wheel(0, -2000);
  await eventually(async () => {
    const placeholders = await page.locator('[role=option]:not([data-session-id])').count();
    assert.equal(placeholders, 0);
  });
  await screenshot('list-scrolled-to-end');
});

test('keyboard: arrows move the selection, Enter opens the session', async ({ page, api, openApp }) => {
  const first = await api.call('sessions.list', { offset: 0, limit: 5 });
  await openApp();
  const list = page.getByRole('listbox', { name: 'Sessions' });
  await eventually(async () => assert.ok((await shownIds(page)).length > 3));
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const target = first.rows[2]!.sessionId;
  assert.equal(await page.locator('[role=option][aria-selected=true]').getAttribute('data-session-id'), target);
  await page.keyboard.press('Enter');
  await eventually(async () => assert.equal(new URL(page.url()).hash, `#/session/${encodeURIComponent(target)}`));
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), target));
  // The opened session is marked in the list.
  assert.equal(await page.locator('[role=option].open').getAttribute('data-session-id'), target);
});

test('search results show the query that matched, marked, and open at that turn', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  // A word that occurs in a later query of some session but not in its first query.
  const all = await api.call('sessions.list', { offset: 0, limit: 200 });
  let pick: { needle: string; sessionId: string } | null = null;
  for (const r of all.rows) {
    if (r.turns < 3) continue;
    const s = await api.call('sessions.get', { sessionId: r.sessionId });
    const later = s.turns
      .slice(1)
      .find((t) => t.query.split(/\s+/).some((w) => w.length >= 5 && !fold(s.turns[0]!.query).includes(fold(w))));
    const w = later?.query.split(/\s+/).find((x) => x.length >= 5 && !fold(s.turns[0]!.query).includes(fold(x)));
    if (w) {
      pick = { needle: w.toUpperCase(), sessionId: s.sessionId };
      break;
    }
  }
  assert.ok(pick, 'found a session whose later query has a word its first query lacks');
  const res = await api.call('sessions.list', { q: pick.needle, offset: 0, limit: 100 });
  const want = res.rows.find((r) => r.sessionId === pick!.sessionId)!;
  assert.ok(
    want.match && want.match.turn > 0 && fold(want.match.query).includes(fold(pick.needle)),
    `the API reports the later turn: ${JSON.stringify(want.match)}`,
  );

  await openApp();
  await page.getByRole('searchbox', { name: 'Search queries' }).fill(pick.needle);
  await eventually(async () => assert.equal(await shownTotal(page), res.total));
  const row = page.locator(`[role=option][data-session-id="${pick.sessionId}"]`);
  await row.scrollIntoViewIfNeeded();
  const match = row.getByTestId('match');
  await eventually(async () => assert.ok(((await match.textContent()) ?? '').includes(want.match!.query)));
  // The searched text is marked (in the query's own spelling), and nothing is injected as HTML.
  const marked = await match.locator('mark').allTextContents();
  assert.equal(marked.length, 1);
  assert.equal(fold(marked[0]!), fold(pick.needle));
  await screenshot('list-search-match');

  await row.click();
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), pick!.sessionId));
  await eventually(async () =>
    assert.equal(
      await page.locator('section.turn[aria-current=true]').getAttribute('data-turn-index'),
      String(want.match!.turn),
    ),
  );
  assert.ok(page.url().endsWith(`/turn/${want.match.turn}`), page.url());
});

test('the user filter matches a case-insensitive prefix of the user id', async ({ page, api, openApp }) => {
  const first = (await api.call('sessions.list', { offset: 0, limit: 1 })).rows[0]!;
  // The longest proper prefix of the first user id that other users share (the demo's users are a
  // held-out sample, so their ids are not consecutive).
  let prefix = '';
  let want = await api.call('sessions.list', { offset: 0, limit: 1 });
  for (let n = first.userId.length - 1; n >= 1; n--) {
    prefix = first.userId.slice(0, n).toUpperCase();
    want = await api.call('sessions.list', { userId: prefix, offset: 0, limit: 1000 });
    if (new Set(want.rows.map((r) => r.userId)).size > 1) break;
  }
  assert.ok(want.total > 1, `prefix ${prefix} matches several sessions (${want.total})`);
  assert.ok(want.rows.every((r) => r.userId.toLowerCase().startsWith(prefix.toLowerCase())));
  await openApp();
  await page.getByLabel('User').fill(prefix);
  await eventually(async () => assert.equal(await shownTotal(page), want.total));
  await eventually(async () => {
    const shown = await shownIds(page);
    assert.deepEqual(
      shown,
      want.rows.slice(0, shown.length).map((r) => r.sessionId),
    );
  });
});
