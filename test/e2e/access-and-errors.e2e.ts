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
    fetch(`${baseUrl}/api/workspace.stats`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: '{}',
    });
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

test('API errors appear in the banner: the message, problems folded, dismissable', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  // A link to a session that does not exist: the backend's not_found error.
  const missing = 'no-such-session-e2e';
  const notFound = await apiError(api.call('sessions.get', { sessionId: missing }));
  await openApp(`#/session/${missing}`);
  const banner = page.getByRole('alert');
  await eventually(async () => assert.equal(await banner.getByTestId('error-message').textContent(), notFound.message));
  if (notFound.problems.length > 0) {
    // The itemised problems are there but folded away until asked for.
    const first = banner.getByText(notFound.problems[0]!.where, { exact: true });
    assert.equal(await first.isVisible(), false, 'problems start folded');
    await banner.locator('summary').click();
    assert.ok(await first.isVisible(), 'problems show when unfolded');
  }
  await page.getByRole('button', { name: 'Dismiss error' }).click();
  assert.equal(await page.getByRole('alert').count(), 0);
});

test('the banner clears when the failed operation later succeeds, and on navigation', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  // Input the contract rejects (a user id over its length limit): invalid_input, problem at userId.
  const longUser = 'u'.repeat(300);
  const invalid = await apiError(api.call('sessions.list', { userId: longUser, offset: 0, limit: 100 }));
  assert.equal(invalid.code, 'invalid_input');
  await openApp();
  const banner = page.getByRole('alert');
  await page.getByLabel('User').fill(longUser);
  await eventually(async () => assert.equal(await banner.getByTestId('error-message').textContent(), invalid.message));
  assert.ok(((await banner.textContent()) ?? '').includes('userId'), 'the problem names the field');
  await screenshot('error-banner');
  // Fixing the input: the same call succeeds and the banner goes away by itself.
  await page.getByLabel('User').fill('');
  await eventually(async () => assert.equal(await page.getByRole('alert').count(), 0));

  // Again, then navigate: the banner is about the old screen and goes.
  await page.getByLabel('User').fill(longUser);
  await eventually(async () => assert.equal(await page.getByRole('alert').count(), 1));
  const first = (await api.call('sessions.list', { offset: 0, limit: 1 })).rows[0]!;
  await page.evaluate((id) => (window.location.hash = `#/session/${encodeURIComponent(id)}`), first.sessionId);
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), first.sessionId));
  assert.equal(await page.getByRole('alert').count(), 0, 'no stale banner after navigating');
});
