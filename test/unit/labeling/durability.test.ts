// Durability and concurrency of label writes (issue 9 §6), with real processes and files:
//  - kill -9 of a real `serve` right after it acknowledged labels over HTTP: every acknowledged label
//    is in the labels database afterwards;
//  - labels recorded while a large session import holds the workspace's write lock are acknowledged
//    before the import commits (they do not wait for it);
//  - a retried event id is recorded once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { ApiClient, httpTransport } from '../../../src-common/api/client.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import { writeSynthLog } from '../import/synth.ts';
import { tinyWorkspace, uuid } from './helpers.ts';

const CLI = join(import.meta.dirname, '..', '..', '..', 'src-backend', 'hosts', 'cli.ts');

function startServe(db: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--workspace', db, '--port', '0', `--token=${token}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /serving at (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve({ child, url: new URL(m[1]).origin });
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before it was ready:\n${stderr}`)));
  });
}

describe('label durability', () => {
  it('every label acknowledged over HTTP survives kill -9 of the backend right after the acknowledgement', async () => {
    const t = await tinyWorkspace();
    const task = await t.call('tasks.create', {
      name: 'K',
      from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2'] },
    });
    await t.b.close();
    const token = 'kill9-token-' + uuid();
    const { child, url } = await startServe(join(t.dir, 'ws.db'), token);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
    const api = new ApiClient(httpTransport(url, token));
    const acked: string[] = [];
    const items: [string, string][] = [
      ['s1#0', 'a'],
      ['s1#0', 'b'],
      ['s1#0', 'c'],
      ['s1#1', 'a'],
      ['s1#1', 'b'],
      ['s1#2', 'd'],
      ['s1#2', 'e'],
    ];
    for (const [i, [turnId, itemId]] of items.entries()) {
      const eventId = uuid();
      const ack = await api.call('labels.record', {
        eventId,
        taskId: task.taskId,
        turnId,
        kind: 'grade',
        itemId,
        value: i % 4,
      });
      acked.push(ack.eventId);
    }
    // SIGKILL the moment the last acknowledgement arrived: no shutdown, no checkpoint.
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const db = new DatabaseSync(join(t.dir, 'ws.db.labels.db'), { readOnly: true });
    try {
      expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
      const ids = (
        db.prepare("SELECT event_id FROM label_events WHERE kind = 'grade' ORDER BY seq").all() as {
          event_id: string;
        }[]
      ).map((r) => r.event_id);
      expect(ids).toEqual(acked);
      expect((db.prepare('SELECT count(*) AS n FROM current_labels').get() as { n: number }).n).toBe(items.length);
    } finally {
      db.close();
    }
    // And the restarted backend serves them.
    const again = await startServe(join(t.dir, 'ws.db'), token);
    try {
      const api2 = new ApiClient(httpTransport(again.url, token));
      const cur = await api2.call('labels.forTurn', { turnId: 's1#0', taskId: task.taskId });
      expect(cur.current.map((c) => [c.itemId, c.value])).toEqual([
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]);
    } finally {
      again.child.kill('SIGTERM');
    }
  }, 60_000);

  it('labels recorded during a large import are acknowledged before the import commits, and counted once when retried', async () => {
    const t = await tinyWorkspace();
    const task = await t.call('tasks.create', {
      name: 'C',
      from: { kind: 'turns', turnIds: ['s1#0', 's1#1', 's1#2', 's2#0'] },
    });
    const big = join(t.dir, 'big.jsonl');
    await writeSynthLog(big, { sessions: 4000, turns: 5, results: 10, prefix: 'big' }); // 200k result rows
    let importing = false;
    let importDone = false;
    const started = new Promise<void>((resolve) => {
      const imp = t.b.dispatcher.call(
        'import.sessions',
        { path: big },
        {
          onProgress: (p: Progress) => {
            if (p.phase === 'importing' && p.done > 0 && !importing) {
              importing = true;
              resolve();
            }
          },
        },
      );
      void imp.then(() => (importDone = true));
      (t as { imp?: Promise<unknown> }).imp = imp;
    });
    await started;
    const latencies: number[] = [];
    const pairs: [string, string][] = [
      ['s1#0', 'a'],
      ['s1#0', 'b'],
      ['s1#1', 'c'],
      ['s1#2', 'd'],
      ['s2#0', 'f'],
      ['s2#0', 'g'],
    ];
    let retried = '';
    for (const [turnId, itemId] of pairs) {
      const eventId = uuid();
      const t0 = performance.now();
      const ack = await t.call('labels.record', {
        eventId,
        taskId: task.taskId,
        turnId,
        kind: 'grade',
        itemId,
        value: 2,
      });
      latencies.push(performance.now() - t0);
      expect(ack.duplicate).toBe(false);
      // A retry of the same event (the acknowledgement was lost) is recorded once.
      expect(
        (await t.call('labels.record', { eventId, taskId: task.taskId, turnId, kind: 'grade', itemId, value: 2 }))
          .duplicate,
      ).toBe(true);
      retried = eventId;
    }
    // Every label was acknowledged while the import's transaction was still open.
    expect(importDone).toBe(false);
    const sessionsNow = (t.b.store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    expect(sessionsNow).toBe(3); // the import has not committed: its 4,000 sessions are not visible yet
    await (t as { imp?: Promise<unknown> }).imp;
    expect(importDone).toBe(true);
    expect((t.b.store.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(4003);
    const events = await t.call('labels.forTurn', { turnId: 's2#0', taskId: task.taskId, events: true });
    expect(events.events!.filter((e) => e.eventId === retried)).toHaveLength(1);
    expect(events.current).toHaveLength(2);
    // Loose bound (2 shared cores, the import yields every ~20 ms): far from waiting for the commit.
    expect(Math.max(...latencies)).toBeLessThan(1000);
  }, 120_000);
});
