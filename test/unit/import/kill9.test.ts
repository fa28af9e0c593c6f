// A real kill -9: a child Node process imports a large log and is SIGKILLed mid-import. The
// database must pass integrity_check, hold exactly what it held before, and accept the import again.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, workspaceStats } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import { snapshot, tempDir } from './helpers.ts';
import { writeSynthLog } from './synth.ts';

const CHILD = fileURLToPath(new URL('./kill9-child.ts', import.meta.url));
const BIG_SESSIONS = 6000; // 300k result rows: a few seconds of importing

/** Runs the child and SIGKILLs it at the first progress event `when` accepts. */
function importAndKill(
  dbPath: string,
  file: string,
  when: (p: Progress) => boolean,
): Promise<{ killedAt: Progress | null; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dbPath, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killedAt: Progress | null = null;
    let finished = false;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (l) => {
      const p = JSON.parse(l) as Progress;
      if (p.phase === 'report') finished = true;
      if (!killedAt && !finished && when(p)) {
        killedAt = p;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killedAt, finished });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

function integrity(dbPath: string): string {
  const db = new DatabaseSync(dbPath);
  try {
    return (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
  } finally {
    db.close();
  }
}

describe('kill -9 during an import', () => {
  it('mid-import: integrity ok, none of the import present, re-import succeeds', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'w.db');
    const seed = join(dir, 'seed.jsonl');
    const big = join(dir, 'big.jsonl');
    await writeSynthLog(seed, { sessions: 5, prefix: 'seed' });
    await writeSynthLog(big, { sessions: BIG_SESSIONS, turns: 5, results: 10 });
    const store = openStore(dbPath);
    await importSessionLog(store, seed);
    store.close();
    const before = snapshot(dbPath);

    const { killedAt } = await importAndKill(
      dbPath,
      big,
      (p) => p.phase === 'importing' && p.total !== null && p.done > 0.3 * p.total,
    );
    expect(killedAt).not.toBeNull();
    expect(killedAt!.done).toBeLessThan(killedAt!.total!); // really mid-import

    expect(integrity(dbPath)).toBe('ok');
    expect(snapshot(dbPath)).toEqual(before); // the seed is intact, nothing of big.jsonl

    const again = openStore(dbPath);
    const report = await importSessionLog(again, big);
    expect(report).toMatchObject({ sessions: BIG_SESSIONS, resultRows: BIG_SESSIONS * 50 });
    expect(workspaceStats(again).sessions).toBe(BIG_SESSIONS + 5);
    again.close();
    expect(integrity(dbPath)).toBe('ok');
  });

  it('while committing: the import is wholly present or wholly absent', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'w.db');
    const big = join(dir, 'big.jsonl');
    await writeSynthLog(big, { sessions: 2000, turns: 5, results: 10 });
    openStore(dbPath).close();
    const before = snapshot(dbPath);
    await importAndKill(dbPath, big, (p) => p.phase === 'committing');
    expect(integrity(dbPath)).toBe('ok');
    const after = snapshot(dbPath);
    if (after.hash !== before.hash) {
      // The commit won the race with the signal: then all of it is there.
      expect(after.counts).toMatchObject({ sessions: 2000, turns: 10_000, results: 100_000, imports: 1 });
    }
    const store = openStore(dbPath);
    const report = await importSessionLog(store, big);
    expect(report.alreadyImported || report.sessions === 2000).toBe(true);
    expect(workspaceStats(store).resultRows).toBe(100_000);
    store.close();
  });
});
