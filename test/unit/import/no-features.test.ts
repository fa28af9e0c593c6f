// A log whose first result carries no features (legal in v1) must import and read back intact.
import { afterEach, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src-backend/store/store.ts';
import { getSession } from '../../../src-backend/store/sessions.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'qgs-nofeat-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('stores and reads back results without features next to results with features', async () => {
  const line = {
    v: 1,
    session_id: 'nf-1',
    user_id: 'u',
    events: [
      {
        ts: '2026-01-01T00:00:00Z',
        query: 'plain query',
        results: [
          { item_id: 'a', title: 'A', position: 1, features: {} },
          { item_id: 'b', title: 'B', position: 2, features: { bm25: 2.5 } },
        ],
      },
    ],
  };
  const file = join(dir, 'nf.jsonl');
  writeFileSync(file, JSON.stringify(line) + '\n');
  const store = openStore(join(dir, 'ws.db'));
  await importSessionLog(store, file);
  const s = getSession(store, 'nf-1');
  expect(s.turns[0]?.results.map((r) => r.features)).toEqual([{}, { bm25: 2.5 }]);
  store.close();
});

it('imports a log whose results leave `features` out entirely (real logs often have none)', async () => {
  const line = {
    v: 1,
    session_id: 'nf-2',
    user_id: 'u',
    events: [
      {
        ts: '2026-01-01T00:00:00Z',
        query: 'ids only',
        results: [
          { item_id: 'x', title: 'X', position: 1 },
          { item_id: 'y', title: 'Y', position: 2, click: true },
        ],
      },
    ],
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nf2.jsonl');
  writeFileSync(file, JSON.stringify(line) + '\n');
  const store = openStore(join(dir, 'nf2.db'));
  try {
    const report = await importSessionLog(store, file);
    expect(report.resultRows).toBe(2);
    const s = getSession(store, 'nf-2');
    expect(s.turns[0]!.results.map((r) => [r.itemId, r.features])).toEqual([
      ['x', {}],
      ['y', {}],
    ]);
  } finally {
    store.close();
  }
});
