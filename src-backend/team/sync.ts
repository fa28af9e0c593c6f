// Team sync on PostgreSQL (docs/team.md). One connection per labels file; a background loop (timers
// in the backend, never inside a request) pushes label events made or imported here and pulls
// everyone else's. Labeling never waits on it: a label commits to SQLite and is acknowledged; the
// loop ships it later.
//  - push: local events with seq > pushed watermark (not pulled ones), INSERT … ON CONFLICT
//    (event_id) DO NOTHING under an advisory lock; the watermark moves only after the server commit,
//    so a sync killed mid-push re-sends at most one batch, which the server ignores.
//  - pull: server events with id > pulled watermark, applied through the path every label takes
//    (appendEventInTx) in one SQLite transaction together with the new watermark.
//  - errors: network-type failures retry with backoff (1 s doubling to 60 s); refused credentials,
//    a missing database or a newer server schema pause sync with the reason until someone acts.
// The password is never written anywhere: the stored URL has it removed; it stays in this object's
// memory, or pg reads PGPASSWORD / ~/.pgpass. Desktop app, later: Electron's safeStorage in src-main
// would keep it encrypted in the user-data folder and call team.connect with it at start; nothing
// here changes (docs/team.md "Secrets").
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ApiError } from '../../src-common/errors.ts';
import type { TeamStatus, TeamSyncReport, TeamSyncState } from '../../src-common/api/labeling-types.ts';
import type { LabelsDb } from '../store/labels/db.ts';
import * as L from '../store/labels/labels.ts';
import * as T from '../store/labels/team.ts';
import { wireAnnotator, wireEvent, wireScale, wireTask, type WireEvent, type WireTask } from './format.ts';
import { inTransactionForgetting, Merger, toWire } from './merge.ts';
import { LOCK_WRITE, migratePg, NewerSchemaError, PG_SCHEMA_VERSION } from './pg-schema.ts';

export interface TeamUrl {
  /** The URL with the password removed: what is stored and shown. */
  stripped: string;
  password: string | null;
  user: string;
  host: string;
  port: number;
  database: string;
}

const badUrl = (message: string) =>
  new ApiError('invalid_input', `team database URL: ${message}`, [{ where: 'url', message }]);

/** Parses postgres://user[:password]@host[:port]/database[?options]; never echoes the password. */
export function parseTeamUrl(url: string): TeamUrl {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw badUrl('not a URL; expected postgres://user@host:5432/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw badUrl(`expected a postgres:// or postgresql:// URL, got "${u.protocol}//…"`);
  if (!u.hostname) throw badUrl('no host; expected postgres://user@host:5432/database');
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw badUrl('no database name; expected postgres://user@host:5432/database');
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.password = '';
  const user = decodeURIComponent(u.username) || process.env.PGUSER || process.env.USER || 'postgres';
  return {
    stripped: u.toString(),
    password,
    user,
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database,
  };
}

export interface TeamSyncOptions {
  /** Run the loop on timers (desktop app, serve); false: only `syncNow` (the CLI). */
  background: boolean;
  /** Pause between rounds when all is well. */
  intervalMs?: number;
  /** Events per push or pull transaction. */
  batchSize?: number;
}

const MAX_BACKOFF_MS = 60_000;

interface Failure {
  message: string;
  pause: boolean;
  error: ApiError;
}

/** A pg / network error in words that say what to do; whether retrying can help. */
export function describeFailure(err: unknown, u: TeamUrl, password: string | null): Failure {
  const scrub = (s: string) => (password ? s.split(password).join('***') : s);
  if (err instanceof ApiError) {
    const pause = err.code === 'unsupported' || err.code === 'unauthorized';
    return { message: scrub(err.message), pause, error: err };
  }
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const raw = scrub(e.message ?? String(err));
  const at = `${u.host}:${u.port}`;
  const mk = (c: ApiError['code'], message: string, pause: boolean): Failure => ({
    message,
    pause,
    error: new ApiError(c, message, [{ where: 'url', message }]),
  });
  if (code === 'ECONNREFUSED')
    return mk(
      'invalid_input',
      `cannot reach PostgreSQL at ${at}: connection refused (is the server running, is the port right?)`,
      false,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return mk('invalid_input', `cannot find the host "${u.host}" (check the URL or the network)`, false);
  if (code === '28P01' || code === '28000')
    return mk(
      'unauthorized',
      `PostgreSQL at ${at} refused the credentials of user "${u.user}" for database "${u.database}" (${raw}); connect again with the right password`,
      true,
    );
  if (/password must be a string|SASL: .*password|no password/i.test(raw))
    return mk(
      'unauthorized',
      `PostgreSQL at ${at} asks for a password for user "${u.user}" and none is known: connect again with the password in the URL, or set PGPASSWORD or ~/.pgpass`,
      true,
    );
  if (code === '3D000')
    return mk(
      'invalid_input',
      `the database "${u.database}" does not exist on ${at} (create it, or fix the URL)`,
      true,
    );
  if (code === '42501')
    return mk('unauthorized', `user "${u.user}" may not use the team tables in "${u.database}": ${raw}`, true);
  if (isConnectionLoss(err))
    return mk('invalid_input', `lost the connection to PostgreSQL at ${at} (${raw}); retrying`, false);
  return mk('internal', `team sync with ${at} failed: ${raw}`, false);
}

/** The connection went away (server restart, network cut, admin termination): a new one may work. */
function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return /timeout|ETIMEDOUT|ECONNRESET|EPIPE|terminat|not queryable|57P0[123]/i.test(
    `${e.code ?? ''} ${e.message ?? ''}`,
  );
}

type Round = TeamSyncReport['round'];

export class TeamSync {
  private readonly l: LabelsDb;
  private readonly opts: Required<TeamSyncOptions>;
  private password: string | null = null;
  private client: pg.Client | null = null;
  private inflight: Promise<Round> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private backoffMs = 0;
  private retryAt: number | null = null;
  private running = false;
  private closed = false;
  private serverSchemaVersion: number | null = null;
  private totals = { pushed: 0, pulled: 0 };
  /** Definitions last pushed on this connection (JSON), so an unchanged list is not re-sent each round. */
  private sentAnnotators = '';
  private sentScales = '';
  /** Why the last connect failed while not connected (shown by status; not stored). */
  private connectError: string | null = null;

  constructor(l: LabelsDb, opts: TeamSyncOptions) {
    this.l = l;
    this.opts = { intervalMs: 2000, batchSize: 500, ...opts };
  }

  /** Starts the background loop if this labels file is connected and not paused. */
  start(): void {
    const st = T.syncState(this.l);
    if (st && !st.pausedReason) this.schedule(0);
  }

  status(): TeamStatus {
    const st = T.syncState(this.l);
    let state: TeamSyncState = 'off';
    if (st) {
      if (st.pausedReason) state = 'paused';
      else if (this.running) state = 'syncing';
      else if (st.lastError) state = 'retrying';
      else state = 'idle';
    }
    return {
      connected: st !== null,
      url: st?.url ?? null,
      state,
      passwordSource: this.password !== null ? 'memory' : envPassword() ? 'environment' : 'none',
      pending: st ? T.pendingCount(this.l, st.pushedSeq) : T.pendingCount(this.l, 0),
      lastSyncedAt: st?.lastSyncedAt ?? null,
      lastError: st ? st.lastError : this.connectError,
      pausedReason: st?.pausedReason ?? null,
      retryAt: st && !st.pausedReason && this.retryAt !== null ? new Date(this.retryAt).toISOString() : null,
      serverSchemaVersion: this.serverSchemaVersion,
      appSchemaVersion: PG_SCHEMA_VERSION,
      pushed: this.totals.pushed,
      pulled: this.totals.pulled,
    };
  }

  /** Checks the URL (reach, credentials, schema — migrating it), then stores it without the password. */
  async connect(url: string): Promise<TeamStatus> {
    const u = parseTeamUrl(url);
    await this.quiesce();
    const c: pg.Client = newClient(u, u.password, () => {
      if (this.client === c) this.client = null;
    });
    let server: { serverId: string; version: number };
    try {
      await c.connect();
      server = await migratePg(c);
    } catch (err) {
      await c.end().catch(() => {});
      const f = describeFailure(err, u, u.password);
      // Nothing local changes: a previous connection (if any) stays as it was.
      this.connectError = f.message;
      if (T.syncState(this.l)) this.start();
      throw f.error;
    }
    this.dropClient();
    this.client = c;
    this.password = u.password;
    this.serverSchemaVersion = server.version;
    this.connectError = null;
    this.sentAnnotators = this.sentScales = '';
    T.saveConnection(this.l, u.stripped, server.serverId);
    this.backoffMs = 0;
    this.retryAt = null;
    if (this.opts.background) this.schedule(0);
    return this.status();
  }

  async disconnect(): Promise<TeamStatus> {
    await this.quiesce();
    this.dropClient();
    this.password = null;
    this.serverSchemaVersion = null;
    this.connectError = null;
    T.clearConnection(this.l);
    return this.status();
  }

  /** One round now (waits for a running one first); a paused sync is retried (the user acted). */
  async syncNow(): Promise<TeamSyncReport> {
    const st = T.syncState(this.l);
    if (!st)
      throw new ApiError(
        'invalid_input',
        'this workspace is not connected to a team database: run team connect URL first',
        [{ where: 'url', message: 'not connected' }],
      );
    if (st.pausedReason) T.markSync(this.l, { pausedReason: null });
    if (this.inflight) await this.inflight.catch(() => {});
    try {
      const round = await this.runRound();
      this.backoffMs = 0;
      return { ...this.status(), round };
    } finally {
      // A sync that was paused (no timer) runs on its own again, unless this round paused it.
      if (!this.timer && !this.closed && !T.syncState(this.l)?.pausedReason)
        this.schedule(this.backoffMs || this.opts.intervalMs);
    }
  }

  /** Stops the loop and closes the connection (the backend is closing). */
  close(): Promise<void> {
    // Synchronous part first (the backend closes the labels file right after).
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const running = this.inflight;
    this.dropClient();
    return (running ?? Promise.resolve()).then(
      () => {},
      () => {},
    );
  }

  private async quiesce(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight.catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.closed || !this.opts.background) return;
    if (this.timer) clearTimeout(this.timer);
    this.retryAt = ms > 0 && this.backoffMs > 0 ? Date.now() + ms : null;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    // Never throws: a timer callback has no one to report to (status carries the error).
    try {
      if (this.closed) return;
      const st = T.syncState(this.l);
      if (!st || st.pausedReason) return;
      if (this.inflight) return this.schedule(this.opts.intervalMs);
      try {
        await this.runRound();
        this.backoffMs = 0;
        this.schedule(this.opts.intervalMs);
      } catch {
        if (this.closed) return;
        const now = T.syncState(this.l);
        if (!now || now.pausedReason) return;
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
        this.schedule(this.backoffMs);
      }
    } catch {
      // The labels file was closed under a round (the backend is shutting down).
    }
  }

  private runRound(): Promise<Round> {
    const p = (async () => {
      this.running = true;
      const st = T.syncState(this.l)!;
      const u = parseTeamUrl(st.url);
      try {
        let round: Round;
        const reused = this.client !== null;
        try {
          round = await this.round(u);
        } catch (err) {
          // A kept connection the server dropped since the last round: once more on a new one.
          if (!reused || !isConnectionLoss(err) || this.closed) throw err;
          this.dropClient();
          round = await this.round(u);
        }
        T.markSync(this.l, { lastSyncedAt: new Date().toISOString(), lastError: null, pausedReason: null });
        this.retryAt = null;
        return round;
      } catch (err) {
        this.dropClient();
        const f = describeFailure(err, u, this.password);
        try {
          if (!this.closed && T.syncState(this.l))
            T.markSync(this.l, { lastError: f.message, pausedReason: f.pause ? f.message : null });
        } catch {
          // closed underneath: nothing to record
        }
        throw f.error;
      } finally {
        this.running = false;
      }
    })();
    this.inflight = p;
    void p
      .finally(() => {
        if (this.inflight === p) this.inflight = null;
      })
      .catch(() => {});
    return p;
  }

  private async connection(u: TeamUrl): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = newClient(u, this.password, () => {
      if (this.client === c) this.client = null;
    });
    try {
      await c.connect();
      const server = await migratePg(c);
      this.serverSchemaVersion = server.version;
      const st = T.syncState(this.l)!;
      // Another database behind the same URL (recreated, restored): start the watermarks over.
      if (server.serverId !== st.serverId) T.saveConnection(this.l, st.url, server.serverId);
    } catch (err) {
      if (err instanceof NewerSchemaError) this.serverSchemaVersion = err.found;
      await c.end().catch(() => {});
      throw err;
    }
    this.sentAnnotators = this.sentScales = '';
    this.client = c;
    return c;
  }

  private dropClient(): void {
    const c = this.client;
    this.client = null;
    if (c) void c.end().catch(() => {});
  }

  private async round(u: TeamUrl): Promise<Round> {
    const c = await this.connection(u);
    const round: Round = { pushedEvents: 0, pulledEvents: 0, pushedTasks: 0, pulledTasks: 0 };
    // ---- push ----
    for (;;) {
      if (this.closed) return round;
      const st = T.syncState(this.l)!;
      const batch = T.eventsToPush(this.l, st.pushedSeq, this.opts.batchSize);
      // Definitions first: every task, annotator and scale these events name is on the server
      // before they are (the batch was read before this await, so nothing newer is needed).
      round.pushedTasks += await this.pushDefinitions(c);
      if (!batch.length) break;
      const uids = T.taskUidMap(this.l);
      const rows = batch.map((e) => toWire(e, (id) => uids.get(id)));
      await inPgTransaction(c, async () => {
        await c.query(INSERT_EVENTS, [JSON.stringify(rows), st.clientId]);
      });
      // Only now: a kill before this line re-sends the batch, which the server ignores.
      T.markSync(this.l, { pushedSeq: batch.at(-1)!.seq });
      round.pushedEvents += batch.length;
      this.totals.pushed += batch.length;
    }
    // ---- pull ----
    for (;;) {
      if (this.closed) return round;
      const st = T.syncState(this.l)!;
      // The next batch of server ids, then the events in it that another labels file pushed (ours
      // are here already); the watermark moves past the whole batch.
      const span = (
        await c.query<{ last: string | null; n: string }>(
          'SELECT max(id) AS last, count(*) AS n FROM (SELECT id FROM qgs_label_events WHERE id > $1 ORDER BY id LIMIT $2) b',
          [st.pulledEventId, this.opts.batchSize],
        )
      ).rows[0]!;
      const lastId = span.last === null ? null : Number(span.last);
      const ev =
        lastId === null
          ? { rows: [] as Record<string, unknown>[] }
          : await c.query<Record<string, unknown>>(
              'SELECT * FROM qgs_label_events WHERE id > $1 AND id <= $2 AND origin IS DISTINCT FROM $3 ORDER BY id',
              [st.pulledEventId, lastId, st.clientId],
            );
      // Read after the events: a task or annotator an event names was committed before it.
      const tasks = await pullTasks(c, st.pulledTaskId);
      const annotators = (
        await c.query<{ annotator_id: string; display_name: string }>(
          'SELECT annotator_id, display_name FROM qgs_annotators',
        )
      ).rows.map((r) => wireAnnotator.parse({ annotatorId: r.annotator_id, displayName: r.display_name }));
      const scales = (
        await c.query<{ name: string; description: string; levels: unknown }>('SELECT * FROM qgs_scales')
      ).rows.map((r) => wireScale.parse(r));
      const known = new Map(L.listAnnotators(this.l).map((a) => [a.annotatorId, a.displayName]));
      const me = T.localAnnotatorId(this.l);
      const annotatorNews = annotators.filter(
        (a) => !known.has(a.annotatorId) || (a.annotatorId !== me && known.get(a.annotatorId) !== a.displayName),
      );
      const scaleNews = scales.filter((s) => !L.findScale(this.l, s.name));
      if (lastId === null && !tasks.length && !annotatorNews.length && !scaleNews.length) break;
      const events = ev.rows.map(fromPgEvent);
      const applied = inTransactionForgetting(this.l, () => {
        const m = new Merger(this.l, null);
        for (const a of annotatorNews) m.annotator(a, true);
        for (const s of scaleNews) {
          const p = m.scale(s);
          if (p) throw new ApiError('conflict', `team database: ${p}`, [{ where: `scale ${s.name}`, message: p }]);
        }
        for (const t of tasks) {
          const r = m.task(t.task);
          if ('problem' in r)
            throw new ApiError('conflict', `team database: ${r.problem}`, [
              { where: `task ${t.task.taskUid}`, message: r.problem },
            ]);
        }
        for (const { id, e } of events) {
          const problems = m.event(e, id);
          if (problems.length)
            throw new ApiError(
              'conflict',
              `team database event ${e.eventId} (server id ${id}): ${problems[0]!.message}`,
              problems,
            );
        }
        T.markSync(this.l, {
          ...(lastId !== null ? { pulledEventId: lastId } : {}),
          ...(tasks.length ? { pulledTaskId: tasks.at(-1)!.id } : {}),
        });
        return m.counts.inserted;
      });
      round.pulledEvents += applied;
      round.pulledTasks += tasks.length;
      this.totals.pulled += applied;
      if (Number(span.n) < this.opts.batchSize) break;
      // Keep the event loop free between batches: labeling requests go first.
      await new Promise((r) => setImmediate(r));
    }
    return round;
  }

  /** Annotators and scales when they changed since last sent; tasks after the pushed watermark. */
  private async pushDefinitions(c: pg.Client): Promise<number> {
    const annotators = L.listAnnotators(this.l);
    const aJson = JSON.stringify(annotators);
    if (aJson !== this.sentAnnotators) {
      const me = T.localAnnotatorId(this.l);
      await inPgTransaction(c, async () => {
        await c.query(
          `INSERT INTO qgs_annotators (annotator_id, display_name)
           SELECT e->>'annotatorId', e->>'displayName' FROM jsonb_array_elements($1::jsonb) AS x(e)
           ON CONFLICT (annotator_id) DO UPDATE SET display_name = excluded.display_name, updated_at = now()
             WHERE qgs_annotators.annotator_id = $2 AND qgs_annotators.display_name <> excluded.display_name`,
          [aJson, me ?? ''],
        );
      });
      this.sentAnnotators = aJson;
    }
    const scales = T.customScales(this.l);
    const sJson = JSON.stringify(scales);
    if (sJson !== this.sentScales) {
      await inPgTransaction(c, async () => {
        await c.query(
          `INSERT INTO qgs_scales (name, description, levels)
           SELECT e->>'name', e->>'description', e->'levels' FROM jsonb_array_elements($1::jsonb) AS x(e)
           ON CONFLICT (name) DO NOTHING`,
          [sJson],
        );
      });
      this.sentScales = sJson;
    }
    let pushed = 0;
    for (;;) {
      const st = T.syncState(this.l)!;
      const defs = T.taskDefinitions(this.l, { afterTaskId: st.pushedTaskId, limit: 20 });
      if (!defs.length) return pushed;
      await inPgTransaction(c, async () => {
        for (const d of defs) {
          const r = await c.query(
            `INSERT INTO qgs_tasks (task_uid, name, scale, spec, instructions, hide_scores, created_at)
             VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT (task_uid) DO NOTHING`,
            [d.taskUid, d.name, d.scale, JSON.stringify(d.spec), d.instructions, d.hideScores, d.createdAt],
          );
          if (r.rowCount)
            await c.query(
              `INSERT INTO qgs_task_turns (task_uid, ordinal, turn_id, kind, pool, rankings)
               SELECT $1, (ord - 1)::int, e->>'turnId', e->>'kind', e->'pool', e->'rankings'
               FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(e, ord)`,
              [d.taskUid, JSON.stringify(d.turns)],
            );
        }
      });
      T.markSync(this.l, { pushedTaskId: defs.at(-1)!.taskId });
      pushed += defs.length;
    }
  }
}

const INSERT_EVENTS = `INSERT INTO qgs_label_events (event_id, annotator_id, created_at, task_uid, turn_id, item_id, kind, scale, value, gain, outcome, model_a, model_b, tags, note, undoes, origin)
  SELECT e->>'eventId', e->>'annotatorId', e->>'createdAt', e->>'taskUid', e->>'turnId', e->>'itemId', e->>'kind', e->>'scale',
         (e->>'value')::integer, (e->>'gain')::double precision, e->>'outcome', e->>'modelA', e->>'modelB',
         nullif(e->'tags', 'null'::jsonb), e->>'note', e->>'undoes', $2
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord) ORDER BY ord
  ON CONFLICT (event_id) DO NOTHING`;

/** A write on the team database: serialized with every other writer, so committed ids only grow. */
async function inPgTransaction(c: pg.Client, fn: () => Promise<void>): Promise<void> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_WRITE]);
    await fn();
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

function newClient(u: TeamUrl, password: string | null, onError: () => void = () => {}): pg.Client {
  const c = new pg.Client({
    connectionString: u.stripped,
    // undefined: pg falls back to PGPASSWORD, then ~/.pgpass.
    ...(password !== null ? { password } : {}),
    connectionTimeoutMillis: 5000,
    query_timeout: 60_000,
    application_name: 'qgs-workbench',
  });
  // A dropped server connection emits 'error' on an idle client: the next round reconnects.
  c.on('error', onError);
  return c;
}

function envPassword(): boolean {
  return Boolean(process.env.PGPASSWORD) || existsSync(process.env.PGPASSFILE ?? join(homedir(), '.pgpass'));
}

function fromPgEvent(r: Record<string, unknown>): { id: number; e: WireEvent } {
  const id = Number(r.id);
  const parsed = wireEvent.safeParse({
    eventId: r.event_id,
    annotatorId: r.annotator_id,
    createdAt: r.created_at,
    taskUid: r.task_uid ?? null,
    turnId: r.turn_id,
    itemId: r.item_id ?? null,
    kind: r.kind,
    scale: r.scale ?? null,
    value: r.value ?? null,
    gain: r.gain ?? null,
    outcome: r.outcome ?? null,
    modelA: r.model_a ?? null,
    modelB: r.model_b ?? null,
    tags: r.tags ?? null,
    note: r.note ?? null,
    undoes: r.undoes ?? null,
  });
  if (!parsed.success)
    throw new ApiError(
      'conflict',
      `team database event at server id ${id} is not a valid label event: ${parsed.error.issues[0]?.message ?? 'invalid'} (${parsed.error.issues[0]?.path.join('.')})`,
    );
  return { id, e: parsed.data };
}

async function pullTasks(c: pg.Client, afterId: number): Promise<{ id: number; task: WireTask }[]> {
  const rows = (
    await c.query<Record<string, unknown>>('SELECT * FROM qgs_tasks WHERE id > $1 ORDER BY id LIMIT 50', [afterId])
  ).rows;
  if (!rows.length) return [];
  const turns = (
    await c.query<{ task_uid: string; turn_id: string; kind: string; pool: unknown; rankings: unknown }>(
      'SELECT task_uid, turn_id, kind, pool, rankings FROM qgs_task_turns WHERE task_uid = ANY($1) ORDER BY task_uid, ordinal',
      [rows.map((r) => r.task_uid)],
    )
  ).rows;
  const byTask = new Map<string, unknown[]>();
  for (const t of turns)
    (byTask.get(t.task_uid) ?? byTask.set(t.task_uid, []).get(t.task_uid)!).push({
      turnId: t.turn_id,
      kind: t.kind,
      pool: t.pool,
      rankings: t.rankings,
    });
  return rows.map((r) => {
    const parsed = wireTask.safeParse({
      taskUid: r.task_uid,
      name: r.name,
      scale: r.scale,
      spec: r.spec,
      instructions: r.instructions,
      hideScores: r.hide_scores,
      createdAt: r.created_at,
      turns: byTask.get(r.task_uid as string) ?? [],
    });
    if (!parsed.success)
      throw new ApiError(
        'conflict',
        `team database task ${String(r.task_uid)} is not a valid task definition: ${parsed.error.issues[0]?.message} (${parsed.error.issues[0]?.path.join('.')})`,
      );
    return { id: Number(r.id), task: parsed.data };
  });
}
