// The one tokenizer (docs/tokenizer.md). trainer/tokenizer.py mirrors it; both are checked
// against test/fixtures/tokenizer-vectors.json. Runs anywhere: backend, renderer, CLI.

// CJK ideographs, kana and hangul: each character is its own token (no word segmentation).
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
// Marks (\p{M}) stay inside words so scripts with combining vowels are not split mid-word.
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** NFKC, lower-case, split on anything that is not a letter or digit, each CJK char a token. */
export function tokenize(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  let word = '';
  for (const ch of normalised) {
    if (CJK.test(ch)) {
      if (word) tokens.push(word);
      word = '';
      tokens.push(ch);
    } else if (WORD_CHAR.test(ch)) {
      word += ch;
    } else {
      if (word) tokens.push(word);
      word = '';
    }
  }
  if (word) tokens.push(word);
  return tokens;
}

/** Tokenizer parameters a model was trained with (ONNX metadata `qgs.tokenizer`). */
export interface TokenizerParams {
  /** Hash buckets for query/title tokens; ids are 1..tokenBuckets-1, 0 is padding. */
  tokenBuckets: number;
  /** Hash buckets for item ids; ids are 1..itemBuckets-1, 0 means "no item". */
  itemBuckets: number;
  /** Max tokens kept per query (Tq); later tokens are dropped. */
  queryTokens: number;
  /** Max tokens kept per title (Ti). */
  titleTokens: number;
}

/** Defaults of the shipped models (docs/tokenizer.md). Models carry their own in metadata. */
export const DEFAULT_TOKENIZER: TokenizerParams = {
  tokenBuckets: 16384,
  itemBuckets: 8192,
  queryTokens: 16,
  titleTokens: 24,
};

const encoder = new TextEncoder();

/** FNV-1a 32-bit over the UTF-8 bytes of `s`, as an unsigned integer. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(s)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0; // 32-bit multiply by the FNV prime, kept unsigned
  }
  return h >>> 0;
}

/** Bucket id of a string: 1 + (fnv1a32 mod (buckets-1)), so 0 stays free for padding. */
export function bucketId(s: string, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 2) throw new RangeError(`buckets must be an integer ≥ 2, got ${buckets}`);
  return 1 + (fnv1a32(s) % (buckets - 1));
}

/** Token ids of `text`, truncated to `maxTokens` and right-padded with 0 to exactly that length. */
export function encodeText(text: string, maxTokens: number, buckets: number): number[] {
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw new RangeError(`maxTokens must be an integer ≥ 1, got ${maxTokens}`);
  const ids = tokenize(text)
    .slice(0, maxTokens)
    .map((t) => bucketId(t, buckets));
  while (ids.length < maxTokens) ids.push(0);
  return ids;
}

/** Item id bucket: the raw id string (no normalisation: ids are case-sensitive); "" → 0 (no item). */
export function encodeItemId(itemId: string, buckets: number): number {
  return itemId === '' ? 0 : bucketId(itemId, buckets);
}

export function encodeQuery(query: string, p: TokenizerParams = DEFAULT_TOKENIZER): number[] {
  return encodeText(query, p.queryTokens, p.tokenBuckets);
}

export function encodeTitle(title: string, p: TokenizerParams = DEFAULT_TOKENIZER): number[] {
  return encodeText(title, p.titleTokens, p.tokenBuckets);
}
