import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-common/errors.ts';
import { generateDemo, type DemoSummary } from '../../../src-backend/data/demo/generate.ts';
import { parseSessionLine } from '../../../src-backend/data/session-validate.ts';
import { buildWorld } from '../../../src-backend/data/demo/world.ts';
import { textStatsFromJson, textStatsFromTitles, textStatsToJson } from '../../../src-common/features.ts';

const root = mkdtempSync(join(tmpdir(), 'demo-test-'));
const dir = (name: string): string => join(root, name);
const SESSIONS = 200;

interface Result {
  item_id: string;
  title: string;
  position: number;
  features: Record<string, number>;
  click?: boolean;
  dwell_ms?: number;
}
interface Session {
  session_id: string;
  user_id: string;
  split: string;
  events: { ts: string; query: string; results: Result[] }[];
}

let summary: DemoSummary;
let lines: string[];
let sessions: Session[];
let progress: [number, number][] = [];

beforeAll(async () => {
  summary = await generateDemo({ seed: 3, sessions: SESSIONS, outDir: dir('a') }, (d, t) => progress.push([d, t]));
  await generateDemo({ seed: 3, sessions: SESSIONS, outDir: dir('a2') });
  await generateDemo({ seed: 3, sessions: SESSIONS, outDir: dir('agz'), gzip: true });
  await generateDemo({ seed: 4, sessions: SESSIONS, outDir: dir('b') });
  lines = readFileSync(join(dir('a'), 'sessions.jsonl'), 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // file ends with a newline
  sessions = lines.map((l) => JSON.parse(l) as Session);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generateDemo output files', () => {
  it('is byte-identical for the same seed, gzip included, and differs for another seed', () => {
    for (const f of ['sessions.jsonl', 'qrels.txt', 'features.json', 'turns.tsv']) {
      expect(readFileSync(join(dir('a2'), f)).equals(readFileSync(join(dir('a'), f))), f).toBe(true);
    }
    const gz = readFileSync(join(dir('agz'), 'sessions.jsonl.gz'));
    expect(gunzipSync(gz).equals(readFileSync(join(dir('a'), 'sessions.jsonl')))).toBe(true);
    expect(readFileSync(join(dir('b'), 'sessions.jsonl'), 'utf8')).not.toBe(lines.join('\n') + '\n');
  });

  it('writes exactly the files it reports, and nothing half-written', () => {
    expect(readdirSync(dir('a')).sort()).toEqual(['features.json', 'qrels.txt', 'sessions.jsonl', 'turns.tsv']);
    expect(readdirSync(dir('agz')).sort()).toEqual(['features.json', 'qrels.txt', 'sessions.jsonl.gz', 'turns.tsv']);
    expect(summary.files).toEqual({
      sessions: join(dir('a'), 'sessions.jsonl'),
      qrels: join(dir('a'), 'qrels.txt'),
      features: join(dir('a'), 'features.json'),
    });
  });

  it("emits session-log v1 lines that the importer's validator accepts, with the ten demo features", () => {
    const features = JSON.parse(readFileSync(join(dir('a'), 'features.json'), 'utf8')) as {
      version: number;
      groups: { name: string; features: string[] }[];
      queryDependence: Record<string, string>;
    };
    expect(features.version).toBe(2);
    expect(features.groups.map((g) => g.name)).toEqual(['text_match', 'statistical', 'behavioural']);
    expect(features.groups.map((g) => g.features)).toEqual([
      ['bm25', 'title_coverage', 'exact_match', 'semantic_sim'],
      ['item_ctr', 'log_popularity', 'freshness', 'title_len'],
      ['user_item_clicks', 'user_title_affinity'],
    ]);
    // Only the query-dependent features are listed: the text ones the app recomputes, the embedding
    // score it cannot.
    expect(features.queryDependence).toEqual({
      bm25: 'qgs-text-v1',
      title_coverage: 'qgs-text-v1',
      exact_match: 'qgs-text-v1',
      semantic_sim: 'logged',
    });
    // BM25's corpus statistics travel with the log: those of the world's whole item collection.
    const stats = textStatsToJson(textStatsFromTitles(buildWorld(3).items.map((i) => i.title)));
    expect((features as unknown as { textStats: unknown }).textStats).toEqual(stats);
    expect(stats.docs).toBeGreaterThan(10_000);
    // What the backend will read it with (the counterfactual recomputation).
    expect(textStatsFromJson((features as unknown as { textStats: unknown }).textStats).docs).toBe(stats.docs);
    const names = features.groups.flatMap((g) => g.features).sort();
    const utf8 = new TextEncoder();
    lines.forEach((line, i) => expect(parseSessionLine(utf8.encode(line)).problems, `line ${i + 1}`).toEqual([]));
    expect(new Set(sessions.map((s) => s.session_id)).size).toBe(SESSIONS);
    for (const s of sessions)
      for (const ev of s.events) for (const r of ev.results) expect(Object.keys(r.features).sort()).toEqual(names);
  });

  it('summary counts match the files', () => {
    const rows = sessions.reduce((a, s) => a + s.events.reduce((b, e) => b + e.results.length, 0), 0);
    expect(summary.sessions).toBe(SESSIONS);
    expect(summary.turns).toBe(sessions.reduce((a, s) => a + s.events.length, 0));
    expect(summary.resultRows).toBe(rows);
    expect(summary.users).toBe(new Set(sessions.map((s) => s.user_id)).size);
    expect(summary.topics).toBeGreaterThanOrEqual(300);
    expect(summary.switches).toBeGreaterThan(summary.turns / 10);
  });

  it('has 10–20 candidates per turn and qrels grading every candidate 0–3, nothing else', () => {
    const qrels = new Map<string, number>();
    for (const l of readFileSync(join(dir('a'), 'qrels.txt'), 'utf8')
      .trimEnd()
      .split('\n')) {
      const [turn, zero, item, grade, ...rest] = l.split(' ');
      expect(zero).toBe('0');
      expect(rest).toEqual([]);
      expect(['0', '1', '2', '3']).toContain(grade);
      expect(qrels.has(`${turn} ${item}`), `duplicate qrel ${l}`).toBe(false);
      qrels.set(`${turn} ${item}`, Number(grade));
    }
    let candidates = 0;
    for (const s of sessions) {
      s.events.forEach((ev, e) => {
        expect(ev.results.length).toBeGreaterThanOrEqual(10);
        expect(ev.results.length).toBeLessThanOrEqual(20);
        for (const r of ev.results) {
          expect(qrels.has(`${s.session_id}#${e} ${r.item_id}`), `${s.session_id}#${e} ${r.item_id}`).toBe(true);
          candidates++;
        }
      });
    }
    expect(qrels.size).toBe(candidates);
    const grades = [...qrels.values()];
    for (const g of [0, 1, 2, 3]) expect(grades.filter((x) => x === g).length).toBeGreaterThan(grades.length / 20);
  });

  it('splits by user: every user is in exactly one split, and all three splits occur', () => {
    const byUser = new Map<string, Set<string>>();
    for (const s of sessions) byUser.set(s.user_id, (byUser.get(s.user_id) ?? new Set()).add(s.split));
    for (const [user, splits] of byUser) expect(splits.size, user).toBe(1);
    const counts = { train: 0, valid: 0, test: 0 } as Record<string, number>;
    for (const splits of byUser.values()) counts[[...splits][0]!]!++;
    expect(counts.train).toBeGreaterThan(byUser.size * 0.6);
    expect(counts.valid).toBeGreaterThan(0);
    expect(counts.test).toBeGreaterThan(0);
  });

  it('has Chinese queries with Chinese result titles', () => {
    const han = /\p{Script=Han}/u;
    const zh = sessions.flatMap((s) => s.events).filter((e) => han.test(e.query));
    expect(zh.length).toBeGreaterThan(10);
    for (const ev of zh) expect(ev.results.some((r) => han.test(r.title))).toBe(true);
  });

  it('clicks are position-biased and clicked results carry a dwell time', () => {
    const shown = new Array<number>(21).fill(0);
    const clicked = new Array<number>(21).fill(0);
    for (const s of sessions) {
      for (const ev of s.events) {
        for (const r of ev.results) {
          shown[r.position]!++;
          if (r.click) {
            clicked[r.position]!++;
            expect(r.dwell_ms).toBeGreaterThan(0);
          } else {
            expect(r.dwell_ms).toBeUndefined();
          }
        }
      }
    }
    const ctr = (p: number): number => clicked[p]! / shown[p]!;
    expect(ctr(1)).toBeGreaterThan(2 * ctr(10));
    expect(clicked.reduce((a, b) => a + b, 0)).toBeGreaterThan(summary.turns / 2);
  });

  it('reports progress up to the total', () => {
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual([SESSIONS, SESSIONS]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
  });
});

describe('generateDemo --only-split', () => {
  it("writes exactly that split's sessions of the same world, byte for byte, with the same features.json", async () => {
    const test = await generateDemo({ seed: 3, sessions: SESSIONS, outDir: dir('only-test'), onlySplit: 'test' });
    const sliced = readFileSync(join(dir('only-test'), 'sessions.jsonl'), 'utf8');
    const expected = lines.filter((l) => (JSON.parse(l) as Session).split === 'test');
    expect(expected.length).toBeGreaterThan(0);
    expect(sliced).toBe(expected.join('\n') + '\n');
    expect(test.sessions).toBe(expected.length);
    const ids = new Set(expected.map((l) => (JSON.parse(l) as Session).session_id));
    const qrels = readFileSync(join(dir('a'), 'qrels.txt'), 'utf8')
      .split('\n')
      .filter((l) => l && ids.has(l.split('#')[0]!));
    expect(readFileSync(join(dir('only-test'), 'qrels.txt'), 'utf8')).toBe(qrels.join('\n') + '\n');
    expect(
      readFileSync(join(dir('only-test'), 'features.json')).equals(readFileSync(join(dir('a'), 'features.json'))),
    ).toBe(true);
  });

  it('rejects an unknown split by name', async () => {
    await expect(
      generateDemo({ seed: 1, sessions: 10, outDir: dir('bad-split'), onlySplit: 'dev' as 'test' }),
    ).rejects.toMatchObject({ code: 'invalid_input', problems: [{ where: 'onlySplit' }] });
    expect(existsSync(dir('bad-split'))).toBe(false);
  });
});

describe('generateDemo cancel and bad input', () => {
  it('stops when cancelled and leaves no files behind', async () => {
    const out = dir('cancelled');
    const controller = new AbortController();
    let calls = 0;
    const run = generateDemo(
      { seed: 1, sessions: 20_000, outDir: out, gzip: true },
      () => {
        if (++calls === 3) controller.abort();
      },
      controller.signal,
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBeLessThan(10);
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects bad options with an error that names the field', async () => {
    await expect(generateDemo({ seed: 1, sessions: 0, outDir: dir('bad') })).rejects.toThrow(
      /sessions must be an integer from 1/,
    );
    await expect(generateDemo({ seed: 1.5, sessions: 10, outDir: dir('bad') })).rejects.toMatchObject({
      code: 'invalid_input',
      problems: [{ where: 'seed', message: 'must be an integer, got 1.5' }],
    });
    await expect(generateDemo({ seed: 1, sessions: 10, outDir: '' })).rejects.toBeInstanceOf(ApiError);
    expect(existsSync(dir('bad'))).toBe(false);
  });
});

describe('cli-demo', () => {
  const run = promisify(execFile);
  const cli = join(import.meta.dirname, '../../../src-backend/data/demo/cli-demo.ts');

  it('writes a workspace and prints its summary', async () => {
    const out = dir('cli');
    const { stdout } = await run(process.execPath, [cli, '--seed', '3', '--sessions', String(SESSIONS), '--out', out]);
    expect(JSON.parse(stdout)).toMatchObject({
      sessions: SESSIONS,
      turns: summary.turns,
      resultRows: summary.resultRows,
    });
    expect(readFileSync(join(out, 'qrels.txt')).equals(readFileSync(join(dir('a'), 'qrels.txt')))).toBe(true);
  });

  it('explains a bad argument and exits 2', async () => {
    const err = await run(process.execPath, [
      cli,
      '--seed',
      'seven',
      '--sessions',
      '10',
      '--out',
      dir('cli-bad'),
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toMatch(/--seed must be an integer, got "seven"/);
  });
});

describe('shipped resources/demo', () => {
  const shipped = join(import.meta.dirname, '../../../resources/demo');

  it('is what the documented command generates (the test users of the training world), and small enough to ship', async () => {
    const out = dir('shipped');
    await generateDemo({ seed: 7, sessions: 12_000, outDir: out, gzip: true, onlySplit: 'test' });
    for (const f of ['sessions.jsonl.gz', 'qrels.txt', 'features.json', 'turns.tsv']) {
      expect(
        readFileSync(join(shipped, f)).equals(readFileSync(join(out, f))),
        `${f} is stale: regenerate resources/demo`,
      ).toBe(true);
    }
    expect(statSync(join(shipped, 'sessions.jsonl.gz')).size).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(readFileSync(join(shipped, 'README.md'), 'utf8')).toContain(
      'cli-demo.ts --seed 7 --sessions 12000 --only-split test --out resources/demo --gzip',
    );
    const lines = gunzipSync(readFileSync(join(shipped, 'sessions.jsonl.gz')))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1000);
    expect(lines.length).toBeLessThanOrEqual(1500);
  });
});
