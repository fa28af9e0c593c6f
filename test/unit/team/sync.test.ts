// Team sync against the real PostgreSQL at 127.0.0.1:5432 (docs/team.md): connect and migrate,
// refusals (newer schema, bad URL, unreachable port, missing database, unknown role) that change
// nothing local, push and pull, two workspaces labeling one task concurrently converging, resuming
// after the server drops us, and the password never written or logged.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import * as T from '../../../src-backend/store/labels/team.ts';
import { scratchDb, labelsContentHash, terminateConnections, PG_HOST, PG_PORT, PG_USER, type ScratchDb } from './pg.ts';
import { currentLabels, eventSet, grade, rejection, teamWorkspace, uuid, waitFor } from './helpers.ts';

let db: ScratchDb;
beforeAll(async () => {
  db = await scratchDb('sync');
});
afterAll(async () => {
  await db?.drop();
});

const withPassword = (url: string, pw: string) => url.replace(`${PG_USER}@`, `${PG_USER}:${encodeURIComponent(pw)}@`);

describe('team sync: connect', () => {
  it('migrates a fresh database, stores the URL without its password, pushes and pulls', async () => {
    const password = 'Zq9-team-secret-' + uuid().slice(0, 8);
    const a = await teamWorkspace();
    const logged: string[] = [];
    const spyErr = vi.spyOn(console, 'error').mockImplementation((...x) => void logged.push(x.join(' ')));
    const spyLog = vi.spyOn(console, 'log').mockImplementation((...x) => void logged.push(x.join(' ')));
    const spyStd = vi.spyOn(process.stderr, 'write').mockImplementation((x) => (logged.push(String(x)), true));
    try {
      const st = await a.call('team.connect', { url: withPassword(db.url, password) });
      expect(st.connected).toBe(true);
      expect(st.url).toBe(db.url);
      expect(st.passwordSource).toBe('memory');
      expect(st.serverSchemaVersion).toBe(1);
      expect((await db.query('SELECT version FROM qgs_schema_version')).map((r) => r.version)).toEqual([1]);

      const task = await a.call('tasks.create', { name: 'T1', from: { kind: 'turns', turnIds: ['s1#0', 's1#2'] } });
      await grade(a, task.taskId, 's1#0', 'a', 3);
      await grade(a, task.taskId, 's1#0', 'b', 1);
      await grade(a, undefined, 's2#0', 'f', 2);
      expect((await a.call('team.status', {})).pending).toBe(3);
      const r = await a.call('team.syncNow', {});
      expect(r.round).toMatchObject({ pushedEvents: 3, pushedTasks: 1, pulledEvents: 0 });
      expect(r.pending).toBe(0);
      expect(r.lastSyncedAt).not.toBeNull();
      const server = await db.query<{ event_id: string; task_uid: string | null }>(
        'SELECT event_id, task_uid FROM qgs_label_events ORDER BY id',
      );
      expect(server.map((x) => x.event_id).sort()).toEqual(eventSet(a));
      expect((await db.query('SELECT name FROM qgs_tasks')).map((x) => x.name)).toEqual(['T1']);
      // A second workspace pulls the task and the labels.
      const b = await teamWorkspace();
      await b.call('team.connect', { url: db.url });
      const rb = await b.call('team.syncNow', {});
      expect(rb.round).toMatchObject({ pulledEvents: 3, pulledTasks: 1 });
      expect(eventSet(b)).toEqual(eventSet(a));
      expect(await currentLabels(b)).toEqual(await currentLabels(a));
      const bt = await b.call('tasks.list', {});
      expect(bt.map((t) => t.name)).toEqual(['T1']);
      expect(bt[0]!.progress[0]).toMatchObject({ labels: 2 });
      // Pulled events are not pushed back.
      expect((await b.call('team.syncNow', {})).round.pushedEvents).toBe(0);
      // A renamed annotator travels: the owner's install is authoritative for its own name.
      const me = await a.call('annotator.set', { displayName: 'Ana R.' });
      await a.call('team.syncNow', {});
      await b.call('team.syncNow', {});
      expect((await b.call('annotator.get', {})).all.find((x) => x.annotatorId === me.annotatorId)?.displayName).toBe(
        'Ana R.',
      );
      await b.b.close();
    } finally {
      spyErr.mockRestore();
      spyLog.mockRestore();
      spyStd.mockRestore();
    }
    await a.b.close();
    // The password is nowhere: not in the workspace or labels files (and their WAL), not in any log line.
    for (const f of readdirSync(a.dir).filter((n) => n.startsWith('ws.db')))
      expect(readFileSync(join(a.dir, f)).includes(Buffer.from(password)), f).toBe(false);
    const labelsDb = new DatabaseSync(a.labelsPath, { readOnly: true });
    expect((labelsDb.prepare('SELECT url FROM team_sync').get() as { url: string }).url).toBe(db.url);
    labelsDb.close();
    expect(logged.join('\n')).not.toContain(password);
  });

  it('refuses a database whose schema is newer: clear error, nothing local changes; a running sync pauses with the reason', async () => {
    const newer = await scratchDb('newer');
    try {
      const a = await teamWorkspace();
      await a.call('team.connect', { url: newer.url });
      await grade(a, undefined, 's1#0', 'a', 2);
      await a.call('team.syncNow', {});
      await newer.query('INSERT INTO qgs_schema_version (version) VALUES (99)');
      // A fresh workspace cannot connect.
      const b = await teamWorkspace();
      await grade(b, undefined, 's1#0', 'b', 1);
      const before = labelsContentHash(b.labelsPath);
      const err = await rejection(b.call('team.connect', { url: newer.url }));
      expect(err.code).toBe('unsupported');
      expect(err.message).toMatch(/schema version 99.*understands up to 1/);
      expect(labelsContentHash(b.labelsPath)).toBe(before);
      const sb = await b.call('team.status', {});
      expect(sb).toMatchObject({ connected: false, state: 'off' });
      expect(sb.lastError).toMatch(/newer QGS Workbench/);
      // The connected one: its next round (a new connection) stops and says why.
      await terminateConnections(newer.name);
      await grade(a, undefined, 's1#0', 'b', 3);
      const beforeA = labelsContentHash(a.labelsPath);
      const e2 = await rejection(a.call('team.syncNow', {}));
      expect(e2.code).toBe('unsupported');
      const sa = await a.call('team.status', {});
      expect(sa.state).toBe('paused');
      expect(sa.pausedReason).toMatch(/schema version 99/);
      expect(sa.serverSchemaVersion).toBe(99);
      expect(sa.pending).toBe(1);
      expect(labelsContentHash(a.labelsPath)).toBe(beforeA);
      // Labeling goes on while paused.
      await grade(a, undefined, 's1#0', 'c', 1);
      expect((await a.call('team.status', {})).pending).toBe(2);
    } finally {
      await newer.drop();
    }
  });

  it('bad URLs, an unreachable port, a missing database and an unknown role: clear errors, nothing changed', async () => {
    const a = await teamWorkspace();
    await grade(a, undefined, 's1#0', 'a', 2);
    const before = labelsContentHash(a.labelsPath);
    const cases: [string, string, RegExp][] = [
      ['not a url', 'invalid_input', /not a URL/],
      ['http://127.0.0.1/x', 'invalid_input', /postgres:\/\//],
      [`postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/`, 'invalid_input', /no database name/],
      [
        `postgres://${PG_USER}:pw@${PG_HOST}:1/qgs`,
        'invalid_input',
        /cannot reach PostgreSQL at 127\.0\.0\.1:1: connection refused/,
      ],
      [
        `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/qgs_no_such_db_${uuid().slice(0, 6)}`,
        'invalid_input',
        /database "qgs_no_such_db_\w+" does not exist/,
      ],
      [
        `postgres://qgs_no_such_role:pw@${PG_HOST}:${PG_PORT}/${db.name}`,
        'unauthorized',
        /refused the credentials of user "qgs_no_such_role"/,
      ],
    ];
    for (const [url, code, msg] of cases) {
      const err = await rejection(a.call('team.connect', { url }));
      expect(err.code, url).toBe(code);
      expect(err.message, url).toMatch(msg);
      expect(err.problems[0]?.where).toBe('url');
      expect(err.message).not.toContain(':pw@');
      expect((await a.call('team.status', {})).connected).toBe(false);
      expect(labelsContentHash(a.labelsPath), url).toBe(before);
    }
    expect((await rejection(a.call('team.syncNow', {}))).message).toMatch(/not connected/);
  });
});

describe('team sync: background loop', () => {
  it('keeps labeling while the server is unreachable, shows the error, and resumes when it is back', async () => {
    const s = await scratchDb('drop');
    try {
      const a = await teamWorkspace({ background: true, intervalMs: 50 });
      await a.call('team.connect', { url: s.url });
      await grade(a, undefined, 's1#0', 'a', 1);
      await waitFor(
        'the first label on the server',
        async () => (await s.query('SELECT 1 FROM qgs_label_events')).length === 1,
      );
      // The server drops every connection (a restart or a network cut): the loop reconnects.
      await terminateConnections(s.name);
      await grade(a, undefined, 's1#0', 'b', 2);
      await waitFor(
        'the label after the drop',
        async () => (await s.query('SELECT 1 FROM qgs_label_events')).length === 2,
      );
      // Unreachable (the stored URL now names a closed port): labels are still acknowledged at once.
      const l = a.b.labeling.labels;
      l.db.prepare('UPDATE team_sync SET url = ?').run(s.url.replace(`:${PG_PORT}/`, ':1/'));
      await terminateConnections(s.name);
      const t0 = performance.now();
      for (const item of ['c', 'a', 'b']) await grade(a, undefined, 's1#1', item, 3);
      expect(performance.now() - t0).toBeLessThan(5000);
      await waitFor('the error to show', async () => (await a.call('team.status', {})).state === 'retrying');
      const st = await a.call('team.status', {});
      expect(st.lastError).toMatch(/connection refused/);
      expect(st.pending).toBe(3);
      expect(st.retryAt).not.toBeNull();
      // Back: the loop retries on its own (backoff ≤ 2 s at this point) and drains the queue.
      l.db.prepare('UPDATE team_sync SET url = ?').run(s.url);
      await waitFor(
        'the queue to drain and the round to finish',
        async () => {
          const x = await a.call('team.status', {});
          return x.pending === 0 && x.lastError === null;
        },
        20_000,
      );
      const after = await a.call('team.status', {});
      expect(after.lastError).toBeNull();
      expect(after.state).not.toBe('paused');
      expect((await s.query('SELECT event_id FROM qgs_label_events')).length).toBe(5);
    } finally {
      await s.drop();
    }
  });

  it('two workspaces labeling the same task concurrently converge to the same events and current labels', async () => {
    const s = await scratchDb('conv');
    try {
      const a = await teamWorkspace({ background: true, intervalMs: 30, batchSize: 7 });
      const b = await teamWorkspace({ background: true, intervalMs: 30, batchSize: 7 });
      await a.call('annotator.set', { displayName: 'Ana' });
      await b.call('annotator.set', { displayName: 'Ben' });
      await a.call('team.connect', { url: s.url });
      await b.call('team.connect', { url: s.url });
      const task = await a.call('tasks.create', {
        name: 'shared',
        from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2', 's2#0'] },
      });
      await waitFor('B to get the task', async () => (await b.call('tasks.list', {})).length === 1);
      const taskB = (await b.call('tasks.list', {}))[0]!.taskId;
      const cells: [string, string][] = [
        ['s1#0', 'a'],
        ['s1#0', 'b'],
        ['s1#0', 'c'],
        ['s1#1', 'a'],
        ['s1#1', 'b'],
        ['s1#1', 'c'],
        ['s1#2', 'd'],
        ['s1#2', 'e'],
        ['s2#0', 'f'],
        ['s2#0', 'g'],
      ];
      // Interleaved, while both loops push and pull: grades, re-grades, undos, a skip and a flag.
      for (let round = 0; round < 4; round++) {
        await Promise.all([
          (async () => {
            for (const [i, [turn, item]] of cells.entries()) await grade(a, task.taskId, turn, item, (i + round) % 4);
            await a.call('labels.undo', { eventId: uuid(), taskId: task.taskId, turnId: 's1#0' });
          })(),
          (async () => {
            for (const [i, [turn, item]] of [...cells].reverse().entries())
              await grade(b, taskB, turn, item, (i * 3 + round) % 4);
            await b.call('labels.undo', { eventId: uuid(), taskId: taskB, turnId: 's2#0' });
            if (round === 2)
              await b.call('labels.record', {
                eventId: uuid(),
                taskId: taskB,
                turnId: 's1#2',
                kind: 'flag',
                tags: ['spam'],
              });
          })(),
        ]);
      }
      await waitFor(
        'both to hold the same events',
        () => eventSet(a).length === 2 * 4 * 11 + 1 && eventSet(a).join() === eventSet(b).join(),
      );
      expect(eventSet(a)).toEqual(eventSet(b));
      const server = (await s.query<{ event_id: string }>('SELECT event_id FROM qgs_label_events'))
        .map((r) => r.event_id)
        .sort();
      expect(server).toEqual(eventSet(a));
      expect(await currentLabels(a)).toEqual(await currentLabels(b));
      // Progress per annotator agrees too (turn_status derived the same way on both sides).
      const pa = (await a.call('tasks.get', { taskId: task.taskId })).progress;
      const pb = (await b.call('tasks.get', { taskId: taskB })).progress;
      const norm = (p: typeof pa) => p.map((x) => JSON.stringify(x)).sort();
      expect(norm(pa)).toEqual(norm(pb));
      expect(pa.map((p) => p.displayName).sort()).toEqual(['Ana', 'Ben']);
      // Both loops end their rounds without an error (a transient one under load is retried).
      await waitFor('clean rounds on both', () =>
        [a, b].every((w) => T.syncState(w.b.labeling.labels)?.lastError === null),
      );
    } finally {
      await s.drop();
    }
  });
});
