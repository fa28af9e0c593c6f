import { describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { openStore, getSession, workspaceStats } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import { rejection, snapshot, tempDir } from './helpers.ts';
import { synthSession, writeSynthLog } from './synth.ts';

const jsonl = (sessions: unknown[]) => sessions.map((s) => JSON.stringify(s)).join('\n') + '\n';

describe('importSessionLog', () => {
  it('imports a log, reports counts and progress, and leaves consistent foreign keys', async () => {
    const dir = tempDir();
    const file = join(dir, 'log.jsonl');
    await writeSynthLog(file, { sessions: 200, turns: 3, results: 4 });
    const store = openStore(join(dir, 'w.db'));
    const progress: Progress[] = [];
    const report = await importSessionLog(store, file, { onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({
      kind: 'sessions',
      alreadyImported: false,
      sessions: 200,
      skippedSessions: 0,
      turns: 600,
      resultRows: 2400,
    });
    expect(report.newFeatureNames).toHaveLength(12);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', unit: 'bytes' });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    const importing = progress.filter((p) => p.phase === 'importing').map((p) => p.done);
    expect(importing).toEqual([...importing].sort((a, b) => a - b));
    expect(store.db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(workspaceStats(store)).toMatchObject({ sessions: 200, turns: 600, resultRows: 2400, imports: 1 });
    store.close();
  });

  it('imports .jsonl.gz to the same content as the plain file', async () => {
    const dir = tempDir();
    const plain = join(dir, 'log.jsonl');
    const gz = join(dir, 'log.jsonl.gz');
    await writeSynthLog(plain, { sessions: 50 });
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(gz));
    const a = openStore(join(dir, 'a.db'));
    const b = openStore(join(dir, 'b.db'));
    await importSessionLog(a, plain);
    const rb = await importSessionLog(b, gz);
    expect(rb.sessions).toBe(50);
    for (const id of ['s0000000', 's0000049']) expect(getSession(b, id)).toEqual(getSession(a, id));
    a.close();
    b.close();
  });

  it('is idempotent: the same file again writes nothing; identical sessions in another file are skipped', async () => {
    const dir = tempDir();
    const file = join(dir, 'log.jsonl');
    await writeSynthLog(file, { sessions: 20 });
    const dbPath = join(dir, 'w.db');
    const store = openStore(dbPath);
    await importSessionLog(store, file);
    const before = snapshot(dbPath);
    const again = await importSessionLog(store, file);
    expect(again).toMatchObject({ alreadyImported: true, sessions: 0, resultRows: 0 });
    expect(snapshot(dbPath)).toEqual(before);

    // Another file: the same 20 sessions re-serialised (different key and result order)
    // plus 2 new ones.
    const reordered = Array.from({ length: 20 }, (_, i) => {
      const s = synthSession(i, { sessions: 20 });
      return {
        events: s.events.map((e) => ({
          results: [...e.results].reverse().map((r) => Object.fromEntries(Object.entries(r).reverse())),
          query: e.query,
          ts: e.ts,
        })),
        user_id: s.user_id,
        split: s.split,
        session_id: s.session_id,
        v: 1,
      };
    });
    const extra = [0, 1].map((i) => synthSession(i, { sessions: 2, prefix: 'new' }));
    const second = join(dir, 'second.jsonl');
    writeFileSync(second, jsonl([...reordered, ...extra]));
    const r = await importSessionLog(store, second);
    expect(r).toMatchObject({ alreadyImported: false, sessions: 2, skippedSessions: 20 });
    expect(r.warnings.join(' ')).toMatch(/20 session\(s\) were already in the workspace/);
    expect(workspaceStats(store).sessions).toBe(22);
    store.close();
  });

  it('rejects a session id already stored with different content as a conflict naming the line', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'w.db');
    const store = openStore(dbPath);
    writeFileSync(join(dir, 'a.jsonl'), jsonl([synthSession(0, { sessions: 1 }), synthSession(1, { sessions: 1 })]));
    await importSessionLog(store, join(dir, 'a.jsonl'));
    const before = snapshot(dbPath);
    const changed = synthSession(1, { sessions: 1 });
    changed.events[0]!.results[0]!.title = 'edited title';
    writeFileSync(join(dir, 'b.jsonl'), jsonl([synthSession(7, { sessions: 1 }), changed]));
    const err = await rejection(importSessionLog(store, join(dir, 'b.jsonl')));
    expect(err.code).toBe('conflict');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.where).toBe('b.jsonl:2:session_id');
    expect(err.problems[0]!.message).toContain('"s0000001" is already in the workspace with different content');
    expect(snapshot(dbPath)).toEqual(before); // s0000007 on line 1 was rolled back too
    store.close();
  });

  it('cancel rolls back: nothing of the import is written', async () => {
    const dir = tempDir();
    const file = join(dir, 'log.jsonl');
    await writeSynthLog(file, { sessions: 3000, turns: 5, results: 10 });
    const dbPath = join(dir, 'w.db');
    const store = openStore(dbPath);
    const before = snapshot(dbPath);
    const ac = new AbortController();
    const err = await rejection(
      importSessionLog(store, file, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'importing' && p.done > 0.5 * p.total!) ac.abort(); // half-way through
        },
      }),
    );
    expect(err.code).toBe('cancelled');
    expect(err.message).toMatch(/nothing was written/);
    expect(snapshot(dbPath)).toEqual(before);
    // And the same file imports fine afterwards.
    expect((await importSessionLog(store, file)).sessions).toBe(3000);
    store.close();
  });

  it('runs two imports started together one after the other, both complete', async () => {
    const dir = tempDir();
    await writeSynthLog(join(dir, 'a.jsonl'), { sessions: 800, prefix: 'a' });
    await writeSynthLog(join(dir, 'b.jsonl'), { sessions: 300, prefix: 'b' });
    const store = openStore(join(dir, 'w.db'));
    const [a, b] = await Promise.all([
      importSessionLog(store, join(dir, 'a.jsonl')),
      importSessionLog(store, join(dir, 'b.jsonl')),
    ]);
    expect([a.sessions, b.sessions]).toEqual([800, 300]);
    expect(workspaceStats(store)).toMatchObject({ sessions: 1100, imports: 2 });
    store.close();
  });

  it('keeps a title that differs from the item title on another impression', async () => {
    const dir = tempDir();
    const s = synthSession(0, { sessions: 1, turns: 2, results: 2 });
    s.events[1]!.results[0]!.item_id = s.events[0]!.results[0]!.item_id;
    s.events[1]!.results[0]!.title = 'A different headline for the same item';
    writeFileSync(join(dir, 'a.jsonl'), jsonl([s]));
    const store = openStore(join(dir, 'w.db'));
    await importSessionLog(store, join(dir, 'a.jsonl'));
    const d = getSession(store, s.session_id);
    expect(d.turns[0]!.results[0]!.title).toBe(s.events[0]!.results[0]!.title);
    expect(d.turns[1]!.results[0]!.title).toBe('A different headline for the same item');
    store.close();
  });
});
