// Lexical similarity of short texts (docs/segmentation.md, "Text similarity"): the one place for word
// stems and character n-gram similarity. trainer/text_similarity.py mirrors it; both are checked
// against test/fixtures/text-similarity-vectors.json. Built on the one tokenizer (src-common/tokenizer.ts).
import { tokenize } from './tokenizer.ts';

// Only plain lower-case ASCII words are stemmed: the suffix rules below are English rules.
const ASCII_WORD = /^[a-z]+$/;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;
const VOWELS = 'aeiouy';
// A doubled final consonant left by a removed suffix is undoubled (running → runn → run), except these,
// which English doubles in the base form (sell, pass, buzz).
const KEEP_DOUBLE = 'lsz';

function hasVowel(s: string): boolean {
  for (const c of s) if (VOWELS.includes(c)) return true;
  return false;
}

function undouble(s: string): string {
  const n = s.length;
  if (n >= 3 && s[n - 1] === s[n - 2] && !VOWELS.includes(s[n - 1]!) && !KEEP_DOUBLE.includes(s[n - 1]!))
    return s.slice(0, -1);
  return s;
}

/**
 * A light English stemmer for one token, so word forms of one word compare equal:
 * run/runs/running/runner/runners → run, shoe/shoes → sho, battery/batteries → batteri,
 * movie/movies → movi, watch/watches → watch, bake/baked/baking → bak. Words under 4 letters are
 * kept. Rules, in order:
 * 1. plural / 3rd person (singular): -ies → -y; -sses → -ss; -xes/-zes/-ches/-shes → drop -es; else a final -s
 *    not after s, u or i (glass, bus, analysis keep theirs) is dropped;
 * 2. one of: -ied → -y; -ing, -ed (not -eed: speed, need), -er dropped when the word had at least
 *    6 letters (5 for -ed) and what is left has a vowel (string, spring keep theirs); a doubled
 *    final consonant left behind is undoubled (running → run, stopped → stop; not l, s, z: selling
 *    → sell); printer → print, cheaper → cheap;
 * 3. a final -e is dropped and a final -y becomes -i (4+ letters), so bake/baking meet at bak and
 *    battery/batteries at batteri (fried, fries, frying → fry: under 4 letters).
 * Tokens that are not plain a–z words (digits, accents, other scripts) are returned unchanged.
 * The stems are keys for comparison, not words to show.
 */
export function stem(token: string): string {
  if (token.length < 4 || !ASCII_WORD.test(token)) return token;
  let s = singular(token);
  if (s.endsWith('ied') && s.length >= 5) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('ing') && hasVowel(s.slice(0, -3)) && s.length >= 6) s = undouble(s.slice(0, -3));
  else if (s.endsWith('ed') && !s.endsWith('eed') && hasVowel(s.slice(0, -2)) && s.length >= 5)
    s = undouble(s.slice(0, -2));
  else if (s.endsWith('er') && hasVowel(s.slice(0, -2)) && s.length >= 6) s = undouble(s.slice(0, -2));

  if (s.length >= 4 && s.endsWith('e')) s = s.slice(0, -1);
  else if (s.length >= 4 && s.endsWith('y')) s = s.slice(0, -1) + 'i';
  return s;
}

/**
 * Rule 1 of stem alone (plurals and 3rd person -s), for matching fixed phrases without the
 * collisions full stemming brings (rating and rats both stem to rat; rating and ratings are one
 * word here). Words under 4 letters and words that are not plain a–z are returned unchanged.
 */
export function singular(token: string): string {
  if (token.length < 4 || !ASCII_WORD.test(token)) return token;
  if (token.endsWith('ies') && token.length >= 5) return token.slice(0, -3) + 'y';
  if (token.endsWith('sses')) return token.slice(0, -2);
  if (/(?:x|z|ch|sh)es$/.test(token) && token.length >= 5) return token.slice(0, -2);
  if (token.endsWith('s') && !/[siu]s$/.test(token)) return token.slice(0, -1);
  return token;
}

/** Whether a token is one CJK character (the tokenizer makes every CJK character its own token). */
export function isCjkToken(token: string): boolean {
  return CJK.test(token);
}

/** The tokenizer's tokens of `text`, each stemmed. */
export function stemTokens(text: string): string[] {
  return tokenize(text).map(stem);
}

/** A bag of character n-grams: n-gram → count, in first-seen order. */
export type NgramProfile = Map<string, number>;

function add(p: NgramProfile, g: string): void {
  p.set(g, (p.get(g) ?? 0) + 1);
}

/**
 * Character n-gram profile of a token sequence (tokens as the tokenizer emits them): each non-CJK
 * token contributes the trigrams of itself padded with one space each side (" run", "run", "un "),
 * or the token itself when it has fewer than 2 characters; each CJK character contributes itself,
 * and each pair of adjacent CJK tokens their bigram ("跑步鞋" → 跑, 步, 鞋, 跑步, 步鞋). Trigrams
 * catch typos and word forms the stemmer misses; CJK bigrams stand in for words.
 */
export function ngramProfile(tokens: readonly string[]): NgramProfile {
  const p: NgramProfile = new Map();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isCjkToken(t)) {
      add(p, t);
      const next = tokens[i + 1];
      if (next !== undefined && isCjkToken(next)) add(p, t + next);
      continue;
    }
    const padded = ` ${t} `;
    // Trigrams of code points; plain slices when every code point is one UTF-16 unit (the usual case).
    const chars = Array.from(padded);
    if (chars.length < 4) {
      add(p, t);
      continue;
    }
    const simple = chars.length === padded.length;
    for (let k = 0; k + 3 <= chars.length; k++)
      add(p, simple ? padded.slice(k, k + 3) : chars[k]! + chars[k + 1]! + chars[k + 2]!);
  }
  return p;
}

/** Cosine of two n-gram profiles (0 when either is empty). */
export function cosine(a: NgramProfile, b: NgramProfile): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [g, x] of a) {
    na += x * x;
    const y = b.get(g);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/** Character-trigram cosine of two single tokens (1 for equal tokens). */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  return cosine(ngramProfile([a]), ngramProfile([b]));
}

/** Cosine of the character n-gram profiles of two texts (tokenized by the one tokenizer). */
export function textSimilarity(a: string, b: string): number {
  return cosine(ngramProfile(tokenize(a)), ngramProfile(tokenize(b)));
}

/** Share of the smaller set's members that the other set also has (0 when either is empty). */
export function overlapCoefficient<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  return shared / small.size;
}

/** Minimum trigram cosine at which two words with 5+ letter stems count as the same word misspelt. */
export const TYPO_MIN_SIMILARITY = 0.5;

/** Whether a and b differ only by two adjacent letters swapped (pyhton, python). */
function oneTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/**
 * Whether two tokens are the same word: equal stems; or, for plain words of 5+ letters, one
 * adjacent transposition (pyhton ~ python, diagarm ~ diagram: trigrams see these poorly); or (both
 * plain words whose stems have 5+
 * letters) a trigram cosine of at least TYPO_MIN_SIMILARITY between the stems (headphnes ~
 * headphones, labtop ~ laptop) and the same first letter; boots and books (4-letter stems) and
 * jacket and racket stay apart.
 */
export function sameWord(a: string, b: string): boolean {
  return sameWordStems(a, stem(a), b, stem(b));
}

/** sameWord for callers that already hold the stems (sa = stem(a), sb = stem(b)). */
export function sameWordStems(a: string, sa: string, b: string, sb: string): boolean {
  if (sa === sb) return true;
  if (a.length >= 5 && ASCII_WORD.test(a) && oneTransposition(a, b)) return true;
  if (sa.length < 5 || sb.length < 5 || !ASCII_WORD.test(sa) || !ASCII_WORD.test(sb)) return false;
  // Misspellings rarely change the first letter; pairs that differ there (jacket, racket) stay apart.
  if (sa[0] !== sb[0]) return false;
  return tokenSimilarity(sa, sb) >= TYPO_MIN_SIMILARITY;
}
