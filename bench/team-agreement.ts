// Agreement figures of bench group `team` (issue 10, "agreement over 100,000 labels ≤ 1 s"; run by
// bench/groups/team.ts): `agreement.task` through the real dispatcher (input validation included) for
// one task holding 100,000 current labels from six annotators with missing labels, on the bundled
// demo workspace. Reference in the same run: a naive implementation over the same rows (per pair, a
// Map join of the two annotators' labels and κ from the paired lists; α from every value pair of
// every unit spelled out), so the ratio says what the single pass over units buys.
// Also `disagreements_100k_s`: `disagreements.list` (first page, sorted by range) on the same task.
//   QGS_BENCH_AGREEMENT_LABELS=N   labels in the task (default 100,000)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BenchContext, Figure } from './types.ts';
import { REPO_ROOT } from '../test/e2e/build-renderer.ts';
import { openBackend } from '../src-backend/backend.ts';
import { cohenKappa, krippendorffAlpha } from '../src-backend/ranking/agreement.ts';
import { taskLabelValues } from '../src-backend/store/labels/labels.ts';
import { Rng } from '../src-common/prng.ts';

const CLI = join(REPO_ROOT, 'src-backend', 'hosts', 'cli.ts');
const LABELS = Number(process.env.QGS_BENCH_AGREEMENT_LABELS ?? 100_000);
const ANNOTATORS = 6;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export default async function teamAgreement({ log }: BenchContext): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'qgs-bench-agree-'));
  try {
    const db = join(dir, 'bench.db');
    const r = spawnSync(process.execPath, [CLI, 'demo', '--workspace', db], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`demo workspace: ${r.stderr}`);
    const b = openBackend({ workspacePath: db, host: 'cli', pathRoots: null });
    try {
      // Enough candidates that six annotators labelling ~85% of them give LABELS labels.
      const task = await b.labeling.tasksCreate({
        name: 'bench agreement',
        scale: 'graded-0-3',
        from: { kind: 'sessions', maxTurns: Math.ceil(LABELS / (ANNOTATORS * 0.85 * 8)) },
        pool: { source: 'logged', k: 10 },
        order: 'logged',
        seed: 1,
        instructions: '',
        hideScores: true,
        showLogged: false,
      });
      // Setup only: synchronous off for speed (the measured calls only read).
      b.labeling.labels.db.exec('PRAGMA synchronous = OFF');
      const ids = Array.from({ length: ANNOTATORS }, (_, i) => `bench-ann-${i}`);
      for (const [i, id] of ids.entries())
        b.labeling.annotatorSet({ annotatorId: id, displayName: `Annotator ${i + 1}` });
      const rng = new Rng(42);
      let written = 0;
      const t0 = performance.now();
      outer: for (let o = 0; o < task.turns; o++) {
        const turn = b.labeling.tasksTurn({ taskId: task.taskId, ordinal: o, annotatorId: ids[0]! });
        for (const c of turn.candidates) {
          const truth = Math.floor(rng.next() * 4);
          for (const id of ids) {
            if (rng.next() > 0.85) continue; // a missing label
            const noise = rng.next() < 0.25 ? (rng.next() < 0.5 ? -1 : 1) : 0;
            b.labeling.labelsRecord({
              eventId: randomUUID(),
              taskId: task.taskId,
              turnId: turn.turnId,
              kind: 'grade',
              itemId: c.itemId,
              value: Math.max(0, Math.min(3, truth + noise)),
              annotatorId: id,
            });
            if (++written >= LABELS) break outer;
          }
        }
      }
      log(
        `task: ${task.turns} turns, ${task.candidates} candidates, ${written} labels from ${ANNOTATORS} annotators (setup ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
      if (written < LABELS) throw new Error(`only ${written} labels: the demo has too few candidates`);

      const times: number[] = [];
      let res: Awaited<ReturnType<typeof b.labeling.agreementTask>> | null = null;
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        res = (await b.dispatcher.call('agreement.task', { taskId: task.taskId })) as typeof res;
        times.push((performance.now() - s) / 1000);
      }
      log(
        `agreement.task: ${res!.units} units, ${res!.pairs.length} pairs, α ordinal ${res!.overall.alphaOrdinal.value?.toFixed(3)}; runs ${times.map((t) => t.toFixed(3)).join(', ')} s`,
      );

      // The naive reference over the same rows.
      const naive: number[] = [];
      for (let i = 0; i < 3; i++) {
        const s = performance.now();
        const rows = taskLabelValues(b.labeling.labels, task.taskId);
        const byAnn = new Map<string, Map<string, number>>();
        const byUnit = new Map<string, number[]>();
        for (const x of rows) {
          const k = `${x.turnId}\u0000${x.itemId}`;
          (byAnn.get(x.annotatorId) ?? byAnn.set(x.annotatorId, new Map()).get(x.annotatorId)!).set(k, x.value);
          (byUnit.get(k) ?? byUnit.set(k, []).get(k)!).push(x.value);
        }
        const anns = [...byAnn.keys()];
        for (let p = 0; p < anns.length; p++)
          for (let q = p + 1; q < anns.length; q++) {
            const a: number[] = [];
            const c: number[] = [];
            for (const [k, v] of byAnn.get(anns[p]!)!) {
              const w = byAnn.get(anns[q]!)!.get(k);
              if (w !== undefined) (a.push(v), c.push(w));
            }
            cohenKappa(a, c, [0, 1, 2, 3]);
          }
        // α with every ordered value pair of every unit spelled out (Krippendorff's coincidences by enumeration).
        const pairs: number[][] = [];
        for (const vals of byUnit.values()) {
          if (vals.length < 2) continue;
          for (let x = 0; x < vals.length; x++)
            for (let y = 0; y < vals.length; y++) if (x !== y) pairs.push([vals[x]!, vals[y]!, vals.length - 1]);
        }
        const o = new Map<string, number>();
        for (const [x, y, m] of pairs) o.set(`${x},${y}`, (o.get(`${x},${y}`) ?? 0) + 1 / m!);
        krippendorffAlpha([...byUnit.values()], [0, 1, 2, 3]);
        naive.push((performance.now() - s) / 1000);
      }
      const ref = median(naive);
      const value = median(times);
      log(`naive reference: ${naive.map((t) => t.toFixed(3)).join(', ')} s`);

      const dtimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await b.dispatcher.call('disagreements.list', { taskId: task.taskId, sort: 'range', limit: 50 });
        dtimes.push((performance.now() - s) / 1000);
      }
      return {
        agreement_100k_s: {
          value,
          unit: 's',
          target: '≤ 1 s',
          reference: `naive per-pair join + spelled-out pairs: ${ref.toFixed(3)} s (${(ref / value).toFixed(1)}× slower)`,
        },
        disagreements_100k_s: {
          value: median(dtimes),
          unit: 's',
          target: '≤ 1 s',
          reference: null,
        },
      };
    } finally {
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
