// Feature assembly: a stored turn → exactly the model contract's input tensors
// (docs/model-contract.md, "History assembly"; docs/inference.md). The history rule is the TypeScript
// twin of trainer/data.py `assemble_history`, pinned by test/fixtures/assembly-vectors.json.
//
// Pure functions over plain data: no SQLite, no onnxruntime. The store-facing reader lives in
// turn-source.ts, batching/padding in batch.ts.
import { encodeItemId, encodeText, type TokenizerParams } from '../../src-common/tokenizer.ts';
import { historySteps as numberSteps, LONG_CLICK_MS } from '../../src-common/history.ts';
import type { HistoryStepInfo } from '../../src-common/api/contract.ts';

/** history_actions values (trainer/model.py). 0 is padding. */
export const ACTION_NO_CLICK = 1;
export const ACTION_CLICK = 2;
export const ACTION_LONG_CLICK = 3;
export { LONG_CLICK_MS };

/** Rule for a feature the model needs but a candidate's log lacks (same as training: 0.0). */
export const MISSING_FEATURE_FILL = 0;

/** One earlier turn of the session, as history assembly needs it. */
export interface HistoryTurn {
  /** Turn index in its session (reported back so the UI can point at it). */
  index: number;
  query: string;
  /** Clicked results only, any order (sorted by position here). */
  clicks: { itemId: string; title: string; position: number; dwellMs: number | null }[];
}

export interface Candidate {
  itemId: string;
  title: string;
  position: number;
  features: Record<string, number>;
}

/** What the app needs to know about a model to feed it (from its validated metadata). */
export interface ModelInputSpec {
  tokenizer: TokenizerParams;
  /** Feature groups in input order; candidate_features is their concatenation. */
  groups: { name: string; features: string[] }[];
}

/**
 * One history step (pair token) before truncation, numbered 0.. in time order over the whole
 * history (src-common/history.ts), as the scoring API reports it.
 */
export type HistoryStep = HistoryStepInfo;

/** Unpadded tensors of one turn, row-major, in the contract's names. */
export interface TurnTensors {
  /** n = kept history steps. */
  historyLength: number;
  historyQueryTokens: Int32Array; // [n, Tq]
  historyItemTokens: Int32Array; // [n, Ti]
  historyItemIds: Int32Array; // [n]
  historyActions: Int32Array; // [n]
  targetQueryTokens: Int32Array; // [Tq]
  candidateCount: number;
  candidateItemIds: Int32Array; // [C]
  candidateItemTokens: Int32Array; // [C, Ti]
  candidateFeatures: Float32Array; // [C, F]
}

export interface AssemblyReport {
  /** History steps before truncation (all earlier interactions). */
  historySteps: number;
  /** Oldest steps dropped to respect maxHistory. */
  truncatedSteps: number;
  maxHistory: number;
  /** Features the model needs that some candidates' logs lack: filled with `fill`. */
  missingFeatures: { feature: string; candidates: number; fill: number }[];
}

export interface AssembledTurn {
  tensors: TurnTensors;
  /** The kept steps, oldest first (row i of the history tensors). */
  steps: HistoryStep[];
  report: AssemblyReport;
}

/** Tokenisation cache: queries, titles and item ids repeat a lot inside a session and across turns. */
export class TokenCache {
  /** One map per (maxTokens, buckets): no key concatenation on the hot path. */
  private readonly maps = new Map<number, Map<string, Int32Array>>();
  /** Item id buckets, one map per bucket count (hashing a 256-step history's ids each call adds up). */
  private readonly ids = new Map<number, Map<string, number>>();
  private size = 0;
  private readonly limit: number;
  constructor(limit = 50_000) {
    this.limit = limit;
  }
  encode(text: string, maxTokens: number, buckets: number): Int32Array {
    const shape = maxTokens * 0x100000000 + buckets;
    let map = this.maps.get(shape);
    if (!map) this.maps.set(shape, (map = new Map()));
    let v = map.get(text);
    if (!v) {
      v = Int32Array.from(encodeText(text, maxTokens, buckets));
      if (this.size >= this.limit) {
        for (const m of this.maps.values()) m.clear();
        this.size = 0;
      }
      map.set(text, v);
      this.size++;
    }
    return v;
  }
  itemId(itemId: string, buckets: number): number {
    let map = this.ids.get(buckets);
    if (!map) this.ids.set(buckets, (map = new Map()));
    let v = map.get(itemId);
    if (v === undefined) {
      v = encodeItemId(itemId, buckets);
      if (map.size >= this.limit) map.clear();
      map.set(itemId, v);
    }
    return v;
  }
}

const defaultCache = new TokenCache();

const ACTION_ID = { no_click: ACTION_NO_CLICK, click: ACTION_CLICK, long_click: ACTION_LONG_CLICK } as const;

/** Every step of the history of a turn whose earlier turns are `earlier` (time order), with its title. */
export function historySteps(
  earlier: readonly HistoryTurn[],
  firstStep = 0,
): { steps: HistoryStep[]; titles: string[] } {
  const numbered = numberSteps(earlier, (t) => t.clicks, firstStep);
  const steps: HistoryStep[] = new Array(numbered.length);
  const titles: string[] = new Array(numbered.length);
  for (let i = 0; i < numbered.length; i++) {
    const s = numbered[i]!;
    steps[i] = {
      step: s.step,
      turnIndex: s.turnIndex,
      query: earlier[s.turnPos]!.query,
      itemId: s.itemId,
      action: s.action,
    };
    titles[i] = s.title;
  }
  return { steps, titles };
}

export interface AssembleOptions {
  /** Keep only the most recent maxHistory steps (≥ 0). */
  maxHistory: number;
  /** Step numbers (HistoryStep.step, before truncation) to leave out — counterfactual edits. */
  removeSteps?: ReadonlySet<number>;
  cache?: TokenCache;
  /** Steps of turns older than `earlier` that the caller left out (numbering starts after them). */
  omittedSteps?: number;
}

/** History tensors of the most recent `maxHistory` steps (trainer/data.py assemble_history). */
export function assembleHistory(
  earlier: readonly HistoryTurn[],
  tok: TokenizerParams,
  opts: AssembleOptions,
): {
  steps: HistoryStep[];
  total: number;
  truncated: number;
  query: Int32Array;
  item: Int32Array;
  ids: Int32Array;
  actions: Int32Array;
} {
  if (!Number.isInteger(opts.maxHistory) || opts.maxHistory < 0)
    throw new RangeError(`maxHistory must be an integer ≥ 0, got ${opts.maxHistory}`);
  const cache = opts.cache ?? defaultCache;
  const omitted = opts.omittedSteps ?? 0;
  let { steps, titles } = historySteps(earlier, omitted);
  if (opts.removeSteps && opts.removeSteps.size) {
    const keep = steps.map((s) => !opts.removeSteps!.has(s.step));
    titles = titles.filter((_, i) => keep[i]);
    steps = steps.filter((_, i) => keep[i]);
  }
  const start = Math.max(0, steps.length - opts.maxHistory);
  const total = steps.length + omitted;
  const kept = steps.slice(start);
  const keptTitles = titles.slice(start);
  const n = kept.length;
  const Tq = tok.queryTokens;
  const Ti = tok.titleTokens;
  const query = new Int32Array(n * Tq);
  const item = new Int32Array(n * Ti);
  const ids = new Int32Array(n);
  const actions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = kept[i]!;
    query.set(cache.encode(s.query, Tq, tok.tokenBuckets), i * Tq);
    if (s.itemId !== null) {
      item.set(cache.encode(keptTitles[i]!, Ti, tok.tokenBuckets), i * Ti);
      ids[i] = cache.itemId(s.itemId, tok.itemBuckets);
    }
    actions[i] = ACTION_ID[s.action];
  }
  return { steps: kept, total, truncated: total - n, query, item, ids, actions };
}

/** Feature names in the model's declared input order. */
export function featureOrder(spec: ModelInputSpec): string[] {
  return spec.groups.flatMap((g) => g.features);
}

/** Full contract tensors of one turn: history from `earlier`, target query, candidates in the given order. */
export function assembleTurn(
  earlier: readonly HistoryTurn[],
  query: string,
  candidates: readonly Candidate[],
  spec: ModelInputSpec,
  opts: AssembleOptions,
): AssembledTurn {
  const tok = spec.tokenizer;
  const cache = opts.cache ?? defaultCache;
  const h = assembleHistory(earlier, tok, opts);
  const names = featureOrder(spec);
  const F = names.length;
  const C = candidates.length;
  const Ti = tok.titleTokens;
  const candidateItemIds = new Int32Array(C);
  const candidateItemTokens = new Int32Array(C * Ti);
  const candidateFeatures = new Float32Array(C * F);
  const missing = new Array<number>(F).fill(0);
  for (let c = 0; c < C; c++) {
    const cand = candidates[c]!;
    candidateItemIds[c] = cache.itemId(cand.itemId, tok.itemBuckets);
    candidateItemTokens.set(cache.encode(cand.title, Ti, tok.tokenBuckets), c * Ti);
    const fv = cand.features;
    for (let f = 0; f < F; f++) {
      const v = fv[names[f]!];
      if (v === undefined || v === null) {
        missing[f]!++;
        candidateFeatures[c * F + f] = MISSING_FEATURE_FILL;
      } else {
        candidateFeatures[c * F + f] = v;
      }
    }
  }
  const missingFeatures = names
    .map((feature, f) => ({ feature, candidates: missing[f]!, fill: MISSING_FEATURE_FILL }))
    .filter((m) => m.candidates > 0);
  return {
    tensors: {
      historyLength: h.steps.length,
      historyQueryTokens: h.query,
      historyItemTokens: h.item,
      historyItemIds: h.ids,
      historyActions: h.actions,
      targetQueryTokens: cache.encode(query, tok.queryTokens, tok.tokenBuckets).slice(),
      candidateCount: C,
      candidateItemIds,
      candidateItemTokens,
      candidateFeatures,
    },
    steps: h.steps,
    report: { historySteps: h.total, truncatedSteps: h.truncated, maxHistory: opts.maxHistory, missingFeatures },
  };
}
