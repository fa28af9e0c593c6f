// Bench group `team` (issue 10): team sync against the local PostgreSQL at 127.0.0.1:5432
// (docs/team.md), on copies of the bundled demo workspace, every backend in this process.
//   push_events_per_s  N label events (default 20,000; 20 annotators over a 2,000-turn task) pushed by
//                      team.syncNow: batches of 500, one server transaction each, watermark after each.
//                      Reference: the same rows in one plain INSERT … SELECT on the same connection.
//   pull_events_per_s  the same events pulled by a second workspace and applied through the path every
//                      label takes (current labels and turn status derived). Reference: importing the
//                      same events from an exchange file (same apply path, no network).
//   converge_10k_s     two workspaces with the background loop at its default interval (2 s) record
//                      10,000 labels concurrently (5,000 each, through labels.record: fsync'd commits);
//                      seconds from the last acknowledgement until both hold the same event set.
//   agreement_100k_s   agreement.task over 100,000 labels of six annotators (bench/team-agreement.ts),
//                      target ≤ 1 s; also disagreements_100k_s.
// More figures append to MEASURES below.
//   QGS_BENCH_TEAM_EVENTS=N   events for the throughput figures (default 20,000)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BenchContext, Figure } from '../types.ts';
import { openBackend, REPO_ROOT, type Backend } from '../../src-backend/backend.ts';
import type { TeamSyncOptions } from '../../src-backend/team/sync.ts';
import * as T from '../../src-backend/store/labels/team.ts';
import { wireTaskOf } from '../../src-backend/team/exchange.ts';
import { scratchDb } from '../../test/unit/team/pg.ts';
import teamAgreement from '../team-agreement.ts';

const CLI = join(REPO_ROOT, 'src-backend', 'hosts', 'cli.ts');
const EVENTS = Number(process.env.QGS_BENCH_TEAM_EVENTS ?? 20_000);
const CONVERGE_LABELS = 10_000;

const fig = (value: number, unit: string, target: string | null = null, reference: string | null = null): Figure => ({
  value,
  unit,
  target,
  reference,
});

export interface TeamBenchEnv {
  log(message: string): void;
  /** A fresh copy of the demo workspace (sessions, models) in its own folder, opened. */
  workspace(teamSync?: Partial<TeamSyncOptions>): Backend;
}

type Measure = (env: TeamBenchEnv) => Promise<Record<string, Figure>>;

/** Inline task grades spread like real labeling: many annotators, many turns, few events per key. */
function labelFile(b: Backend, path: string, n: number): { taskId: number } {
  const l = b.labeling.labels;
  const task = T.taskDefinitions(l, 'all')[0]!;
  const annotators = Array.from({ length: 20 }, (_, i) => ({
    annotatorId: `bench-${i}-${randomUUID().slice(0, 8)}`,
    displayName: `Bench ${i}`,
  }));
  const lines = [
    JSON.stringify({
      format: 'qgs-label-events',
      version: 1,
      exportedAt: new Date().toISOString(),
      annotators,
      scales: [],
      tasks: [wireTaskOf(task)],
    }),
  ];
  for (let i = 0; i < n; i++) {
    const turn = task.turns[i % task.turns.length]!;
    const v = (i * 7) % 4;
    lines.push(
      JSON.stringify({
        eventId: randomUUID(),
        annotatorId: annotators[Math.floor(i / task.turns.length) % annotators.length]!.annotatorId,
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        taskUid: task.taskUid,
        turnId: turn.turnId,
        itemId: turn.pool[i % turn.pool.length]!,
        kind: 'grade',
        scale: 'graded-0-3',
        value: v,
        gain: v,
        outcome: null,
        modelA: null,
        modelB: null,
        tags: null,
        note: null,
        undoes: null,
      }),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return { taskId: task.taskId };
}

async function makeTask(b: Backend, turns: number): Promise<number> {
  const t = await b.labeling.tasksCreate({
    name: `bench ${randomUUID().slice(0, 6)}`,
    scale: 'graded-0-3',
    from: { kind: 'sessions', maxTurns: turns },
    pool: { source: 'logged', k: 10 },
    order: 'logged',
    seed: 1,
    instructions: '',
    hideScores: true,
    showLogged: false,
  });
  return t.taskId;
}

const syncThroughput: Measure = async (env) => {
  const db = await scratchDb('bench');
  try {
    const a = env.workspace();
    await makeTask(a, 2000);
    const file = join(tmpdir(), `qgs-bench-team-${randomUUID()}.jsonl`);
    labelFile(a, file, EVENTS);
    await a.dispatcher.call('labels.importEvents', { path: file });
    await a.dispatcher.call('team.connect', { url: db.url });
    let t0 = performance.now();
    const pushed = (await a.dispatcher.call('team.syncNow', {})) as { round: { pushedEvents: number } };
    const pushS = (performance.now() - t0) / 1000;
    if (pushed.round.pushedEvents !== EVENTS) throw new Error(`pushed ${pushed.round.pushedEvents} of ${EVENTS}`);
    env.log(`push: ${EVENTS} events in ${pushS.toFixed(2)} s`);

    // Reference: the same rows, one plain INSERT … SELECT from JSON in one transaction.
    const rows = JSON.stringify(T.eventsPage(a.labeling.labels, 0, EVENTS + 10).map((e) => ({ ...e, tags: null })));
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('CREATE TABLE ref_events (LIKE qgs_label_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)');
    t0 = performance.now();
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO ref_events (id, event_id, annotator_id, created_at, task_uid, turn_id, item_id, kind, scale, value, gain)
       SELECT ord, e->>'eventId', e->>'annotatorId', e->>'createdAt', NULL, e->>'turnId', e->>'itemId', e->>'kind', e->>'scale', (e->>'value')::int, (e->>'gain')::float8
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord)`,
      [rows],
    );
    await c.query('COMMIT');
    const refPushS = (performance.now() - t0) / 1000;
    await c.end();

    const b = env.workspace();
    await b.dispatcher.call('team.connect', { url: db.url });
    t0 = performance.now();
    const pulled = (await b.dispatcher.call('team.syncNow', {})) as { round: { pulledEvents: number } };
    const pullS = (performance.now() - t0) / 1000;
    if (pulled.round.pulledEvents !== EVENTS) throw new Error(`pulled ${pulled.round.pulledEvents} of ${EVENTS}`);
    env.log(`pull: ${EVENTS} events in ${pullS.toFixed(2)} s`);

    // Reference: the same events from a file into a third workspace (same apply path, no network).
    const r = env.workspace();
    t0 = performance.now();
    await r.dispatcher.call('labels.importEvents', { path: file });
    const importS = (performance.now() - t0) / 1000;
    rmSync(file, { force: true });
    return {
      push_events_per_s: fig(
        EVENTS / pushS,
        'events/s',
        null,
        `one plain INSERT of the same rows: ${Math.round(EVENTS / refPushS)} events/s (push = ${(refPushS / pushS).toFixed(2)}× of it)`,
      ),
      pull_events_per_s: fig(
        EVENTS / pullS,
        'events/s',
        null,
        `the same events imported from a file: ${Math.round(EVENTS / importS)} events/s (pull = ${(importS / pullS).toFixed(2)}× of it)`,
      ),
    };
  } finally {
    await db.drop();
  }
};

const converge10k: Measure = async (env) => {
  const db = await scratchDb('bench_conv');
  try {
    const a = env.workspace({ background: true });
    const b = env.workspace({ background: true });
    const taskA = await makeTask(a, 1000);
    await a.dispatcher.call('annotator.set', { displayName: 'A' });
    await b.dispatcher.call('annotator.set', { displayName: 'B' });
    await a.dispatcher.call('team.connect', { url: db.url });
    await b.dispatcher.call('team.connect', { url: db.url });
    const uid = T.taskUidMap(a.labeling.labels).get(taskA)!;
    const deadline = Date.now() + 60_000;
    let taskB: number | null = null;
    while ((taskB = T.taskIdByUid(b.labeling.labels, uid)) === null) {
      if (Date.now() > deadline) throw new Error('B never received the task');
      await new Promise((r) => setTimeout(r, 50));
    }
    const turns = T.taskDefinitions(a.labeling.labels, { taskIds: [taskA] })[0]!.turns;
    const label = async (w: Backend, taskId: number, offset: number) => {
      for (let i = 0; i < CONVERGE_LABELS / 2; i++) {
        const turn = turns[(i + offset) % turns.length]!;
        await w.dispatcher.call('labels.record', {
          eventId: randomUUID(),
          taskId,
          turnId: turn.turnId,
          kind: 'grade',
          itemId: turn.pool[i % turn.pool.length]!,
          value: i % 4,
        });
        // Let the sync loops' timers run between labels, as between keystrokes.
        if (i % 5 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    const t0 = performance.now();
    await Promise.all([label(a, taskA, 0), label(b, taskB, 500)]);
    const labeled = performance.now();
    const count = (w: Backend) =>
      (w.labeling.labels.db.prepare('SELECT count(*) AS n FROM label_events').get() as { n: number }).n;
    while (count(a) < CONVERGE_LABELS || count(b) < CONVERGE_LABELS) {
      if (performance.now() - labeled > 300_000) throw new Error('no convergence within 5 minutes');
      await new Promise((r) => setTimeout(r, 20));
    }
    const converged = performance.now();
    if (T.eventSet(a.labeling.labels).join() !== T.eventSet(b.labeling.labels).join())
      throw new Error('event sets differ');
    env.log(
      `10,000 labels recorded in ${((labeled - t0) / 1000).toFixed(1)} s; both hold all 10,000 ${((converged - labeled) / 1000).toFixed(2)} s later`,
    );
    return {
      converge_10k_s: fig(
        (converged - labeled) / 1000,
        's',
        null,
        `labeling took ${((labeled - t0) / 1000).toFixed(1)} s; sync interval 2 s`,
      ),
    };
  } finally {
    await db.drop();
  }
};

/** Figures of this group, in order. Append more here (they share the demo workspace). */
/** agreement_100k_s and disagreements_100k_s (bench/team-agreement.ts: its own demo workspace, no PostgreSQL). */
const agreement: Measure = (env) => teamAgreement({ log: env.log });

const MEASURES: Measure[] = [syncThroughput, converge10k, agreement];

export default async function team({ log }: BenchContext): Promise<Record<string, Figure>> {
  const dir = mkdtempSync(join(tmpdir(), 'qgs-bench-team-'));
  const opened: Backend[] = [];
  try {
    const demo = join(dir, 'demo', 'ws.db');
    mkdirSync(join(dir, 'demo'));
    const r = spawnSync(process.execPath, [CLI, 'demo', '--workspace', demo], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`demo workspace: ${r.stderr}`);
    let n = 0;
    const env: TeamBenchEnv = {
      log,
      workspace(teamSync = { background: false }) {
        const sub = join(dir, `ws${++n}`);
        mkdirSync(sub);
        for (const suffix of ['', '-wal'])
          if (existsSync(demo + suffix)) copyFileSync(demo + suffix, join(sub, 'ws.db' + suffix));
        const b = openBackend({ workspacePath: join(sub, 'ws.db'), host: 'cli', pathRoots: null, teamSync });
        opened.push(b);
        return b;
      },
    };
    const out: Record<string, Figure> = {};
    for (const m of MEASURES) Object.assign(out, await m(env));
    return out;
  } finally {
    for (const b of opened) await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
