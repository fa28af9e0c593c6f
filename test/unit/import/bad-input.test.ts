// Every bad input from issue 2: a clear error naming file, line and field, and the database
// unchanged (row counts and a content hash of every table, before and after).
import { describe, expect, it } from 'vitest';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { openStore, getSession, workspaceStats, type Store } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import { importTrecRun, importQrels } from '../../../src-backend/data/trec.ts';
import { rejection, snapshot, tempDir } from './helpers.ts';
import { synthSession } from './synth.ts';

const line = (i: number, edit?: (s: ReturnType<typeof synthSession>) => unknown) => {
  const s = synthSession(i, { sessions: 1, turns: 2, results: 2 });
  return JSON.stringify(edit ? edit(s) : s);
};

/** A workspace that already holds data, so "unchanged" is tested against something real. */
async function seeded(): Promise<{ dir: string; dbPath: string; store: Store }> {
  const dir = tempDir();
  const dbPath = join(dir, 'w.db');
  const store = openStore(dbPath);
  writeFileSync(join(dir, 'seed.jsonl'), [0, 1, 2].map((i) => line(i)).join('\n') + '\n');
  await importSessionLog(store, join(dir, 'seed.jsonl'));
  return { dir, dbPath, store };
}

async function expectRejectedUnchanged(lines: string[] | string, fileName = 'bad.jsonl') {
  const { dir, dbPath, store } = await seeded();
  const file = join(dir, fileName);
  writeFileSync(file, typeof lines === 'string' ? lines : lines.join('\n') + '\n');
  const before = snapshot(dbPath);
  const err = await rejection(importSessionLog(store, file));
  expect(snapshot(dbPath)).toEqual(before);
  store.close();
  return err;
}

describe('session log bad input', () => {
  it('malformed JSON line', async () => {
    const err = await expectRejectedUnchanged([line(10), line(11), '{"v":1,"session_id":"x",', line(12)]);
    expect(err.code).toBe('invalid_file');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.where).toBe('bad.jsonl:3:(line)');
    expect(err.problems[0]!.message).toMatch(/^expected one JSON object, got malformed JSON/);
    expect(err.message).toMatch(/bad\.jsonl was not imported, nothing was written: bad\.jsonl:3:\(line\)/);
  });

  it('wrong types, each named by field path with expected and got', async () => {
    const err = await expectRejectedUnchanged([
      line(10, (s) => ({
        ...s,
        events: s.events.map((e, i) => (i === 1 ? { ...e, results: [{ ...e.results[0], position: '1' }] } : e)),
      })),
      line(11, (s) => ({ ...s, user_id: 42 })),
      line(12, (s) => ({
        ...s,
        events: [
          { ...s.events[0], results: [{ ...s.events[0]!.results[0], features: { bm25: 'high' }, click: 'yes' }] },
        ],
      })),
      line(13, (s) => ({ ...s, v: 2 })),
    ]);
    expect(err.problems).toEqual([
      { where: 'bad.jsonl:1:events[1].results[0].position', message: 'expected an integer, got the string "1"' },
      { where: 'bad.jsonl:2:user_id', message: 'expected a string, got the number 42' },
      {
        where: 'bad.jsonl:3:events[0].results[0].features.bm25',
        message: 'expected a finite number, got the string "high"',
      },
      { where: 'bad.jsonl:3:events[0].results[0].click', message: 'expected true or false, got the string "yes"' },
      { where: 'bad.jsonl:4:v', message: 'expected 1 (format version), got the number 2' },
    ]);
    expect(err.message).toContain('and 4 more problems');
  });

  it('missing required fields and unknown fields', async () => {
    const err = await expectRejectedUnchanged([
      line(10, ({ user_id: _u, ...s }) => s),
      line(11, (s) => ({ ...s, events: [{ ts: s.events[0]!.ts, results: [] }] })),
      line(12, (s) => ({ ...s, sesion_note: 'typo' })),
    ]);
    expect(err.problems).toEqual([
      { where: 'bad.jsonl:1:user_id', message: 'expected a string, got nothing (required)' },
      { where: 'bad.jsonl:2:events[0].query', message: 'expected a string, got nothing (required)' },
      { where: 'bad.jsonl:3:sesion_note', message: 'unknown field (allowed: v, session_id, user_id, split, events)' },
    ]);
  });

  it('duplicate session ids inside one file name both lines', async () => {
    const err = await expectRejectedUnchanged([line(10), line(11), line(10)]);
    expect(err.problems).toEqual([
      {
        where: 'bad.jsonl:3:session_id',
        message: 'expected session ids unique in the file, got "s0000010" again (first on line 1)',
      },
    ]);
  });

  it('a 50 MB single line is rejected with its size and the limit', async () => {
    const { dir, dbPath, store } = await seeded();
    const file = join(dir, 'huge.jsonl');
    const out = createWriteStream(file);
    out.write(line(10) + '\n');
    const title = 'x'.repeat(1 << 20);
    out.write(
      '{"v":1,"session_id":"huge","user_id":"u","events":[{"ts":"2026-03-01T00:00:00Z","query":"q","results":[',
    );
    for (let i = 0; i < 50; i++)
      out.write(`${i ? ',' : ''}{"item_id":"i${i}","title":"${title}","position":${i + 1},"features":{}}`);
    out.write(']}]}\n' + line(11) + '\n');
    out.end();
    await once(out, 'finish');
    const before = snapshot(dbPath);
    const err = await rejection(importSessionLog(store, file));
    expect(err.code).toBe('invalid_file');
    expect(err.problems).toEqual([
      { where: 'huge.jsonl:2:(line)', message: 'line 2 is 50.0 MB, limit is 16.0 MB per line (one session)' },
    ]);
    expect(snapshot(dbPath)).toEqual(before);
    store.close();
  });

  it('invalid UTF-8 names the line and the byte offset', async () => {
    const { dir, dbPath, store } = await seeded();
    const file = join(dir, 'latin1.jsonl');
    const bad = Buffer.from(line(11).replace('"title":"', '"title":"caf\u0000'), 'utf8');
    bad[bad.indexOf(0)] = 0xe9; // a lone Latin-1 'é' byte
    writeFileSync(file, Buffer.concat([Buffer.from(line(10) + '\n'), bad, Buffer.from('\n')]));
    const before = snapshot(dbPath);
    const err = await rejection(importSessionLog(store, file));
    expect(err.problems).toEqual([
      {
        where: 'latin1.jsonl:2:(line)',
        message: `expected UTF-8 text, got invalid UTF-8 (first bad byte at offset ${bad.indexOf(0xe9)})`,
      },
    ]);
    expect(snapshot(dbPath)).toEqual(before);
    store.close();
  });

  it('an empty file is a clear error and changes nothing', async () => {
    const err = await expectRejectedUnchanged('', 'empty.jsonl');
    expect(err.code).toBe('invalid_file');
    expect(err.message).toBe('session log empty.jsonl contains no sessions (empty file); nothing was imported');
    const blank = await expectRejectedUnchanged('\n\n  \n', 'blank.jsonl');
    expect(blank.message).toMatch(/contains no sessions/);
  });

  it('events out of time order and bad timestamps', async () => {
    const err = await expectRejectedUnchanged([
      line(10, (s) => ({ ...s, events: [s.events[1], s.events[0]] })),
      line(11, (s) => ({ ...s, events: [{ ...s.events[0], ts: '2026-03-01 09:00' }] })),
    ]);
    expect(err.problems.map((p) => p.where)).toEqual(['bad.jsonl:1:events[1].ts', 'bad.jsonl:2:events[0].ts']);
    expect(err.problems[0]!.message).toMatch(/expected events in time order/);
    expect(err.problems[1]!.message).toMatch(
      /expected an ISO-8601 date-time with zone .* got the string "2026-03-01 09:00"/,
    );
  });

  it('caps the problem list at 100 and says how many more there were', async () => {
    const err = await expectRejectedUnchanged(Array.from({ length: 150 }, (_, i) => `not json ${i}`));
    expect(err.problems).toHaveLength(100);
    expect(err.problems[99]!.where).toBe('bad.jsonl:100:(line)');
    expect(err.message).toMatch(/and 149 more problems, 50 not listed/);
  });

  it('unknown feature names are accepted, recorded and reported as a warning', async () => {
    const { dir, store } = await seeded();
    const file = join(dir, 'newfeat.jsonl');
    writeFileSync(
      file,
      line(20, (s) => {
        s.events[0]!.results[0]!.features = { ...s.events[0]!.results[0]!.features, 'brand_new:score': 0.25 };
        return s;
      }) + '\n',
    );
    const report = await importSessionLog(store, file);
    expect(report.newFeatureNames).toEqual(['brand_new:score']);
    expect(report.warnings[0]).toMatch(/1 feature name\(s\) not seen before were recorded: brand_new:score/);
    expect(workspaceStats(store).featureNames).toContain('brand_new:score');
    expect(getSession(store, 's0000020').turns[0]!.results[0]!.features['brand_new:score']).toBe(0.25);
    store.close();
  });

  it('a missing file is not_found', async () => {
    const { dir, store } = await seeded();
    const err = await rejection(importSessionLog(store, join(dir, 'nope.jsonl')));
    expect(err.code).toBe('not_found');
    expect(err.message).toContain('nope.jsonl');
    store.close();
  });
});

describe('TREC bad input', () => {
  it('a run with a non-numeric score changes nothing', async () => {
    const { dir, dbPath, store } = await seeded();
    const file = join(dir, 'run.txt');
    writeFileSync(
      file,
      ['s0000000#0 Q0 a 1 3.5 bm25', 's0000000#0 Q0 b 2 high bm25', 's0000000#1 Q0 a 1 NaN bm25'].join('\n') + '\n',
    );
    const before = snapshot(dbPath);
    const err = await rejection(importTrecRun(store, file));
    expect(err.code).toBe('invalid_file');
    expect(err.problems).toEqual([
      { where: 'run.txt:2:score', message: 'expected a number, got "high"' },
      { where: 'run.txt:3:score', message: 'expected a number, got "NaN"' },
    ]);
    expect(snapshot(dbPath)).toEqual(before);
    store.close();
  });

  it('wrong column counts, unknown turns and non-integer grades are named by line', async () => {
    const { dir, dbPath, store } = await seeded();
    const run = join(dir, 'run.txt');
    writeFileSync(run, 's0000000#0 Q0 a 1 3.5\ns9999#0 Q0 a 1 3.5 t\nnohash Q0 a 1 3.5 t\n');
    const qrels = join(dir, 'q.txt');
    writeFileSync(qrels, 's0000000#0 0 a 2.5\n');
    const before = snapshot(dbPath);
    const e1 = await rejection(importTrecRun(store, run));
    expect(e1.problems).toEqual([
      {
        where: 'run.txt:1:(line)',
        message: 'expected 6 whitespace-separated columns (qid Q0 docno rank score tag), got 5',
      },
      {
        where: 'run.txt:2:qid',
        message: 'expected the id of a turn in this workspace, got "s9999#0" (import its session log first)',
      },
      { where: 'run.txt:3:qid', message: 'expected a turn id "<session_id>#<event index>", got "nohash"' },
    ]);
    const e2 = await rejection(importQrels(store, qrels, { setName: 'gold' }));
    expect(e2.problems).toEqual([{ where: 'q.txt:1:grade', message: 'expected an integer grade, got "2.5"' }]);
    expect(snapshot(dbPath)).toEqual(before);
    store.close();
  });
});
