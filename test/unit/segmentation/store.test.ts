// Rule v2 in the workspace: the import stores v2 boundaries and switch counts, and migration 004
// brings a workspace imported under rule v1 to exactly what a v2 import stores, touching nothing else.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getSession, listSessions, openStore, SCHEMA_VERSION } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import { boundaryV1 } from '../../../src-backend/data/segmentation-eval.ts';
import { classifySession } from '../../../src-common/segmentation.ts';
import { snapshot, tempDir } from '../import/helpers.ts';

const T0 = Date.UTC(2026, 2, 1, 9);
function session(id: string, queries: Array<[string, number]>) {
  return {
    v: 1,
    session_id: id,
    user_id: 'u1',
    events: queries.map(([query, minutes], i) => ({
      ts: new Date(T0 + minutes * 60_000).toISOString(),
      query,
      results: [{ item_id: `${id}-${i}`, title: query, position: 1, features: { bm25: 1 } }],
    })),
  };
}
// Sessions where v1 and v2 disagree: intent-only follow-ups, word forms, a sibling topic.
const SESSIONS = [
  session('a', [
    ['sony wh-1000xm5', 0],
    ['review', 1],
    ['price', 2],
    ['espresso machine', 3],
  ]),
  session('b', [
    ['running shoes', 0],
    ['best shoe for runners', 1],
    ['多少钱', 2],
  ]),
  session('c', [
    ['trail running shoes', 0],
    ['road running shoes', 1],
    ['road running shoes', 2],
  ]),
  session('d', [
    ['iphone15 case', 0],
    ['iphone 15 case', 95],
  ]),
];

async function workspace() {
  const dir = tempDir();
  const file = join(dir, 'log.jsonl');
  writeFileSync(file, SESSIONS.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const path = join(dir, 'w.db');
  const store = openStore(path);
  await importSessionLog(store, file);
  return { store, path };
}

describe('rule v2 in the workspace', () => {
  it('the import stores each turn’s v2 boundary and the session’s v2 switch count', async () => {
    const { store } = await workspace();
    const stored = SESSIONS.map((s) => getSession(store, s.session_id).turns.map((t) => t.boundary));
    expect(stored).toEqual([
      ['start', 'refinement', 'refinement', 'switch'],
      ['start', 'refinement', 'refinement'],
      ['start', 'switch', 'repeat'],
      ['start', 'switch'], // similar spelling, but 95 minutes later
    ]);
    for (const s of SESSIONS)
      expect(getSession(store, s.session_id).turns.map((t) => t.boundary)).toEqual(
        classifySession(s.events.map((e) => ({ query: e.query, time: Date.parse(e.ts) }))).map((d) => d.kind),
      );
    const rows = listSessions(store, { offset: 0, limit: 10 }).rows;
    expect(rows.map((r) => r.switches)).toEqual([1, 0, 1, 1]);
    expect(listSessions(store, { offset: 0, limit: 10, hasSwitch: false }).rows.map((r) => r.sessionId)).toEqual(['b']);
    store.close();
  });

  it('migration 004 recomputes a v1 workspace to exactly what a v2 import stores, and nothing else', async () => {
    const { store, path } = await workspace();
    store.close();
    const v2 = snapshot(path);

    // Turn it into what a build with rule v1 (schema version 3) would have written.
    const raw = new DatabaseSync(path);
    const turns = raw
      .prepare('SELECT turn_pk, session_pk, idx, query FROM turns ORDER BY session_pk, idx')
      .all() as Array<{
      turn_pk: number;
      session_pk: number;
      idx: number;
      query: string;
    }>;
    const switches = new Map<number, number>();
    let prev: string | null = null;
    for (const t of turns) {
      const b = boundaryV1(t.idx === 0 ? null : prev, t.query);
      prev = t.query;
      raw.prepare('UPDATE turns SET boundary = ? WHERE turn_pk = ?').run(b, t.turn_pk);
      switches.set(t.session_pk, (switches.get(t.session_pk) ?? 0) + (b === 'switch' ? 1 : 0));
    }
    for (const [pk, n] of switches) raw.prepare('UPDATE sessions SET switches = ? WHERE session_pk = ?').run(n, pk);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION - 1}`);
    raw.close();
    const v1 = snapshot(path);
    expect(v1.hash).not.toBe(v2.hash); // v1 called the follow-ups switches

    const reopened = openStore(path);
    expect(getSession(reopened, 'a').turns.map((t) => t.boundary)).toEqual([
      'start',
      'refinement',
      'refinement',
      'switch',
    ]);
    reopened.close();
    expect(snapshot(path)).toEqual(v2);
  });
});
