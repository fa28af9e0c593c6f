// Query-boundary classification, rule v2 (docs/segmentation.md). Used at import time (turns store
// their boundary, sessions their switch count), by the workspace migration that recomputes them,
// and by the timeline for the one-sentence explanation, so all of them agree. trainer/segmentation.py
// mirrors it; both are checked against test/fixtures/segmentation-vectors.json.
import { tokenize } from './tokenizer.ts';
import { cosine, isCjkToken, ngramProfile, sameWordStems, singular, stem } from './text-similarity.ts';

/** Every boundary kind, in the order docs/segmentation.md introduces them (the one list). */
export const BOUNDARY_KINDS = ['start', 'repeat', 'refinement', 'switch'] as const;
export type BoundaryKind = (typeof BOUNDARY_KINDS)[number];

/** Version of the rule; stored boundaries are recomputed when it changes (migration 004). */
export const BOUNDARY_RULE_VERSION = 2;

/**
 * Why the rule decided what it did (one per branch of classifyBoundary), in rule order:
 * start: first_turn · repeat: same_query · refinement: intent_only, topic_set, shared_words,
 * similar_spelling · switch: long_gap, sibling, new_topic.
 */
export const BOUNDARY_REASONS = [
  'first_turn',
  'same_query',
  'intent_only',
  'topic_set',
  'shared_words',
  'similar_spelling',
  'long_gap',
  'sibling',
  'new_topic',
] as const;
export type BoundaryReason = (typeof BOUNDARY_REASONS)[number];

/**
 * Query modifiers that name an intent or a facet, not a topic: what people add to or send after
 * a topic query ("review", "how to", "多少钱", "怎么做") — plus function words. A query made only of
 * these continues the session's topic; the rest of a query (its *topic words*) decides the topic.
 * Matched as whole token sequences in singular form (so "reviews" matches "review"), longest first;
 * Chinese phrases match character sequences. Kept short and generic on purpose: every entry is a
 * word that rarely names what is searched for by itself (so no "photos", "pros": photo printer,
 * airpods pro; no "new": new york). Four-digit years, single Latin letters and a number after
 * "under"/"over"/"below" (a price) count as modifiers too.
 */
// prettier-ignore
export const INTENT_PHRASES: readonly string[] = [
  // function words
  'a', 'an', 'the', 'for', 'to', 'in', 'on', 'of', 'with', 'and', 'or', 'at', 'by', 'from', 'about',
  'my', 'me', 'i', 'is', 'are', 'it', 'do', 'does', 'can', 'should', 'what', 'which', 'how', 'why',
  'when', 'where', 'who', 'there', 'any', 'some', 'this', 'that', 'vs', 'versus', 'near', 'under', 'over', 'below',
  'one', 'ones', 'how long', 'make', 'how to make',
  // quality and opinion
  'best', 'top', 'top rated', 'rated', 'good', 'better', 'great', 'popular', 'recommended',
  'recommendation', 'most', 'review', 'honest review', 'rating', 'opinions', 'worth it', 'worth',
  'worth watching', 'worth buying', 'pros and cons',
  // price
  'price', 'cost', 'how much', 'cheap', 'cheapest', 'budget', 'affordable', 'deal', 'discount',
  'sale', 'coupon', 'on a budget', 'expensive',
  // comparing
  'compare', 'comparison', 'difference', 'alternative', 'which should i buy',
  'similar',
  // learning and doing
  'how to', 'guide', 'beginner', 'beginner guide', 'tutorial', 'tips', 'tricks', 'example',
  'cheat sheet', 'explained', 'explained simply', 'basics', 'the basics', 'getting started',
  'introduction', 'step by step', 'easy', 'easy version', 'quick', 'simple', 'ideas',
  'best practices', 'mistakes', 'mistakes to avoid', 'advice', 'expert tips', 'practical advice',
  'faq', 'meaning', 'definition', 'what is',
  // problems
  'not working', 'fix', 'broken', 'problem', 'common problems', 'issue', 'error', 'troubleshooting',
  'help', 'how to clean', 'repair',
  // buying, versions, media
  'buy', 'where to buy', 'near me', 'online', 'used', 'latest', 'latest news', 'news',
  'new study', 'release date', 'sequel', 'specs', 'size', 'sizing', 'size chart', 'manual',
  'setup', 'install', 'download', 'free', 'pdf', 'video', 'youtube', 'reddit', 'forum',
  'discussion', 'trailer', 'cast', 'ending explained', 'behind the scenes',
  'where to watch', 'streaming', 'research', 'evidence', 'study', 'facts', 'history',
  // travel aspects
  'itinerary', 'things to do', 'where to stay', 'best area to stay', 'where to eat',
  'best time to visit', 'weather', 'hotel', 'flight', 'trip', 'trip cost', 'travel', 'tour', 'food',
  'restaurant', 'visa',
  // cooking aspects
  'recipe', 'original', 'authentic', 'traditional', 'traditional way', 'healthy', 'vegan', 'vegetarian',
  'homemade', 'calories',
  // facets
  'women', 'womens', 'men', 'mens', 'kids',
  // Chinese
  '的', '吗', '呢', '了', '和', '与', '怎么', '什么', '如何', '哪个', '哪里', '为什么', '一下',
  '推荐', '哪个好', '排行', '排行榜', '最好', '评测', '测评', '使用体验', '怎么样', '好不好', '优缺点',
  '多少钱', '价格', '便宜', '性价比', '对比', '怎么选', '区别', '哪里买', '值得买吗',
  '怎么做', '做法', '教程', '视频', '视频教程', '正宗', '正宗做法', '传统', '家常', '热量', '少油',
  '减脂', '攻略', '旅游攻略', '自由行', '旅游', '美食', '民宿', '必吃', '住哪里', '酒店', '几月去', '天气',
  '门票', '景点', '是什么', '原因', '怎么办', '技巧', '经验', '经验分享', '资料', '资料推荐', '书单',
  '书籍推荐', '方法', '入门', '不工作', '坏了', '怎么修', '怎么用', '注意事项', '症状', '最新',
];

/** Minutes without a query after which a partly overlapping query counts as a new search. */
export const LONG_GAP_MINUTES = 30;
/** Shared topic words (share of the smaller query's) above which a query refines the topic. */
export const SHARED_WORDS_MIN = 0.5;
/** Character n-gram cosine of the topic words at or above which a query refines the topic. */
export const SIMILAR_SPELLING_MIN = 0.5;

const YEAR = /^(?:19|20)[0-9][0-9]$/;
const NUMBER = /^[0-9]+$/;
const BOUND = new Set(['under', 'over', 'below']);
const LATIN_LETTER = /^[a-z]$/;

// First stemmed token → phrases (stemmed token lists) starting with it, longest first.
const PHRASES_BY_FIRST = new Map<string, string[][]>();
for (const p of INTENT_PHRASES) {
  const tokens = tokenize(p).map(singular);
  const list = PHRASES_BY_FIRST.get(tokens[0]!) ?? [];
  list.push(tokens);
  PHRASES_BY_FIRST.set(tokens[0]!, list);
}
for (const list of PHRASES_BY_FIRST.values()) list.sort((a, b) => b.length - a.length);

/** A query's tokens split into topic words and modifiers (intent phrases, years, single letters). */
export interface QueryParts {
  /** The tokenizer's tokens. */
  tokens: string[];
  /** Tokens that name the topic, as written (not stemmed), in order. */
  topic: string[];
  /** Intent/modifier phrases found, as written, in order. */
  modifiers: string[];
}

/** Splits a query into topic words and modifiers (INTENT_PHRASES, longest match first). */
export function queryParts(query: string): QueryParts {
  const tokens = tokenize(query);
  const stems = tokens.map(singular);
  const topic: string[] = [];
  const modifiers: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const candidates = PHRASES_BY_FIRST.get(stems[i]!);
    const hit = candidates?.find((p) => p.every((t, k) => stems[i + k] === t));
    if (hit) {
      let end = i + hit.length;
      if (hit.length === 1 && BOUND.has(hit[0]!) && NUMBER.test(tokens[end] ?? '')) end++;
      modifiers.push(tokens.slice(i, end).join(isCjkToken(tokens[i]!) ? '' : ' '));
      i = end;
      continue;
    }
    const t = tokens[i]!;
    if (YEAR.test(t) || LATIN_LETTER.test(t)) modifiers.push(t);
    else topic.push(t);
    i++;
  }
  return { tokens, topic, modifiers };
}

/** A query and when it was issued (epoch milliseconds; null when unknown). */
export interface QueryAt {
  query: string;
  time: number | null;
}

/** One boundary decision: the kind, the branch of the rule that decided it, and its evidence. */
export interface BoundaryDecision {
  kind: BoundaryKind;
  reason: BoundaryReason;
  /** Topic words matched / the smaller query's topic words (0 when not compared). */
  sharedWords: number;
  /** Character n-gram cosine of the topic words the two queries do not share (0 when none). */
  similarity: number;
  /** Minutes since the previous query (null when unknown or first turn). */
  gapMinutes: number | null;
  /** The query the new one was compared with: the session's current topic query. */
  topicQuery: string | null;
}

/** A query parsed once for comparisons: its parts, its token key, its distinct topic words and their stems. */
interface Parsed extends QueryParts {
  key: string;
  words: string[];
  stems: string[];
}

function parse(query: string): Parsed {
  const parts = queryParts(query);
  const words = [...new Set(parts.topic)];
  return { ...parts, key: parts.tokens.join(' '), words, stems: words.map(stem) };
}

/** How two queries' distinct topic words match (sameWord): shared share of the smaller side, and the unmatched words. */
interface WordMatch {
  shared: number;
  onlyA: string[];
  onlyB: string[];
}

function matchWords(a: Parsed, b: Parsed): WordMatch {
  const inA = a.words.map(() => false);
  const inB = b.words.map(() => false);
  for (let i = 0; i < a.words.length; i++)
    for (let j = 0; j < b.words.length; j++)
      if (sameWordStems(a.words[i]!, a.stems[i]!, b.words[j]!, b.stems[j]!)) inA[i] = inB[j] = true;
  const onlyA = a.words.filter((_, i) => !inA[i]);
  const onlyB = b.words.filter((_, j) => !inB[j]);
  const small = Math.min(a.words.length, b.words.length);
  const matchedSmall = a.words.length <= b.words.length ? small - onlyA.length : small - onlyB.length;
  return { shared: small === 0 ? 0 : matchedSmall / small, onlyA, onlyB };
}

/**
 * Share of the smaller side's distinct topic words that the other side has, where words match by
 * sameWord (equal stems, one swapped letter pair, or a likely misspelling).
 */
export function sharedTopicWords(a: string, b: string): number {
  return matchWords(parse(a), parse(b)).shared;
}

function decision(
  kind: BoundaryKind,
  reason: BoundaryReason,
  rest: Partial<Omit<BoundaryDecision, 'kind' | 'reason'>> = {},
): BoundaryDecision {
  return { kind, reason, sharedWords: 0, similarity: 0, gapMinutes: null, topicQuery: null, ...rest };
}

/**
 * How a query relates to the session so far. `previous` is the previous turn (null on the first
 * turn); `topicQuery` the last earlier query that named a topic (classifySession tracks it;
 * defaults to the previous query). In order:
 * 1. no previous turn → start;
 * 2. the same tokens as the previous query → repeat (re-issue, paging);
 * 3. only modifiers ("review", "多少钱") → refinement: it continues the session's topic;
 * 4. no earlier query named a topic → refinement: this one names it;
 * 5. topic words compared with the topic query's. More than half of the smaller side's words
 *    shared (word forms and misspellings count): a word replaced on each side ("road running
 *    shoes" → "trail running shoes") → switch to a sibling topic; over LONG_GAP_MINUTES later and
 *    not all shared → switch; else → refinement (added or dropped words);
 * 6. else similar spelling (character n-gram cosine ≥ 0.5: "iphone15" ~ "iphone 15") → refinement,
 *    or switch when over LONG_GAP_MINUTES passed;
 * 7. else → switch: a new topic.
 */
export function classifyBoundary(
  previous: QueryAt | null,
  current: QueryAt,
  topicQuery: string | null = previous?.query ?? null,
): BoundaryDecision {
  if (previous === null) return decision('start', 'first_turn');
  return decide(
    parse(previous.query).key,
    previous.time,
    parse(current.query),
    current.time,
    topicQuery === null ? null : parse(topicQuery),
    topicQuery,
  );
}

function decide(
  previousKey: string,
  previousTime: number | null,
  cur: Parsed,
  time: number | null,
  topic: Parsed | null,
  topicQuery: string | null,
): BoundaryDecision {
  const gapMinutes = previousTime === null || time === null ? null : (time - previousTime) / 60_000;
  if (cur.key === previousKey) return decision('repeat', 'same_query', { gapMinutes, topicQuery });
  if (cur.words.length === 0) return decision('refinement', 'intent_only', { gapMinutes, topicQuery });
  if (topic === null || topic.words.length === 0)
    return decision('refinement', 'topic_set', { gapMinutes, topicQuery });

  const m = matchWords(topic, cur);
  const sharedWords = m.shared;
  const replaced = m.onlyA.length > 0 && m.onlyB.length > 0;
  // Spelling similarity of the words the two do not share: catches what sameWord misses (split
  // or joined words) without counting the shared words twice.
  const similarity = replaced ? cosine(ngramProfile(m.onlyA), ngramProfile(m.onlyB)) : 0;
  const evidence = { sharedWords, similarity, gapMinutes, topicQuery };
  const longGap = gapMinutes !== null && gapMinutes > LONG_GAP_MINUTES;
  if (sharedWords > SHARED_WORDS_MIN) {
    if (replaced && similarity < SIMILAR_SPELLING_MIN) return decision('switch', 'sibling', evidence);
    if (longGap && sharedWords < 1) return decision('switch', 'long_gap', evidence);
    return decision('refinement', replaced ? 'similar_spelling' : 'shared_words', evidence);
  }
  if (similarity >= SIMILAR_SPELLING_MIN) {
    if (longGap) return decision('switch', 'long_gap', evidence);
    return decision('refinement', 'similar_spelling', evidence);
  }
  return decision('switch', 'new_topic', evidence);
}

/** Decisions for a session's turns in order, tracking the topic query across intent-only follow-ups. */
export function classifySession(turns: readonly QueryAt[]): BoundaryDecision[] {
  const out: BoundaryDecision[] = [];
  let topic: Parsed | null = null;
  let topicQuery: string | null = null;
  let previous: Parsed | null = null;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    const cur = parse(t.query);
    out.push(
      previous === null
        ? decision('start', 'first_turn')
        : decide(previous.key, turns[i - 1]!.time, cur, t.time, topic, topicQuery),
    );
    if (cur.words.length) {
      topic = cur;
      topicQuery = t.query;
    }
    previous = cur;
  }
  return out;
}

const quote = (s: string) => `“${s}”`;
const list = (words: readonly string[]) => words.map(quote).join(', ');

/** The one sentence that explains a decision, for tooltips and the session page. */
export function explainBoundary(d: BoundaryDecision, query: string): string {
  const cur = parse(query);
  switch (d.reason) {
    case 'first_turn':
      return 'First query of the session.';
    case 'same_query':
      return 'Same words as the previous query (a re-issue or the next page).';
    case 'intent_only':
      return `Only intent words (${list(cur.modifiers)}), so it continues the topic${d.topicQuery ? ` of ${quote(d.topicQuery)}` : ''}.`;
    case 'topic_set':
      return 'The earlier queries named no topic, so this one names it.';
    case 'shared_words': {
      const topic = parse(d.topicQuery ?? '');
      const m = matchWords(topic, cur);
      const kept = topic.words.filter((w) => !m.onlyA.includes(w));
      return `Keeps ${kept.length} of ${topic.words.length} topic words of ${quote(d.topicQuery ?? '')} (${list(kept)}; word forms and typos count), so it refines that topic.`;
    }
    case 'similar_spelling':
      return `Its topic words are spelled much like those of ${quote(d.topicQuery ?? '')} (character similarity ${d.similarity.toFixed(2)} where they differ), so it refines that topic.`;
    case 'long_gap':
      return `Only partly like ${quote(d.topicQuery ?? '')} and ${Math.round(d.gapMinutes ?? 0)} minutes later, so a new search.`;
    case 'sibling': {
      const m = matchWords(parse(d.topicQuery ?? ''), cur);
      return `Replaces ${list(m.onlyA)} with ${list(m.onlyB)} in ${quote(d.topicQuery ?? '')}: a neighbouring topic.`;
    }
    case 'new_topic':
      return `Topic words ${list(cur.words)} are not in ${quote(d.topicQuery ?? '')}: a new topic.`;
  }
}
