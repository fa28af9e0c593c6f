// Keyboard and history navigation: J/K step through sessions in the list's order (and filters);
// clicked turns are history entries (back/forward return to them); j/k replace the entry.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, test } from './harness.ts';

const openId = (page: Page) => page.locator('.session-head .sid').textContent();
const currentTurn = (page: Page) => page.locator('section.turn[aria-current=true]').getAttribute('data-turn-index');

test('J / K open the next and previous session in list order, also under a filter', async ({ page, api, openApp }) => {
  const rows = (await api.call('sessions.list', { offset: 0, limit: 3 })).rows;
  await openApp(`#/session/${encodeURIComponent(rows[0]!.sessionId)}`);
  await eventually(async () => assert.equal(await openId(page), rows[0]!.sessionId));
  await page.keyboard.press('Shift+J');
  await eventually(async () => assert.equal(await openId(page), rows[1]!.sessionId));
  await page.keyboard.press('Shift+J');
  await eventually(async () => assert.equal(await openId(page), rows[2]!.sessionId));
  await page.keyboard.press('Shift+K');
  await eventually(async () => assert.equal(await openId(page), rows[1]!.sessionId));
  // Each session opened is a history entry.
  await page.goBack();
  await eventually(async () => assert.equal(await openId(page), rows[2]!.sessionId));

  // Under the "has query switch" filter J follows the filtered order.
  const filtered = (await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 2 })).rows;
  await page.getByLabel('Has query switch').check();
  await eventually(async () =>
    assert.equal(
      Number((await page.getByTestId('session-total').textContent())?.replace(/\D/g, '')),
      (await api.call('sessions.list', { hasSwitch: true, offset: 0, limit: 1 })).total,
    ),
  );
  await page.locator(`[role=option][data-session-id="${filtered[0]!.sessionId}"]`).click();
  await eventually(async () => assert.equal(await openId(page), filtered[0]!.sessionId));
  await page.keyboard.press('Shift+J');
  await eventually(async () => assert.equal(await openId(page), filtered[1]!.sessionId));
});

test('clicked turns are history entries: back and forward return to them; j/k replace', async ({
  page,
  api,
  openApp,
  baseUrl,
  token,
}) => {
  const row = (await api.call('sessions.list', { offset: 0, limit: 50 })).rows.find((r) => r.turns >= 5)!;
  const s = await api.call('sessions.get', { sessionId: row.sessionId });
  const enc = encodeURIComponent(s.sessionId);
  await openApp(`#/session/${enc}`);
  await eventually(async () => assert.equal(await openId(page), s.sessionId));
  const head = (i: number) => page.locator(`section.turn[data-turn-index="${s.turns[i]!.index}"] .turn-head`);
  await head(1).click();
  await eventually(async () => assert.equal(await currentTurn(page), String(s.turns[1]!.index)));
  await head(3).click();
  await eventually(async () => assert.equal(await currentTurn(page), String(s.turns[3]!.index)));
  await page.keyboard.press('j'); // replaces the entry for turn 3 with turn 4
  await eventually(async () => assert.equal(new URL(page.url()).hash, `#/session/${enc}/turn/${s.turns[4]!.index}`));
  await page.goBack();
  await eventually(async () => assert.equal(await currentTurn(page), String(s.turns[1]!.index)));
  await page.goForward();
  await eventually(async () => assert.equal(await currentTurn(page), String(s.turns[4]!.index)));
  // The URL is a link: another tab opened on it (with the server's token) shows the same turn.
  const again = await page.context().newPage();
  await again.goto(`${baseUrl}/?token=${encodeURIComponent(token)}${new URL(page.url()).hash}`);
  await eventually(async () =>
    assert.equal(
      await again.locator('section.turn[aria-current=true]').getAttribute('data-turn-index'),
      String(s.turns[4]!.index),
    ),
  );
  await again.close();
});
