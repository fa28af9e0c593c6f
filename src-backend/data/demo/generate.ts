// Demo workspace generator: a seeded, deterministic stream of realistic search sessions in
// session-log JSONL v1 (docs/session-log-v1.md), their TREC qrels and the feature groups.
// The story is in docs/demo-data.md. Output goes to temporary files renamed into place at the
// end, so a cancelled or failed run leaves no half-written workspace behind.

import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ApiError } from '../../../src-common/errors.ts';
import type { DemoReport } from '../../../src-common/api/contract.ts';
import type { Split } from '../../../src-common/api/types.ts';
import { textStatsToJson } from '../../../src-common/features.ts';
import { FEATURE_GROUPS, QUERY_DEPENDENCE, generateSessions } from './sessions.ts';
import { buildWorld, type World } from './world.ts';

export interface DemoOptions {
  seed: number;
  sessions: number;
  outDir: string;
  gzip?: boolean;
  /**
   * Write only the sessions of this split's users. The world and the session stream are the same
   * as without it (`sessions` still counts every generated session), so the output is exactly that
   * split's slice of the full workspace: how the shipped demo is cut from the training world.
   */
  onlySplit?: Split;
}

/** What a generation run produced; the API returns it as `demo.generate`'s result. */
export type DemoSummary = DemoReport;

export const MAX_SESSIONS = 10_000_000;
/** Hand control back to the event loop this often (ms) so progress, cancel and requests get through. */
const YIELD_MS = 20;
/** With gzip, qrels are gzipped too once they are bigger than this (small ones stay greppable). */
export const QRELS_GZIP_BYTES = 5 * 1024 * 1024;
/** Buffered output is flushed in chunks of about this many characters. */
const CHUNK = 1 << 20;

export const TURNS_HEADER = 'turn_id\ttopic\tsubject\tkind\tquery_form\tambiguous\tintent\n';

/**
 * features.json v2: the feature groups in model input order, which features depend on the query
 * (`qgs-text-v1`: the app recomputes them with src-common/features.ts; `logged`: it cannot), and the
 * corpus statistics of the world's whole item collection that BM25 was logged with.
 */
export function featuresJson(world: World): string {
  const head = JSON.stringify({ version: 2, groups: FEATURE_GROUPS, queryDependence: QUERY_DEPENDENCE }, null, 2);
  // textStats on one line: thousands of df entries would otherwise be thousands of lines.
  return `${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "textStats": ${JSON.stringify(textStatsToJson(world.textStats))}\n}\n`;
}

/** Accumulates text and writes it in large chunks, waiting for the stream when it is full. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  private readonly sink: Writable;
  private readonly done: Promise<void>;

  constructor(path: string, gzip: boolean) {
    const file = createWriteStream(path);
    this.done = new Promise((resolve, reject) => {
      file.on('finish', resolve);
      file.on('close', resolve);
      file.on('error', reject);
    });
    if (gzip) {
      const z = createGzip({ level: 6 });
      z.on('error', (err) => file.destroy(err));
      z.pipe(file);
      this.sink = z;
    } else {
      this.sink = file;
    }
  }

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.sink.write(chunk)) await new Promise<void>((resolve) => this.sink.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.sink.end();
    await this.done;
  }

  destroy(): void {
    this.sink.destroy();
  }
}

function checkOptions(opts: DemoOptions): void {
  const problems: { where: string; message: string }[] = [];
  if (!Number.isSafeInteger(opts.seed))
    problems.push({ where: 'seed', message: `must be an integer, got ${String(opts.seed)}` });
  if (!Number.isSafeInteger(opts.sessions) || opts.sessions < 1 || opts.sessions > MAX_SESSIONS) {
    problems.push({
      where: 'sessions',
      message: `must be an integer from 1 to ${MAX_SESSIONS}, got ${String(opts.sessions)}`,
    });
  }
  if (opts.onlySplit !== undefined && !['train', 'valid', 'test'].includes(opts.onlySplit))
    problems.push({ where: 'onlySplit', message: `must be train, valid or test, got ${String(opts.onlySplit)}` });
  if (typeof opts.outDir !== 'string' || opts.outDir.trim() === '')
    problems.push({ where: 'outDir', message: 'must be a non-empty path' });
  if (problems.length > 0) {
    throw new ApiError(
      'invalid_input',
      `demo generator: ${problems.map((p) => `${p.where} ${p.message}`).join('; ')}`,
      problems,
    );
  }
}

/**
 * Writes sessions.jsonl (sessions.jsonl.gz with gzip), qrels.txt (qrels.txt.gz with gzip when over
 * 5 MB), features.json and turns.tsv (per-turn ground truth) into opts.outDir. Same options →
 * byte-identical files.
 */
export async function generateDemo(
  opts: DemoOptions,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<DemoSummary> {
  checkOptions(opts);
  const gz = opts.gzip === true;
  mkdirSync(opts.outDir, { recursive: true });
  const files = {
    sessions: join(opts.outDir, gz ? 'sessions.jsonl.gz' : 'sessions.jsonl'),
    qrels: join(opts.outDir, 'qrels.txt'),
    features: join(opts.outDir, 'features.json'),
  };
  const tmp = (p: string): string => `${p}.partial`;
  const qrelsGz = join(opts.outDir, 'qrels.txt.gz');
  const sessionsOut = new ChunkedWriter(tmp(files.sessions), gz);
  const qrelsOut = new ChunkedWriter(tmp(files.qrels), false);
  // Ground truth about each turn beyond the grades (kind of turn, topic, how the query was typed),
  // for slicing evaluations into after-switch / continuation / ambiguous turns. Not in the log.
  const turnsPath = join(opts.outDir, 'turns.tsv');
  const turnsOut = new ChunkedWriter(tmp(turnsPath), false);
  const cleanup = (): void => {
    sessionsOut.destroy();
    qrelsOut.destroy();
    turnsOut.destroy();
    for (const p of [...Object.values(files), qrelsGz, turnsPath]) rmSync(tmp(p), { force: true });
  };

  const summary: DemoSummary = { sessions: 0, turns: 0, resultRows: 0, users: 0, topics: 0, switches: 0, files };
  try {
    const world = buildWorld(opts.seed);
    summary.topics = world.topics.length;
    await turnsOut.write(TURNS_HEADER);
    let lastUser = '';
    let lastYield = performance.now();
    const progressEvery = Math.max(1, Math.floor(opts.sessions / 200));
    let generated = 0;
    for (const s of generateSessions(world, opts.seed, opts.sessions)) {
      if (signal?.aborted) throw cancelled(signal);
      generated++;
      if (generated % progressEvery === 0 || generated === opts.sessions) onProgress?.(generated, opts.sessions);
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (opts.onlySplit !== undefined && s.split !== opts.onlySplit) continue;
      await sessionsOut.write(s.line + '\n');
      let q = '';
      let tt = '';
      for (const turn of s.turns) {
        const topic = world.topics[turn.topic]!;
        const intent = turn.aspect < 0 ? '-' : world.domains[topic.domain]!.aspects[turn.aspect]!.key;
        tt += `${turn.turnId}\t${turn.topic}\t${topic.subject}\t${turn.kind}\t${turn.form}\t${turn.ambiguous ? 1 : 0}\t${intent}\n`;
        for (let i = 0; i < turn.itemIds.length; i++) q += `${turn.turnId} 0 ${turn.itemIds[i]} ${turn.grades[i]}\n`;
        summary.turns++;
        summary.resultRows += turn.itemIds.length;
        if (turn.kind === 'switch' || turn.kind === 'return') summary.switches++;
      }
      await qrelsOut.write(q);
      await turnsOut.write(tt);
      if (s.userId !== lastUser) {
        summary.users++;
        lastUser = s.userId;
      }
      summary.sessions++;
    }
    if (signal?.aborted) throw cancelled(signal);
    await sessionsOut.close();
    await qrelsOut.close();
    await turnsOut.close();
    writeFileSync(tmp(files.features), featuresJson(world));
    if (gz && statSync(tmp(files.qrels)).size > QRELS_GZIP_BYTES) {
      await pipeline(createReadStream(tmp(files.qrels)), createGzip({ level: 6 }), createWriteStream(tmp(qrelsGz)), {
        signal,
      });
      rmSync(tmp(files.qrels));
      files.qrels = qrelsGz;
    }
    // A previous run may have left the other form of a file; it must not be mistaken for this run's.
    for (const stale of [
      gz ? join(opts.outDir, 'sessions.jsonl') : join(opts.outDir, 'sessions.jsonl.gz'),
      files.qrels === qrelsGz ? join(opts.outDir, 'qrels.txt') : qrelsGz,
    ]) {
      rmSync(stale, { force: true });
    }
    for (const p of [...Object.values(files), turnsPath]) renameSync(tmp(p), p);
  } catch (err) {
    cleanup();
    throw err;
  }
  return summary;
}

function cancelled(signal: AbortSignal): ApiError {
  const why = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
  return new ApiError('cancelled', `demo generation cancelled${why}`);
}
