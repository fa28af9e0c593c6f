import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ApiError } from '../../../src-common/errors.ts';
import {
  openStore,
  listSessions,
  getSession,
  workspaceStats,
  SCHEMA_VERSION,
} from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import { MIGRATIONS } from '../../../src-backend/store/migrations/index.ts';
import { tempDir, snapshot } from '../import/helpers.ts';
import { synthSession, writeSynthLog } from '../import/synth.ts';

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('openStore', () => {
  it('creates a WAL database with foreign keys, STRICT tables and the current schema version', () => {
    const path = join(tempDir(), 'w.db');
    const store = openStore(path);
    const db = store.db;
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys).toBe(1);
    expect((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size).toBe(8192);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
      sql: string;
    }[];
    for (const name of [
      'sessions',
      'turns',
      'items',
      'results',
      'feature_names',
      'imports',
      'runs',
      'run_entries',
      'qrels',
      'models',
      'scores',
      'label_events',
    ]) {
      const t = tables.find((x) => x.name === name);
      expect(t, name).toBeDefined();
      expect(t!.sql, name).toMatch(/STRICT/);
    }
    // STRICT really rejects a wrongly typed value.
    expect(() =>
      db
        .prepare(
          "INSERT INTO imports (sha256, kind, file_name, imported_at, sessions) VALUES ('a', 'sessions', 'f', 't', 'many')",
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column imports.sessions/);
    store.close();
    // Reopening is a no-op migration.
    const again = openStore(path);
    expect(workspaceStats(again).schemaVersion).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('refuses a database written by a newer version, naming both versions, and leaves it untouched', () => {
    const path = join(tempDir(), 'newer.db');
    openStore(path).close();
    const raw = new DatabaseSync(path);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 4}`);
    raw.close();
    const before = snapshot(path);
    const err = caught(() => openStore(path));
    expect(err.code).toBe('unsupported');
    expect(err.message).toContain(`schema version ${SCHEMA_VERSION + 4}`);
    expect(err.message).toContain(`up to schema version ${SCHEMA_VERSION}`);
    expect(snapshot(path)).toEqual(before);
  });

  it('upgrades an older database in order, keeping its data', () => {
    const path = join(tempDir(), 'old.db');
    const raw = new DatabaseSync(path);
    raw.exec(MIGRATIONS[0] as string); // a workspace written by a build that only knew migration 1
    raw.exec('PRAGMA user_version = 1');
    raw.exec("INSERT INTO feature_names (name) VALUES ('bm25')");
    raw.close();
    const store = openStore(path);
    expect((store.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(
      SCHEMA_VERSION,
    );
    expect(workspaceStats(store).featureNames).toEqual(['bm25']);
    store.close();
  });

  it('gives a clear error for a file that is not a database', () => {
    const path = join(tempDir(), 'notes.db');
    writeFileSync(path, 'this is a text file, not SQLite '.repeat(200));
    const err = caught(() => openStore(path));
    expect(err.message).toMatch(/cannot open database .*notes\.db: file is not a database/);
  });

  it('refuses an in-memory path (imports need a second connection to the same file)', () => {
    expect(caught(() => openStore(':memory:')).code).toBe('invalid_input');
  });
});

describe('session queries', () => {
  async function workspace(sessions = 60) {
    const dir = tempDir();
    const file = join(dir, 'log.jsonl');
    await writeSynthLog(file, { sessions, turns: 4, results: 3 });
    const store = openStore(join(dir, 'w.db'));
    await importSessionLog(store, file);
    return store;
  }

  it('getSession returns exactly what was logged, with defaults, boundaries and features by name', async () => {
    const store = await workspace(5);
    const logged = synthSession(2, { sessions: 5, turns: 4, results: 3 });
    const d = getSession(store, logged.session_id);
    expect(d.userId).toBe(logged.user_id);
    expect(d.split).toBe(logged.split);
    expect(d.turns.map((t) => t.query)).toEqual(logged.events.map((e) => e.query));
    expect(d.turns[0]!.boundary).toBe('start');
    expect(d.turns[1]!.turnId).toBe(`${logged.session_id}#1`);
    const r = d.turns[1]!.results[2]!;
    const lr = logged.events[1]!.results[2]!;
    expect(r).toEqual({
      itemId: lr.item_id,
      title: lr.title,
      position: 3,
      click: lr.click,
      dwellMs: lr.click ? lr.dwell_ms : null,
      features: lr.features,
    });
    expect(Object.keys(r.features)).toEqual(Object.keys(lr.features)); // logged order kept
    const err = caught(() => getSession(store, 'nope'));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('"nope"');
    store.close();
  });

  it('lists sessions in a stable order with paging, text search and filters', async () => {
    const store = await workspace(60);
    const all = listSessions(store, { offset: 0, limit: 1000 });
    expect(all.total).toBe(60);
    expect(all.rows.map((r) => r.sessionId)).toEqual(
      Array.from({ length: 60 }, (_, i) => `s${String(i).padStart(7, '0')}`),
    );
    // Pages tile the full list.
    const pages = [0, 25, 50].flatMap((offset) =>
      listSessions(store, { offset, limit: 25 }).rows.map((r) => r.sessionId),
    );
    expect(pages).toEqual(all.rows.map((r) => r.sessionId));

    // Case-insensitive substring of any query, including CJK text.
    const hits = listSessions(store, { q: 'ESPRESSO mach', offset: 0, limit: 1000 });
    expect(hits.total).toBeGreaterThan(0);
    for (const s of hits.rows)
      expect(getSession(store, s.sessionId).turns.some((t) => t.query.includes('espresso mach'))).toBe(true);
    const misses = all.rows.filter((s) => !hits.rows.some((h) => h.sessionId === s.sessionId));
    for (const s of misses)
      expect(getSession(store, s.sessionId).turns.some((t) => t.query.includes('espresso mach'))).toBe(false);
    // Every needle (trigram index for 3+ characters, scan for shorter ones or LIKE wildcards)
    // finds exactly the sessions a brute-force search finds.
    const queries = new Map(
      all.rows.map((s) => [s.sessionId, getSession(store, s.sessionId).turns.map((t) => t.query.toLowerCase())]),
    );
    for (const needle of [
      'es',
      'e',
      'espresso',
      'ESPRESSO MACH',
      '北京 天',
      '天气',
      'x%y',
      '_',
      'gardening tips',
      'zzz',
    ]) {
      const expected = [...queries]
        .filter(([, qs]) => qs.some((q) => q.includes(needle.toLowerCase())))
        .map(([id]) => id);
      expect(
        listSessions(store, { q: needle, offset: 0, limit: 1000 }).rows.map((r) => r.sessionId),
        needle,
      ).toEqual(expected);
    }
    expect(listSessions(store, { q: '天气', offset: 0, limit: 5 }).total).toBeGreaterThan(0);

    const sw = listSessions(store, { hasSwitch: true, split: 'test', offset: 0, limit: 1000 });
    expect(sw.total).toBeGreaterThan(0);
    for (const s of sw.rows) {
      expect(s.switches).toBeGreaterThan(0);
      expect(s.split).toBe('test');
      expect(getSession(store, s.sessionId).turns.filter((t) => t.boundary === 'switch').length).toBe(s.switches);
    }
    const noSwitch = listSessions(store, { hasSwitch: false, offset: 0, limit: 1000 });
    expect(noSwitch.total + listSessions(store, { hasSwitch: true, offset: 0, limit: 1 }).total).toBe(60);
    const user = listSessions(store, { userId: 'u0007', offset: 0, limit: 10 });
    expect(user.rows.map((r) => r.sessionId)).toEqual(['s0000007']);
    // Beyond the end: empty page, total still right.
    expect(listSessions(store, { offset: 500, limit: 10 })).toEqual({ total: 60, offset: 500, rows: [] });
    const bad = caught(() => listSessions(store, { offset: -1, limit: 0 }));
    expect(bad.code).toBe('invalid_input');
    expect(bad.problems.map((p) => p.where)).toEqual(['offset', 'limit']);
    store.close();
  });

  it('filters by a case-insensitive user-id prefix (wildcards are literal)', async () => {
    const store = await workspace(60); // users u0000 … u0059, one session each
    const ids = (userId: string) =>
      listSessions(store, { userId, offset: 0, limit: 1000 }).rows.map((r) => r.sessionId);
    expect(ids('u000')).toEqual(Array.from({ length: 10 }, (_, i) => `s${String(i).padStart(7, '0')}`));
    expect(ids('U000')).toEqual(ids('u000'));
    expect(ids('u0007')).toEqual(['s0000007']);
    expect(ids('u00')).toHaveLength(60);
    expect(ids('')).toHaveLength(60); // an empty box filters nothing
    expect(ids('0007')).toEqual([]); // a prefix, not a substring
    expect(ids('u%')).toEqual([]); // LIKE wildcards match only themselves
    expect(ids('u_0')).toEqual([]);
    expect(
      listSessions(store, { userId: 'u001', hasSwitch: false, offset: 0, limit: 1000 }).rows.every(
        (r) => r.userId.startsWith('u001') && r.switches === 0,
      ),
    ).toBe(true);
    store.close();
  });

  it('names the first matching turn of each session found by a text search', async () => {
    const dir = tempDir();
    const base = synthSession(0, { sessions: 1, turns: 3, results: 1 });
    const session = (id: string, user: string, queries: string[]) =>
      JSON.stringify({
        ...base,
        session_id: id,
        user_id: user,
        events: queries.map((query, i) => ({ ...base.events[0]!, ts: `2026-03-01T09:0${i}:00Z`, query })),
      });
    writeFileSync(
      join(dir, 'm.jsonl'),
      [
        session('m1', 'Alice-1', ['weather berlin', 'Trail Shoes', 'trail shoes women']),
        session('m2', 'bob', ['TRAIL running', 'espresso']),
        session('m3', 'carol', ['espresso', 'coffee grinder']),
      ].join('\n') + '\n',
    );
    const store = openStore(join(dir, 'w.db'));
    await importSessionLog(store, join(dir, 'm.jsonl'));
    const page = (q: string) =>
      listSessions(store, { q, offset: 0, limit: 100 }).rows.map((r) => [r.sessionId, r.match]);
    expect(page('trail')).toEqual([
      ['m1', { turn: 1, query: 'Trail Shoes' }],
      ['m2', { turn: 0, query: 'TRAIL running' }],
    ]);
    // Short needles (scan path) and filters give the same match; the turn is the <n> of "<session>#<n>".
    expect(page('es')).toEqual([
      ['m1', { turn: 1, query: 'Trail Shoes' }],
      ['m2', { turn: 1, query: 'espresso' }],
      ['m3', { turn: 0, query: 'espresso' }],
    ]);
    expect(getSession(store, 'm1').turns[1]!.turnId).toBe('m1#1');
    expect(
      listSessions(store, { q: 'grinder', userId: 'CAR', offset: 0, limit: 100 }).rows.map((r) => r.match),
    ).toEqual([{ turn: 1, query: 'coffee grinder' }]);
    expect(listSessions(store, { userId: 'alice', offset: 0, limit: 100 }).rows.map((r) => r.sessionId)).toEqual([
      'm1',
    ]);
    // No search, no match.
    expect(listSessions(store, { offset: 0, limit: 100 }).rows.map((r) => r.match)).toEqual([null, null, null]);
    expect(listSessions(store, { q: '   ', offset: 0, limit: 100 }).rows.map((r) => r.match)).toEqual([
      null,
      null,
      null,
    ]);
    store.close();
  });

  it('text search follows later imports (its page cache never serves stale results)', async () => {
    const dir = tempDir();
    await writeSynthLog(join(dir, 'a.jsonl'), { sessions: 30, prefix: 'a' });
    await writeSynthLog(join(dir, 'b.jsonl'), { sessions: 30, prefix: 'b' });
    const store = openStore(join(dir, 'w.db'));
    await importSessionLog(store, join(dir, 'a.jsonl'));
    const before = listSessions(store, { q: 'espresso', offset: 0, limit: 1000 });
    expect(before.total).toBeGreaterThan(0);
    expect(listSessions(store, { q: 'espresso', offset: 0, limit: 1000 })).toEqual(before); // served again
    await importSessionLog(store, join(dir, 'b.jsonl'));
    const after = listSessions(store, { q: 'espresso', offset: 0, limit: 1000 });
    expect(after.total).toBe(2 * before.total); // same synthetic sessions under a second prefix
    expect(after.rows.filter((r) => r.sessionId.startsWith('b'))).toHaveLength(before.total);
    // A write on the main connection itself also invalidates it.
    store.db.exec(
      "DELETE FROM session_text WHERE session_pk = (SELECT min(session_pk) FROM session_text WHERE text LIKE '%espresso%')",
    );
    expect(listSessions(store, { q: 'espresso', offset: 0, limit: 1000 }).total).toBe(after.total - 1);
    store.close();
  });

  it('workspaceStats counts what was imported', async () => {
    const store = await workspace(10);
    const s = workspaceStats(store);
    expect(s).toMatchObject({
      sessions: 10,
      turns: 40,
      resultRows: 120,
      imports: 1,
      runs: [],
      qrelsSets: [],
      schemaVersion: SCHEMA_VERSION,
    });
    expect(s.featureNames).toContain('bm25');
    expect(s.fileBytes).toBeGreaterThan(0);
    store.close();
  });

  it('serves reads of committed data only while an import is running, and the event loop keeps turning', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.jsonl');
    const big = join(dir, 'big.jsonl');
    await writeSynthLog(small, { sessions: 3, prefix: 'a' });
    await writeSynthLog(big, { sessions: 3000, turns: 5, results: 10, prefix: 'b' });
    const store = openStore(join(dir, 'w.db'));
    await importSessionLog(store, small);
    const seenMidImport: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await importSessionLog(store, big, {
      onProgress: (p) => {
        if (p.phase === 'importing' && p.done > 0.3 * p.total!)
          seenMidImport.push(listSessions(store, { offset: 0, limit: 1 }).total);
      },
    });
    clearInterval(timer);
    expect(seenMidImport.length).toBeGreaterThan(0);
    expect(new Set(seenMidImport)).toEqual(new Set([3])); // never the uncommitted sessions
    expect(ticks).toBeGreaterThan(0); // timers ran during the import: it yields
    expect(listSessions(store, { offset: 0, limit: 1 }).total).toBe(3003);
    store.close();
  });
});
