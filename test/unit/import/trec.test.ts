import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, workspaceStats } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import { exportQrels, exportTrecRun, importQrels, importTrecRun } from '../../../src-backend/data/trec.ts';
import { rejection, snapshot, tempDir } from './helpers.ts';
import { writeSynthLog } from './synth.ts';

async function workspace() {
  const dir = tempDir();
  await writeSynthLog(join(dir, 'log.jsonl'), { sessions: 4, turns: 2, results: 3 });
  const dbPath = join(dir, 'w.db');
  const store = openStore(dbPath);
  await importSessionLog(store, join(dir, 'log.jsonl'));
  return { dir, dbPath, store };
}

// Canonical order and number formatting, i.e. what the exporter writes.
const RUN =
  [
    's0000000#0 Q0 doc-a 1 12.5 bm25',
    's0000000#0 Q0 doc-b 2 -0.003 bm25',
    's0000000#1 Q0 doc-c 1 1e+300 bm25',
    's0000003#1 Q0 doc-a 1 0.1 bm25',
  ].join('\n') + '\n';
const QRELS = ['s0000000#0 0 doc-a 3', 's0000000#0 0 doc-b 0', 's0000002#1 0 doc-z -1'].join('\n') + '\n';

describe('TREC run and qrels', () => {
  it('round-trips a run and a qrels file byte for byte', async () => {
    const { dir, store } = await workspace();
    writeFileSync(join(dir, 'run.txt'), RUN);
    writeFileSync(join(dir, 'qrels.txt'), QRELS);
    const r = await importTrecRun(store, join(dir, 'run.txt'));
    expect(r).toMatchObject({ kind: 'trec-run', resultRows: 4, turns: 3, alreadyImported: false });
    const q = await importQrels(store, join(dir, 'qrels.txt'), { setName: 'gold' });
    expect(q).toMatchObject({ kind: 'qrels', resultRows: 3, turns: 2 });
    expect(workspaceStats(store)).toMatchObject({ runs: ['bm25'], qrelsSets: ['gold'] });
    expect(await exportTrecRun(store, 'bm25', join(dir, 'run.out'))).toBe(4);
    expect(await exportQrels(store, 'gold', join(dir, 'qrels.out'))).toBe(3);
    expect(readFileSync(join(dir, 'run.out'), 'utf8')).toBe(RUN);
    expect(readFileSync(join(dir, 'qrels.out'), 'utf8')).toBe(QRELS);
    store.close();
  });

  it('accepts tabs, several tags in one file and messy number formats, exporting them normalised', async () => {
    const { dir, store } = await workspace();
    writeFileSync(join(dir, 'run.txt'), 's0000001#0\tQ0\tx\t1\t+5.0\tA\r\n\ns0000001#0 Q0 x 1 .5 B\n');
    await importTrecRun(store, join(dir, 'run.txt'));
    await exportTrecRun(store, 'A', join(dir, 'a.out'));
    await exportTrecRun(store, 'B', join(dir, 'b.out'));
    expect(readFileSync(join(dir, 'a.out'), 'utf8')).toBe('s0000001#0 Q0 x 1 5 A\n');
    expect(readFileSync(join(dir, 'b.out'), 'utf8')).toBe('s0000001#0 Q0 x 1 0.5 B\n');
    store.close();
  });

  it('is idempotent per file, and a run tag or set name already present is a conflict', async () => {
    const { dir, dbPath, store } = await workspace();
    writeFileSync(join(dir, 'run.txt'), RUN);
    writeFileSync(join(dir, 'qrels.txt'), QRELS);
    await importTrecRun(store, join(dir, 'run.txt'));
    await importQrels(store, join(dir, 'qrels.txt'), { setName: 'gold' });
    const before = snapshot(dbPath);
    expect((await importTrecRun(store, join(dir, 'run.txt'))).alreadyImported).toBe(true);
    expect((await importQrels(store, join(dir, 'qrels.txt'), { setName: 'gold' })).alreadyImported).toBe(true);
    writeFileSync(join(dir, 'run2.txt'), 's0000002#0 Q0 doc-q 1 2 bm25\n');
    const err = await rejection(importTrecRun(store, join(dir, 'run2.txt')));
    expect(err.code).toBe('conflict');
    expect(err.problems).toEqual([
      {
        where: 'run2.txt:1:tag',
        message: 'run tag "bm25" is already in the workspace (imported from run.txt); rename the tag',
      },
    ]);
    writeFileSync(join(dir, 'qrels2.txt'), 's0000002#0 0 doc-q 1\n');
    expect((await rejection(importQrels(store, join(dir, 'qrels2.txt'), { setName: 'gold' }))).code).toBe('conflict');
    expect(snapshot(dbPath)).toEqual(before);
    // The same qrels file may feed a second, differently named set.
    expect((await importQrels(store, join(dir, 'qrels.txt'), { setName: 'gold-copy' })).resultRows).toBe(3);
    store.close();
  });

  it('rejects duplicate entries and an empty set name; unknown exports are not_found', async () => {
    const { dir, store } = await workspace();
    writeFileSync(join(dir, 'dup.txt'), 's0000000#0 Q0 a 1 1 t\ns0000000#0 Q0 a 2 0.5 t\n');
    const err = await rejection(importTrecRun(store, join(dir, 'dup.txt')));
    expect(err.problems).toEqual([
      {
        where: 'dup.txt:2:docno',
        message: 'expected each docno once per qid and tag, got "a" again (first on line 1)',
      },
    ]);
    expect((await rejection(importQrels(store, join(dir, 'dup.txt'), { setName: ' ' }))).code).toBe('invalid_input');
    expect((await rejection(exportTrecRun(store, 'none', join(dir, 'x')))).code).toBe('not_found');
    expect((await rejection(exportQrels(store, 'none', join(dir, 'x')))).code).toBe('not_found');
    store.close();
  });
});
