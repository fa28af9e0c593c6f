// The `?` sheet: a modal dialog listing the keys of lib/shortcuts.ts; Esc and `?` close it, focus
// stays inside while it is open, and the page's own keys do not act behind it.
import assert from 'node:assert/strict';
import { SHORTCUTS } from '../../src-renderer/src/lib/shortcuts.ts';
import { eventually, test } from './harness.ts';

test('? opens the keyboard shortcut sheet; Esc and ? close it; keys do not leak behind it', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const row = (await api.call('sessions.list', { offset: 0, limit: 50 })).rows.find((r) => r.turns >= 3)!;
  const s = await api.call('sessions.get', { sessionId: row.sessionId });
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${s.turns[0]!.index}`);
  await eventually(async () => assert.equal(await page.locator('section.turn[aria-current=true]').count(), 1));
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  assert.equal(await sheet.isVisible(), false);

  await page.keyboard.press('?');
  await sheet.waitFor();
  // Every key of the data module is listed, with what it does.
  const text = (await sheet.textContent()) ?? '';
  for (const g of SHORTCUTS) {
    assert.ok(text.includes(g.title), `group ${g.title}`);
    for (const item of g.items) {
      assert.ok(text.includes(item.what), `"${item.what}" listed`);
      for (const k of [...item.keys, ...(item.or ?? [])])
        assert.ok(await sheet.locator('kbd', { hasText: k }).count(), `key ${k} shown`);
    }
  }
  for (const k of ['j', 'k', 'J', 'K', 'W', 'Enter', '↓', '↑', '?', 'Esc'])
    assert.ok(await sheet.locator('kbd').getByText(k, { exact: true }).count(), `key ${k}`);
  await screenshot('shortcut-sheet');

  // Focus is inside the dialog, and Tab keeps it there (the page behind is inert).
  for (let i = 0; i < 4; i++) {
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('dialog')), 'focus inside the sheet');
    await page.keyboard.press('Tab');
  }
  // j behind the sheet does nothing.
  const hash = page.url();
  await page.keyboard.press('j');
  assert.equal(page.url(), hash);

  await page.keyboard.press('Escape');
  await eventually(async () => assert.equal(await sheet.isVisible(), false));
  await page.keyboard.press('?');
  await sheet.waitFor();
  await page.keyboard.press('?');
  await eventually(async () => assert.equal(await sheet.isVisible(), false));
  // Keys work again once it is closed.
  await page.keyboard.press('j');
  await eventually(async () =>
    assert.equal(
      await page.locator('section.turn[aria-current=true]').getAttribute('data-turn-index'),
      String(s.turns[1]!.index),
    ),
  );

  // The header button opens it too; typing ? in a text field does not.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await sheet.waitFor();
  await page.getByRole('button', { name: 'Close keyboard shortcuts' }).click();
  await eventually(async () => assert.equal(await sheet.isVisible(), false));
  await page.getByPlaceholder('Search queries…').fill('');
  await page.getByPlaceholder('Search queries…').press('?');
  assert.equal(await sheet.isVisible(), false);
});
