// Killing the sync mid-push loses nothing (docs/team.md): a real `cli team sync` child pushes 20,000
// events in batches and is SIGKILLed once the server holds some but not all of them. The local
// watermark is never ahead of what the server committed, and the next sync sends the rest exactly
// once. Also the CLI's team commands: the password given in the URL is never printed or stored.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDb, PG_USER, type ScratchDb } from './pg.ts';
import { eventSet, teamWorkspace, uuid } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src-backend', 'hosts', 'cli.ts');
const N = 20_000;

let db: ScratchDb;
beforeAll(async () => {
  db = await scratchDb('kill');
});
afterAll(async () => {
  await db?.drop();
});

/**
 * A label-event file of n inline grades on the tiny workspace's turns, by 500 annotators (a few
 * events per annotator and turn, as real labeling has: each event re-derives its key's labels).
 */
function eventsFile(path: string, n: number): void {
  const annotators = Array.from({ length: 500 }, (_, i) => ({
    annotatorId: `bulk-${i}-${uuid().slice(0, 8)}`,
    displayName: `Bulk ${i}`,
  }));
  const cells: [string, string][] = [
    ['s1#0', 'a'],
    ['s1#0', 'b'],
    ['s1#0', 'c'],
    ['s1#1', 'a'],
    ['s1#2', 'd'],
    ['s2#0', 'f'],
  ];
  const lines = [
    JSON.stringify({
      format: 'qgs-label-events',
      version: 1,
      exportedAt: new Date().toISOString(),
      annotators,
      scales: [],
      tasks: [],
    }),
  ];
  for (let i = 0; i < n; i++) {
    const [turnId, itemId] = cells[i % cells.length]!;
    const annotatorId = annotators[i % annotators.length]!.annotatorId;
    lines.push(
      JSON.stringify({
        eventId: uuid(),
        annotatorId,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        taskUid: null,
        turnId,
        itemId,
        kind: 'grade',
        scale: 'graded-0-3',
        value: i % 4,
        gain: i % 4,
        outcome: null,
        modelA: null,
        modelB: null,
        tags: null,
        note: null,
        undoes: null,
      }),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const serverCount = async () =>
  Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM qgs_label_events'))[0]!.n);

describe('sync killed mid-push', () => {
  it('loses nothing: the watermark trails the server, and the next sync sends the rest exactly once', async () => {
    const a = await teamWorkspace();
    const file = join(a.dir, 'bulk.jsonl');
    eventsFile(file, N);
    expect((await a.call('labels.importEvents', { path: file })).inserted).toBe(N);
    await a.call('team.connect', { url: db.url });
    const local = eventSet(a);
    await a.b.close();

    const child = spawn(process.execPath, [CLI, 'team', 'sync', '--workspace', join(a.dir, 'ws.db')], {
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
    let atKill = 0;
    for (;;) {
      atKill = await serverCount();
      if (atKill > 0) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const after = await serverCount();
    expect(after, 'killed mid-push: some but not all events on the server').toBeGreaterThan(0);
    expect(after).toBeLessThan(N);

    // The watermark never runs ahead of the server's commit.
    const ldb = new DatabaseSync(a.labelsPath, { readOnly: true });
    const pushed = (ldb.prepare('SELECT pushed_seq FROM team_sync').get() as { pushed_seq: number }).pushed_seq;
    const claimed = (
      ldb.prepare('SELECT event_id FROM label_events WHERE seq <= ? ORDER BY event_id').all(pushed) as {
        event_id: string;
      }[]
    ).map((r) => r.event_id);
    ldb.close();
    const onServer = new Set(
      (await db.query<{ event_id: string }>('SELECT event_id FROM qgs_label_events')).map((r) => r.event_id),
    );
    expect(claimed.filter((id) => !onServer.has(id))).toEqual([]);
    expect(claimed.length).toBeLessThanOrEqual(after);

    // Resume (a new process, as after a crash): everything arrives, each event once.
    const again = spawnSync(process.execPath, [CLI, 'team', 'sync', '--workspace', join(a.dir, 'ws.db'), '--json'], {
      encoding: 'utf8',
    });
    expect(again.status, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { pending: number; round: { pushedEvents: number } };
    expect(report.pending).toBe(0);
    expect(report.round.pushedEvents).toBeGreaterThanOrEqual(N - after);
    expect(await serverCount()).toBe(N);
    const ids = (await db.query<{ event_id: string }>('SELECT event_id FROM qgs_label_events ORDER BY event_id')).map(
      (r) => r.event_id,
    );
    expect(ids).toEqual(local);
  });

  it('the CLI connects with a password in the URL, prints and stores the URL without it', async () => {
    const a = await teamWorkspace();
    await a.b.close();
    const password = 'Cli-pw-' + uuid().slice(0, 12);
    const url = db.url.replace(`${PG_USER}@`, `${PG_USER}:${password}@`);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'team', ...args, '--workspace', join(a.dir, 'ws.db')], { encoding: 'utf8' });
    const c = run('connect', url);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toContain(`team database ${db.url}`);
    expect(c.stdout).toContain('password: given for this session');
    const s = run('status');
    expect(s.stdout).toMatch(/state: idle/);
    const bad = run('connect', url.replace(/:5432\//, ':1/'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/connection refused/);
    for (const out of [c, s, bad]) expect(out.stdout + out.stderr).not.toContain(password);
    for (const f of readdirSync(a.dir).filter((n) => n.startsWith('ws.db')))
      expect(readFileSync(join(a.dir, f)).includes(Buffer.from(password)), f).toBe(false);
    const d = run('disconnect');
    expect(d.stdout).toMatch(/not connected/);
  });
});
