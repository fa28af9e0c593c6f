// The desktop app's security checklist and main flows, observed from outside the app.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import type { MenuItem } from 'electron';
import { test } from './run.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-common/csp.ts';

const APP_URL = /^app:\/\/workbench\//;

test('the window loads from app:// with the bridge and without Node', async ({ page }) => {
  assert.match(page.url(), APP_URL);
  const globals = await page.evaluate(() => ({
    bridge: Object.keys((window as unknown as { qgsDesktop: object }).qgsDesktop).sort(),
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
  }));
  assert.deepEqual(globals.bridge, [
    'host',
    'nativeDialogs',
    'onBackendStatus',
    'onMenuCommand',
    'openFile',
    'openFolder',
    'requestBackendPort',
    'saveFile',
  ]);
  assert.equal(globals.require, 'undefined');
  assert.equal(globals.process, 'undefined');
});

test('the backend connects over its port and the shell shows', async ({ page }) => {
  await page.getByTestId('stat-sessions').waitFor({ timeout: 30_000 });
});

test('app:// responses carry the one CSP', async ({ page }) => {
  const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
  assert.equal(csp, CONTENT_SECURITY_POLICY);
  const traversal = await page.evaluate(async () => (await fetch('/assets/..%2f..%2f..%2fpackage.json')).status);
  assert.equal(traversal, 403);
});

test('navigation away and window.open are refused', async ({ app, page }) => {
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  assert.equal(opened, true);
  await page.evaluate(() => {
    location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  assert.match(page.url(), APP_URL);
  assert.equal((await app.windows()).length, 1);
});

test('File ▸ Import Session Log: native dialog → grant → import; quit waits for the backend', async ({
  app,
  page,
  fixture,
  workspace,
}) => {
  await page.getByTestId('stat-sessions').waitFor({ timeout: 30_000 });
  await app.evaluate(({ dialog, Menu }, path) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as never;
    dialog.showMessageBox = (async () => ({ response: 0, checkboxChecked: false })) as never;
    const find = (items: MenuItem[]): MenuItem | undefined =>
      items
        .flatMap((i) => [i, ...(i.submenu ? [find(i.submenu.items)] : [])])
        .find((i) => i?.label.replace(/&/g, '').startsWith('Import Session Log'));
    find(Menu.getApplicationMenu()!.items)!.click();
  }, fixture);
  // The window reloads after the import and shows the new count.
  await page.waitForFunction(
    () => document.querySelector('[data-testid="stat-sessions"]')?.textContent?.trim() === '3',
    null,
    { timeout: 30_000 },
  );
  await app.close();
  const db = new DatabaseSync(workspace, { readOnly: true });
  assert.equal((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 3);
  db.close();
});
