// How well the boundary rule (src-common/segmentation.ts) finds topic switches, on two labelled sets
// (docs/segmentation.md, "Measured"): the demo's ground truth (a session log + turns.tsv, read the
// way the importer reads them) and the hand-built reformulation pairs (test/fixtures/reformulations.tsv).
// Used by bench/groups/segmentation.ts and test/unit/segmentation/quality.test.ts.
import { readFileSync } from 'node:fs';
import { classifyBoundary, classifySession, type BoundaryKind, type QueryAt } from '../../src-common/segmentation.ts';
import { tokenize } from '../../src-common/tokenizer.ts';
import { readLines } from './lines.ts';
import { MAX_LINE_BYTES } from './session-log.ts';
import { parseSessionLine } from './session-validate.ts';

/**
 * Rule v1 (before docs/segmentation.md's v2), kept only as the reference the bench and the quality
 * test compare v2 with: the same tokens → repeat; at least half of the shorter query's distinct
 * tokens shared → refinement; else switch.
 */
export function boundaryV1(previous: string | null, query: string): BoundaryKind {
  if (previous === null) return 'start';
  const a = tokenize(previous);
  const b = tokenize(query);
  if (a.join(' ') === b.join(' ')) return 'repeat';
  const ta = new Set(a);
  const tb = new Set(b);
  if (ta.size === 0 || tb.size === 0) return 'switch';
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / Math.min(ta.size, tb.size) >= 0.5 ? 'refinement' : 'switch';
}

/** One labelled boundary: is it really a topic switch, and what did the rule say. */
export interface LabelledBoundary {
  category: string;
  goldSwitch: boolean;
  predicted: BoundaryKind;
}

export interface SwitchScores {
  precision: number;
  recall: number;
  f1: number;
  /** Boundaries scored (every turn but the first of a session). */
  n: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision, recall and F1 of `switch` against the gold topic switches (NaN where undefined). */
export function switchScores(rows: readonly LabelledBoundary[]): SwitchScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of rows) {
    const p = r.predicted === 'switch';
    if (p && r.goldSwitch) tp++;
    else if (p) fp++;
    else if (r.goldSwitch) fn++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / (tp + fn);
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    n: rows.length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
  };
}

/** A hand-built pair: previous and current query, minutes between them, gold kind. */
export interface ReformulationPair {
  line: number;
  category: string;
  previous: string;
  current: string;
  gapMinutes: number;
  gold: BoundaryKind;
}

const GOLD = new Set<string>(['repeat', 'refinement', 'switch']);

/** Reads test/fixtures/reformulations.tsv (category, previous, current, gap_minutes, gold). */
export function readReformulations(path: string): ReformulationPair[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines[0]?.split('\t').join(',');
  if (header !== 'category,previous,current,gap_minutes,gold')
    throw new Error(`${path}:1: expected the header category, previous, current, gap_minutes, gold; got ${header}`);
  const out: ReformulationPair[] = [];
  lines.slice(1).forEach((l, i) => {
    if (!l) return;
    const c = l.split('\t');
    const gap = Number(c[3]);
    if (c.length !== 5 || !Number.isFinite(gap) || gap < 0 || !GOLD.has(c[4]!))
      throw new Error(
        `${path}:${i + 2}: expected 5 tab-separated fields with gap_minutes ≥ 0 and gold repeat|refinement|switch, got ${JSON.stringify(l)}`,
      );
    out.push({
      line: i + 2,
      category: c[0]!,
      previous: c[1]!,
      current: c[2]!,
      gapMinutes: gap,
      gold: c[4] as BoundaryKind,
    });
  });
  return out;
}

/** The rule's decision on each hand-built pair (previous at time 0, current gap_minutes later). */
export function labelReformulations(
  pairs: readonly ReformulationPair[],
  classify: (previous: QueryAt, current: QueryAt) => BoundaryKind = (p, c) => classifyBoundary(p, c).kind,
): LabelledBoundary[] {
  return pairs.map((p) => ({
    category: p.category,
    goldSwitch: p.gold === 'switch',
    predicted: classify({ query: p.previous, time: 0 }, { query: p.current, time: p.gapMinutes * 60_000 }),
  }));
}

/** A session's turns, for replaying the rule. */
export interface LoggedSession {
  sessionId: string;
  turns: QueryAt[];
}

/** Reads a session log (.jsonl or .jsonl.gz) with the importer's line reader and validation. */
export async function readSessionLog(path: string): Promise<LoggedSession[]> {
  const out: LoggedSession[] = [];
  const src = await readLines(path, MAX_LINE_BYTES);
  for await (const line of src.lines) {
    if (!line.bytes || line.bytes.length === 0) continue;
    const { session, problems } = parseSessionLine(line.bytes);
    if (!session) throw new Error(`${path}:${line.no}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    out.push({
      sessionId: session.session_id,
      turns: session.events.map((e) => ({ query: e.query, time: Date.parse(e.ts) })),
    });
  }
  return out;
}

/**
 * The demo's per-turn ground truth (turns.tsv: a `turn_id` and a `kind` column): turn id → kind.
 * `switch` and `return` change the topic; `first` opens the session; anything else continues.
 */
export function readDemoTruth(path: string): Map<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cols = lines[0]!.split('\t');
  const id = cols.indexOf('turn_id');
  const kind = cols.indexOf('kind');
  if (id < 0 || kind < 0) throw new Error(`${path}:1: expected turn_id and kind columns, got ${cols.join(', ')}`);
  const out = new Map<string, string>();
  for (const l of lines.slice(1)) {
    if (!l) continue;
    const c = l.split('\t');
    out.set(c[id]!, c[kind]!);
  }
  return out;
}

/** Every non-first turn of the sessions against the demo truth, with the rule's decision. */
export function labelDemo(
  sessions: readonly LoggedSession[],
  truth: ReadonlyMap<string, string>,
  classify: (turns: readonly QueryAt[]) => BoundaryKind[] = (t) => classifySession(t).map((d) => d.kind),
): LabelledBoundary[] {
  const out: LabelledBoundary[] = [];
  for (const s of sessions) {
    const kinds = classify(s.turns);
    for (let i = 1; i < s.turns.length; i++) {
      const gold = truth.get(`${s.sessionId}#${i}`);
      if (gold === undefined) throw new Error(`turns.tsv has no row for turn ${s.sessionId}#${i}`);
      out.push({ category: gold, goldSwitch: gold === 'switch' || gold === 'return', predicted: kinds[i]! });
    }
  }
  return out;
}
