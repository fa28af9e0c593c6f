// Batching: several turns' unpadded tensors → one right-padded batch of contract inputs (the same
// padding as trainer/data.py `collate`: L = max(1, longest history), C = most candidates), and the
// model's batch outputs → per-turn results. Buffers are plain typed arrays so they can be
// transferred to the inference worker without copying.
import type { TurnTensors } from './assemble.ts';

export type FeedType = 'int64' | 'bool' | 'float32';
export interface Feed {
  type: FeedType;
  data: BigInt64Array | Uint8Array | Float32Array;
  dims: number[];
}
export type Feeds = Record<string, Feed>;

export interface BatchShape {
  B: number;
  L: number;
  C: number;
  Tq: number;
  Ti: number;
  F: number;
}

/** int64 tensor whose values are small non-negative ints: write the low 32-bit words only. */
function int64(n: number): { big: BigInt64Array; lo: Int32Array } {
  const big = new BigInt64Array(n);
  return { big, lo: new Int32Array(big.buffer) };
}
function copyInt(lo: Int32Array, dst: number, src: Int32Array): void {
  // Little-endian int64: the value in the low word, 0 in the high word (ids are ≥ 0 and < 2^31).
  for (let i = 0; i < src.length; i++) lo[2 * (dst + i)] = src[i]!;
}

export function packBatch(
  turns: readonly TurnTensors[],
  dims: { Tq: number; Ti: number; F: number },
): { feeds: Feeds; shape: BatchShape } {
  const B = turns.length;
  if (B === 0) throw new RangeError('packBatch needs at least one turn');
  const { Tq, Ti, F } = dims;
  let L = 1;
  let C = 1;
  for (const t of turns) {
    if (t.historyLength > L) L = t.historyLength;
    if (t.candidateCount > C) C = t.candidateCount;
  }
  const hq = int64(B * L * Tq);
  const hi = int64(B * L * Ti);
  const hid = int64(B * L);
  const ha = int64(B * L);
  const hm = new Uint8Array(B * L);
  const tq = int64(B * Tq);
  const cid = int64(B * C);
  const ct = int64(B * C * Ti);
  const cf = new Float32Array(B * C * F);
  const cm = new Uint8Array(B * C);
  turns.forEach((t, b) => {
    const n = t.historyLength;
    copyInt(hq.lo, b * L * Tq, t.historyQueryTokens);
    copyInt(hi.lo, b * L * Ti, t.historyItemTokens);
    copyInt(hid.lo, b * L, t.historyItemIds);
    copyInt(ha.lo, b * L, t.historyActions);
    hm.fill(1, b * L, b * L + n);
    copyInt(tq.lo, b * Tq, t.targetQueryTokens);
    const c = t.candidateCount;
    copyInt(cid.lo, b * C, t.candidateItemIds);
    copyInt(ct.lo, b * C * Ti, t.candidateItemTokens);
    cf.set(t.candidateFeatures, b * C * F);
    cm.fill(1, b * C, b * C + c);
  });
  const feeds: Feeds = {
    history_query_tokens: { type: 'int64', data: hq.big, dims: [B, L, Tq] },
    history_item_tokens: { type: 'int64', data: hi.big, dims: [B, L, Ti] },
    history_item_ids: { type: 'int64', data: hid.big, dims: [B, L] },
    history_actions: { type: 'int64', data: ha.big, dims: [B, L] },
    history_mask: { type: 'bool', data: hm, dims: [B, L] },
    target_query_tokens: { type: 'int64', data: tq.big, dims: [B, Tq] },
    candidate_item_ids: { type: 'int64', data: cid.big, dims: [B, C] },
    candidate_item_tokens: { type: 'int64', data: ct.big, dims: [B, C, Ti] },
    candidate_features: { type: 'float32', data: cf, dims: [B, C, F] },
    candidate_mask: { type: 'bool', data: cm, dims: [B, C] },
  };
  return { feeds, shape: { B, L, C, Tq, Ti, F } };
}

/** Model outputs of a batch, as returned by the worker. */
export interface BatchOutputs {
  score: Float32Array; // [B, C]
  group_weight: Float32Array; // [B, C, G]
  history_weight: Float32Array; // [B, L]
  G: number;
}

export interface TurnOutputs {
  score: Float32Array; // [c]
  groupWeight: Float32Array; // [c, G]
  historyWeight: Float32Array; // [n]
}

/** Slices batch row b back to the turn's own candidates and history steps. */
export function unpackTurn(out: BatchOutputs, shape: BatchShape, b: number, t: TurnTensors): TurnOutputs {
  const { L, C } = shape;
  const G = out.G;
  return {
    score: out.score.slice(b * C, b * C + t.candidateCount),
    groupWeight: out.group_weight.slice(b * C * G, (b * C + t.candidateCount) * G),
    historyWeight: out.history_weight.slice(b * L, b * L + t.historyLength),
  };
}

/**
 * Names the outputs holding NaN or ±Inf among the real (unpadded) entries of one turn, with counts,
 * e.g. ["score: 50 of 50 values are NaN"]. Empty when all are finite.
 */
export function nonFinite(o: TurnOutputs): { output: string; message: string }[] {
  const out: { output: string; message: string }[] = [];
  const check = (name: string, a: Float32Array) => {
    let nan = 0;
    let inf = 0;
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
    if (nan || inf) {
      const parts = [nan ? `${nan} NaN` : '', inf ? `${inf} ±Inf` : ''].filter(Boolean).join(', ');
      out.push({ output: name, message: `${parts} among ${a.length} values` });
    }
  };
  check('score', o.score);
  check('group_weight', o.groupWeight);
  check('history_weight', o.historyWeight);
  return out;
}
