// Browser mode's token gate and the error banner, through the real server.
import assert from 'node:assert/strict';
import { ApiError } from '../../src-common/errors.ts';
import { eventually, test } from './harness.ts';

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the API to refuse this call');
}

test('the API refuses requests without the right token (401)', async ({ baseUrl, token }) => {
  const post = (headers: Record<string, string>) =>
    fetch(`${baseUrl}/api/workspace.stats`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
  assert.equal((await post({})).status, 401);
  assert.equal((await post({ Authorization: 'Bearer wrong-token' })).status, 401);
  assert.equal((await post({ Authorization: `Bearer ${token}` })).status, 200);
});

test('the page without a token says how to open it', async ({ page, baseUrl, screenshot }) => {
  await page.goto(`${baseUrl}/`);
  await page.getByText('This page needs its access token.').waitFor();
  const text = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
  assert.match(text, /Open the exact address that serve printed/);
  assert.match(text, /\?token=/);
  assert.equal(await page.getByRole('listbox').count(), 0, 'no app without a token');
  await screenshot('no-token');
});

test('a stale token is refused with the same guidance', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/?token=not-the-token`);
  await page.getByText('refused this page').waitFor();
  assert.match((await page.locator('main').textContent()) ?? '', /\?token=/);
});

test('API errors appear in the banner with their problems', async ({ page, api, openApp, screenshot }) => {
  // A link to a session that does not exist: the backend's not_found error, verbatim.
  const missing = 'no-such-session-e2e';
  const notFound = await apiError(api.call('sessions.get', { sessionId: missing }));
  await openApp(`#/session/${missing}`);
  const banner = page.getByRole('alert');
  await eventually(async () => assert.ok(((await banner.textContent()) ?? '').includes(notFound.message)));
  assert.ok(notFound.problems.length > 0);
  assert.ok(((await banner.textContent()) ?? '').includes(notFound.problems[0]!.where));
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  assert.equal(await page.getByRole('alert').count(), 0);

  // Input the contract rejects (a user id over its length limit): invalid_input, problem at userId.
  const longUser = 'u'.repeat(300);
  const invalid = await apiError(api.call('sessions.list', { userId: longUser, offset: 0, limit: 100 }));
  assert.equal(invalid.code, 'invalid_input');
  await page.getByLabel('User').fill(longUser);
  await eventually(async () => {
    const text = (await banner.textContent()) ?? '';
    assert.ok(text.includes(invalid.message), `banner shows "${invalid.message}", has "${text}"`);
    assert.ok(text.includes('userId'));
  });
  await screenshot('error-banner');
});
