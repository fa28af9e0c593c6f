// A real kill -9 during a batch-scoring job: the database must stay sound and hold whole commits
// only — every scored turn with all of its candidates' scores, no score without its turn — and a
// re-run must complete the job without scoring anything twice.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { BatchScoreReport, ModelAddResult } from '../../../src-common/api/contract.ts';
import type { Progress } from '../../../src-common/api/types.ts';
import { backendIn, demoSessions, importLog, tempDir, TINY_LINEAR, writeLog } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./kill9-score-child.ts', import.meta.url));
const SESSIONS = 2000;
const TURNS = 4; // 8,000 turns: the job commits every few hundred

function scoreAndKill(dbPath: string, model: string): Promise<Progress | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dbPath, model], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killedAt: Progress | null = null;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (l) => {
      const p = JSON.parse(l) as Progress;
      if (!killedAt && p.phase === 'score' && p.total && p.done > 0.3 * p.total) {
        killedAt = p;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(killedAt);
      else reject(new Error(`child was not killed mid-job (exit ${code}): ${stderr.slice(-2000)}`));
    });
  });
}

describe('kill -9 during a batch-scoring job', () => {
  it('leaves whole commits only, and a re-run scores exactly the rest', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'ws.db');
    const b = backendIn(dir);
    await importLog(b, writeLog(dir, demoSessions(SESSIONS, TURNS)));
    const lin = (await b.dispatcher.call('models.add', { path: TINY_LINEAR })) as ModelAddResult;

    const killedAt = await scoreAndKill(dbPath, lin.sha256);
    expect(killedAt, 'the child was killed while scoring').not.toBeNull();

    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      const scored = (db.prepare('SELECT count(*) AS n FROM scored_turns').get() as { n: number }).n;
      expect(scored).toBeGreaterThan(0);
      expect(scored).toBeLessThan(SESSIONS * TURNS);
      // whole turns only: each scored turn has one score per candidate, and no score lacks its turn
      const partial = db
        .prepare(
          `SELECT count(*) AS n FROM scored_turns st
             WHERE st.candidates != (SELECT count(*) FROM scores s WHERE s.model_sha256 = st.model_sha256 AND s.turn_pk = st.turn_pk)`,
        )
        .get() as { n: number };
      expect(partial.n).toBe(0);
      const orphans = db
        .prepare(
          `SELECT count(*) AS n FROM scores s
             WHERE NOT EXISTS (SELECT 1 FROM scored_turns st WHERE st.model_sha256 = s.model_sha256 AND st.turn_pk = s.turn_pk)`,
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }

    const rest = (await b.dispatcher.call('score.batch', { model: lin.sha256 })) as BatchScoreReport;
    expect(rest.alreadyScored).toBeGreaterThan(0);
    expect(rest.scored + rest.alreadyScored).toBe(SESSIONS * TURNS);
    const total = (b.store.db.prepare('SELECT count(*) AS n FROM scores').get() as { n: number }).n;
    expect(total).toBe(SESSIONS * TURNS * 5);
  });
});
