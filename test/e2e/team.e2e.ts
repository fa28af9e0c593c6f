// Settings → Team (issue 10) in Chromium against the real `serve` and the real PostgreSQL at
// 127.0.0.1:5432: set my name, a refused connection shows its reason, connect (password in its own
// field: shown nowhere afterwards), labels sync in the background and the state says so, the
// labeling views show the compact indicator, a server with a newer schema pauses sync with the
// reason, disconnect. Screenshots in test-results/screenshots/team/ (QGS_SHOTS overrides).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, test, shotsDir } from './harness.ts';
import { scratchDb, terminateConnections, PG_PORT } from '../unit/team/pg.ts';

const SHOTS = shotsDir('team');

async function shots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: join(SHOTS, `${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: join(SHOTS, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('team: name, refused and good connections, background sync state, indicator, paused on a newer schema', async ({
  page,
  api,
  openApp,
}) => {
  const db = await scratchDb('e2e');
  const password = 'e2e-Secret-' + Math.random().toString(36).slice(2, 10);
  try {
    // First run: the labeling views ask for a name while it is the default one.
    await api.call('annotator.set', { displayName: 'Annotator' });
    await openApp('#/tasks');
    await page.getByTestId('identity-prompt').waitFor();
    await shots(page, 'identity-prompt');
    await page.getByTestId('identity-name').fill('Ana First');
    await page.getByTestId('identity-save').click();
    await page.getByTestId('identity-prompt').waitFor({ state: 'detached' });
    assert.equal((await api.call('annotator.get', {})).displayName, 'Ana First');
    await page.getByTestId('nav-team').click();
    await page.getByTestId('team-settings').waitFor();
    await page.getByTestId('nav-team').waitFor();
    assert.equal(await page.getByTestId('nav-team').getAttribute('aria-current'), 'page');
    // My name.
    const name = 'Ana ' + Math.random().toString(36).slice(2, 5);
    await page.getByTestId('team-name').fill(name);
    await page.getByTestId('team-name').press('Enter');
    await eventually(async () => assert.equal((await api.call('annotator.get', {})).displayName, name));
    await shots(page, 'team-off');

    // A refused connection: the reason, and nothing stored.
    await page.getByTestId('team-url-input').fill(db.url.replace(`:${PG_PORT}/`, ':1/'));
    await page.getByTestId('team-connect').click();
    const problem = await eventually(async () => {
      const t = await page.getByTestId('team-problem').textContent();
      assert.match(t ?? '', /connection refused/);
      return t!;
    });
    assert.match(problem, /cannot reach PostgreSQL at 127\.0\.0\.1:1/);
    assert.equal((await api.call('team.status', {})).connected, false);
    await shots(page, 'team-refused');

    // Connect, with the password in its own field.
    await page.getByTestId('team-url-input').fill(db.url);
    await page.getByTestId('team-password-input').fill(password);
    await page.getByTestId('team-connect').click();
    await eventually(async () => assert.equal(await page.getByTestId('team-url').textContent(), db.url));
    assert.equal(await page.getByTestId('team-password-input').inputValue(), '', 'the password field is cleared');
    assert.equal(await page.getByTestId('team-url-input').inputValue(), '', 'so is the URL field');
    assert.ok(!(await page.content()).includes(password), 'the password is nowhere in the page');
    const st = await api.call('team.status', {});
    assert.equal(st.passwordSource, 'memory');

    // A label is acknowledged at once and synced in the background.
    const sessions = await api.call('sessions.list', { limit: 1 });
    const detail = await api.call('sessions.get', { sessionId: sessions.rows[0]!.sessionId });
    const turn = detail.turns[0]!;
    for (const [i, r] of turn.results.slice(0, 3).entries())
      await api.call('labels.record', {
        eventId: crypto.randomUUID(),
        turnId: turn.turnId,
        kind: 'grade',
        itemId: r.itemId,
        value: i % 4,
      });
    // No one asked for a sync: the background loop pushes them.
    await eventually(async () => {
      const onServer = await db.query<{ n: string }>('SELECT count(*) AS n FROM qgs_label_events');
      assert.ok(Number(onServer[0]!.n) >= 3, 'the labels reached the server');
    }, 20_000);
    await eventually(async () => {
      assert.equal(await page.getByTestId('team-pending').textContent(), '0 label events');
      assert.equal(await page.getByTestId('team-sync-state').getAttribute('data-state'), 'idle');
    }, 20_000);
    await page.getByTestId('team-sync-now').click();
    await eventually(async () =>
      assert.match((await page.getByTestId('team-last-synced').textContent()) ?? '', /just now/),
    );
    await shots(page, 'team-synced');

    // The labeling views carry the compact indicator.
    await page.getByTestId('nav-labeling').click();
    await page.getByTestId('task-list').waitFor();
    await eventually(async () =>
      assert.equal(await page.getByTestId('sync-indicator').getAttribute('data-tone'), 'ok'),
    );
    await shots(page, 'tasks-indicator-synced');

    // The server is upgraded by a newer app: sync pauses and says why; labeling goes on.
    await db.query('INSERT INTO qgs_schema_version (version) VALUES (99)');
    await terminateConnections(db.name);
    await api.call('labels.record', {
      eventId: crypto.randomUUID(),
      turnId: turn.turnId,
      kind: 'grade',
      itemId: turn.results[0]!.itemId,
      value: 3,
    });
    await eventually(
      async () => assert.equal(await page.getByTestId('sync-indicator').getAttribute('data-tone'), 'error'),
      20_000,
    );
    assert.match((await page.getByTestId('sync-indicator').textContent()) ?? '', /sync paused/);
    await shots(page, 'tasks-indicator-paused');
    await page.getByTestId('sync-indicator').click();
    await page.getByTestId('team-settings').waitFor();
    await eventually(async () =>
      assert.match((await page.getByTestId('team-paused').textContent()) ?? '', /schema version 99/),
    );
    assert.equal(await page.getByTestId('team-pending').textContent(), '1 label event');
    await shots(page, 'team-paused');

    await page.getByTestId('team-disconnect').click();
    await eventually(async () => assert.equal((await api.call('team.status', {})).connected, false));
  } finally {
    await api.call('team.disconnect', {}).catch(() => {});
    await db.drop();
  }
});

test('team: label-event files — export mine, re-import (all duplicates), a newer-version file refused with nothing changed', async ({
  page,
  api,
  openApp,
}) => {
  const dir = dirname((await api.call('app.info', {})).workspacePath);
  const file = join(dir, `e2e-team-${Math.random().toString(36).slice(2, 8)}.jsonl`);
  const sessions = await api.call('sessions.list', { limit: 3 });
  const detail = await api.call('sessions.get', { sessionId: sessions.rows[2]!.sessionId });
  const turn = detail.turns[0]!;
  await api.call('labels.record', {
    eventId: crypto.randomUUID(),
    turnId: turn.turnId,
    kind: 'grade',
    itemId: turn.results[0]!.itemId,
    value: 2,
  });
  const events = async () => (await api.call('labels.forTurn', { turnId: turn.turnId, events: true })).events!.length;
  try {
    await openApp('#/settings/team');
    await page.getByTestId('team-files').waitFor();
    await page.getByTestId('files-export-path').fill(file);
    await page.getByTestId('files-export').click();
    const wrote = await eventually(async () => {
      const t = (await page.getByTestId('files-result').textContent()) ?? '';
      assert.match(t, /Wrote \d+ label events \(format version 1/);
      return t;
    });
    const n = Number(/Wrote (\d+)/.exec(wrote)![1]);
    assert.ok(n >= 1);
    await page.getByTestId('files-import-path').fill(file);
    await page.getByTestId('files-import').click();
    await eventually(async () =>
      assert.match(
        (await page.getByTestId('files-result').textContent()) ?? '',
        new RegExp(`${n} events: 0 new, ${n} already here`),
      ),
    );
    await shots(page, 'files-imported');
    // A file from a newer version: refused, nothing changed.
    const lines = readFileSync(file, 'utf8').split('\n');
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    writeFileSync(file, [JSON.stringify({ ...header, version: 2 }), ...lines.slice(1)].join('\n'));
    const before = await events();
    await page.getByTestId('files-import').click();
    await eventually(async () =>
      assert.match(
        (await page.getByTestId('files-problem').textContent()) ?? '',
        /format version 2, written by a newer QGS Workbench.*nothing was imported/,
      ),
    );
    assert.equal(await events(), before);
    assert.equal(await page.getByTestId('files-result').count(), 0, 'the earlier result is gone');
    await shots(page, 'files-refused');
  } finally {
    rmSync(file, { force: true });
  }
});
