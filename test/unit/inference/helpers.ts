// Helpers for the inference tests: temp workspaces with a backend, session logs written on the fly,
// and direct SQL for turns the importer's limits would refuse (10,000 candidates).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openBackend, type Backend, type BackendOptions } from '../../../src-backend/backend.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const TINY_LINEAR = join(FIXTURES, 'tiny-linear.onnx');
export const TINY_FLAT = join(FIXTURES, 'tiny-flat.onnx');
export const TINY_NAN = join(FIXTURES, 'tiny-nan.onnx');
export const NO_METADATA = join(FIXTURES, 'no-metadata.onnx');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'qgs-inference-test-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

export function backendIn(dir: string, extra: Partial<BackendOptions> = {}): Backend {
  const b = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null, ...extra });
  cleanups.push(() => b.close());
  return b;
}

export interface LogResult {
  item_id: string;
  title: string;
  position: number;
  features: Record<string, number>;
  click?: boolean;
  dwell_ms?: number;
}
export interface LogSession {
  session_id: string;
  user_id: string;
  split?: string;
  events: { ts: string; query: string; results: LogResult[] }[];
}

export function writeLog(dir: string, sessions: LogSession[], name = 'sessions.jsonl'): string {
  const path = join(dir, name);
  writeFileSync(path, sessions.map((s) => JSON.stringify({ v: 1, ...s })).join('\n') + '\n');
  return path;
}

const ts = (i: number) => new Date(Date.UTC(2026, 2, 1, 9, 0, i)).toISOString().replace('.000Z', 'Z');

/** A small deterministic workspace: `n` sessions of `turns` turns, 5 candidates each, some clicks. */
export function demoSessions(
  n: number,
  turns: number,
  opts: { features?: (s: number, t: number, r: number) => Record<string, number> } = {},
): LogSession[] {
  const topics = ['trail shoes', 'espresso machine', 'tent', 'camera lens', 'rain jacket'];
  return Array.from({ length: n }, (_, s) => ({
    session_id: `s${String(s).padStart(4, '0')}`,
    user_id: `u${s % 7}`,
    split: s % 5 === 0 ? 'test' : 'train',
    events: Array.from({ length: turns }, (_, t) => {
      const topic = topics[(s + Math.floor(t / 2)) % topics.length]!;
      return {
        ts: ts(t),
        query: t % 2 ? `${topic} review` : topic,
        results: Array.from({ length: 5 }, (_, r) => ({
          item_id: `${topic.replace(/ /g, '-')}-${(r + t) % 8}`,
          title: `${topic} model ${(r + t) % 8}`,
          position: r + 1,
          features: opts.features
            ? opts.features(s, t, r)
            : { bm25: 10 - r + (s % 3), item_ctr: 0.1 / (r + 1), exact_match: r === 0 ? 1 : 0, freshness: (t % 4) / 4 },
          ...((s + t + r) % 4 === 0 ? { click: true, dwell_ms: r % 2 ? 45_000 : 5_000 } : {}),
        })),
      };
    }),
  }));
}

export async function importLog(b: Backend, path: string): Promise<void> {
  await b.dispatcher.call('import.sessions', { path });
}

/** Appends a turn with `count` candidates to a session by SQL (the importer caps turns at 1,000 results). */
export function insertWideTurn(b: Backend, sessionId: string, count: number): string {
  const db = b.store.db;
  const s = db.prepare('SELECT session_pk FROM sessions WHERE session_id = ?').get(sessionId) as { session_pk: number };
  const last = db.prepare('SELECT max(idx) AS idx FROM turns WHERE session_pk = ?').get(s.session_pk) as {
    idx: number;
  };
  const proto = db
    .prepare(
      'SELECT r.feature_set, r.features FROM results r JOIN turns t ON t.turn_pk = r.turn_pk WHERE t.session_pk = ? LIMIT 1',
    )
    .get(s.session_pk) as {
    feature_set: number;
    features: Uint8Array;
  };
  const idx = last.idx + 1;
  db.exec('BEGIN');
  const turn = db
    .prepare(
      "INSERT INTO turns (session_pk, idx, ts, query, boundary) VALUES (?, ?, '2026-03-01T10:00:00Z', 'wide query', 'switch')",
    )
    .run(s.session_pk, idx);
  const item = db.prepare(
    'INSERT INTO items (item_id, title) VALUES (?, ?) ON CONFLICT (item_id) DO UPDATE SET title = title RETURNING item_pk',
  );
  const res = db.prepare(
    'INSERT INTO results (turn_pk, position, item_pk, click, dwell_ms, title, feature_set, features) VALUES (?, ?, ?, 0, NULL, NULL, ?, ?)',
  );
  for (let i = 0; i < count; i++) {
    const { item_pk } = item.get(`wide-${i}`, `wide item ${i}`) as { item_pk: number };
    res.run(turn.lastInsertRowid, i + 1, item_pk, proto.feature_set, proto.features);
  }
  db.prepare('UPDATE sessions SET turns = turns + 1 WHERE session_pk = ?').run(s.session_pk);
  db.exec('COMMIT');
  return `${sessionId}#${idx}`;
}

export function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
