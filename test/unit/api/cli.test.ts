// The CLI host end to end in a child process (Node 24), on a temp workspace: it goes through the
// typed ApiClient over inProcessTransport, so its output and errors are the API's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, inProcessTransport } from '../../../src-common/api/client.ts';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { ApiError } from '../../../src-common/errors.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURE = join(ROOT, 'test/fixtures/tiny-sessions.jsonl');
let dir: string;

function cli(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'src-backend/hosts/cli.ts'), ...args, '--workspace', join(dir, 'ws.db')],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI', () => {
  it('imports, reports stats and calls any method through the typed client', () => {
    const imported = cli('import', 'sessions', FIXTURE);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported sessions: 3 sessions/);
    const stats = JSON.parse(cli('stats', '--json').stdout) as { sessions: number; turns: number };
    expect(stats.sessions).toBe(3);
    const page = JSON.parse(cli('call', 'sessions.list', '{"userId":"U","q":"shoes"}').stdout) as {
      rows: { sessionId: string; match: unknown }[];
    };
    expect(page.rows.length).toBeGreaterThan(0);
    for (const r of page.rows) expect(r.match).not.toBeNull();
  });

  it('prints the API error in words, naming the field, and exits 1', () => {
    const bad = cli('call', 'sessions.list', '{"limit":5000}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('error (invalid_input): The limit is too large: at most 1000 (limit).');
    const unknown = cli('call', 'no.such', '{}');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown API method "no.such"');
    const split = cli('score', 'abcdef12', '--split', 'dev');
    expect(split.stderr).toContain('--split must be train, valid, test, got "dev"');
  });
});

describe('inProcessTransport', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = openBackend({ workspacePath: join(dir, 'inproc.db'), host: 'cli', pathRoots: null });
  });
  afterAll(() => backend.close());

  it('carries results, progress, ApiErrors and cancellation like the other transports', async () => {
    const client = new ApiClient(inProcessTransport(backend.dispatcher));
    const phases: string[] = [];
    const report = await client.call('import.sessions', { path: FIXTURE }, { onProgress: (p) => phases.push(p.phase) });
    expect(report.sessions).toBe(3); // typed: ImportReport, no cast
    expect(phases).toContain('done');
    const err = await client.call('sessions.get', { sessionId: 'missing' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not_found');
    const abort = new AbortController();
    abort.abort();
    const cancelled = await client.call('workspace.stats', {}, { signal: abort.signal }).catch((e: unknown) => e);
    expect((cancelled as ApiError).code).toBe('cancelled');
  });

  it("evaluate prints trec_eval's format (-q per topic, -m measures, -l level) and touches no workspace", () => {
    writeFileSync(join(dir, 'q.txt'), 't1 0 d1 3\nt1 0 d2 0\nt1 0 d3 1\nt1 0 d4 2\nt2 0 a 1\n');
    writeFileSync(join(dir, 'r.txt'), 't1 Q0 d2 1 0.9 sys\nt1 Q0 d1 2 0.8 sys\nt1 Q0 d3 3 0.5 sys\nt2 Q0 a 1 1 sys\n');
    const ws = join(dir, 'untouched.db');
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'src-backend/hosts/cli.ts'),
        'evaluate',
        join(dir, 'r.txt'),
        join(dir, 'q.txt'),
        '-q',
        '-m',
        'map',
        '-m',
        'P.5',
        '--workspace',
        ws,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'map                   \tt1\t0.3889', // (1/2 + 2/3) / 3 relevant
      'P_5                   \tt1\t0.4000',
      'map                   \tt2\t1.0000',
      'P_5                   \tt2\t0.2000',
      'runid                 \tall\tsys',
      'num_q                 \tall\t2',
      'map                   \tall\t0.6944',
      'P_5                   \tall\t0.3000',
    ]);
    expect(existsSync(ws)).toBe(false);
    const strict = spawnSync(
      process.execPath,
      [
        join(ROOT, 'src-backend/hosts/cli.ts'),
        'evaluate',
        join(dir, 'r.txt'),
        join(dir, 'q.txt'),
        '-m',
        'map',
        '-l',
        '2',
      ],
      { encoding: 'utf8' },
    );
    expect(strict.stdout).toMatch(/^map\s+\tall\t0\.1250$/m); // t1: d1 at rank 2 of 2 relevant (d1, d4) → 0.25; t2: none relevant → 0
  });

  it('exports training data and Parquet from the command line', () => {
    writeFileSync(join(dir, 'g.qrels'), 't-001#1 0 i-3 2\nt-001#2 0 i-9 3\n');
    expect(cli('import', 'qrels', join(dir, 'g.qrels'), '--set', 'g').status).toBe(0);
    const out = join(dir, 'out');
    const t = cli('export', 'training', out, '--source', 'g', '--name', 'tr');
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/wrote 2 examples \(2 labelled of 3 candidates\)/);
    expect(existsSync(join(out, 'tr', 'manifest.json'))).toBe(true);
    const p = cli('export', 'parquet', out);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/wrote turns 5, results 8, labels 2, scores 0 rows/);
    const again = cli('export', 'training', out, '--source', 'g', '--name', 'tr');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists; choose another name or overwrite it/);
  });

  it('regressions ranks by the measure asked for, and refuses one it does not know', () => {
    const tiny = join(ROOT, 'test/unit/inference/fixtures');
    const add = (f: string) => {
      const r = cli('models', 'add', join(tiny, f), '--json');
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { sha256: string }).sha256.slice(0, 12);
    };
    const [a, b] = [add('tiny-flat.onnx'), add('tiny-linear.onnx')];
    for (const m of [a, b]) expect(cli('score', m).status).toBe(0);
    const rr = cli('regressions', a, b, '--set', 'g', '--measure', 'recip_rank');
    expect(rr.status, rr.stderr).toBe(0);
    expect(rr.stdout).toMatch(/grades: g, recip_rank; Δ = B − A in recip_rank/);
    const p5 = cli('regressions', a, b, '--set', 'g', '--measure', 'P', '--k', '5');
    expect(p5.stdout).toMatch(/P@5; Δ = B − A in P@5/);
    const bad = cli('regressions', a, b, '--measure', 'ndcg10');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--measure must be ndcg_cut, P, map, recip_rank, err, judged, Rprec, got "ndcg10"');
  });
});
