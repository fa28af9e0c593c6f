// Query-boundary classification, rule v2 (docs/segmentation.md). Used at import time (turns store
// their boundary, sessions their switch count), by the workspace migration that recomputes them,
// and by the timeline for the one-sentence explanation, so all of them agree. trainer/segmentation.py
// mirrors it; both are checked against test/fixtures/segmentation-vectors.json.
import { tokenize } from './tokenizer.ts';
import { cosine, isCjkToken, ngramProfile, sameWord, singular } from './text-similarity.ts';

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

/**
 * Share of the smaller topic-word list's distinct words that the other has, where words match by
 * sameWord (equal stems, or a likely misspelling).
 */
export function sharedTopicWords(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 || sb.size === 0) return 0;
  const [small, large] = sa.size <= sb.size ? [sa, sb] : [sb, sa];
  let shared = 0;
  for (const x of small) {
    for (const y of large) {
      if (sameWord(x, y)) {
        shared++;
        break;
      }
    }
  }
  return shared / small.size;
}

/** The topic words each side has that the other lacks, when both have some (else null). */
function substitutes(a: readonly string[], b: readonly string[]): [string[], string[]] | null {
  const onlyA = a.filter((x) => !b.some((y) => sameWord(x, y)));
  const onlyB = b.filter((y) => !a.some((x) => sameWord(x, y)));
  return onlyA.length && onlyB.length ? [onlyA, onlyB] : null;
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
  const gapMinutes = previous.time === null || current.time === null ? null : (current.time - previous.time) / 60_000;
  const cur = queryParts(current.query);
  if (cur.tokens.join(' ') === tokenize(previous.query).join(' '))
    return decision('repeat', 'same_query', { gapMinutes, topicQuery });
  if (cur.topic.length === 0) return decision('refinement', 'intent_only', { gapMinutes, topicQuery });
  const topic = topicQuery === null ? [] : queryParts(topicQuery).topic;
  if (topic.length === 0) return decision('refinement', 'topic_set', { gapMinutes, topicQuery });

  const sharedWords = sharedTopicWords(topic, cur.topic);
  const sub = substitutes(topic, cur.topic);
  // Spelling similarity of the words the two do not share: catches what sameWord misses (split
  // or joined words, transposed letters) without counting the shared words twice.
  const similarity = sub ? cosine(ngramProfile(sub[0]), ngramProfile(sub[1])) : 0;
  const evidence = { sharedWords, similarity, gapMinutes, topicQuery };
  if (sharedWords > SHARED_WORDS_MIN) {
    if (sub && similarity < SIMILAR_SPELLING_MIN) return decision('switch', 'sibling', evidence);
    if (gapMinutes !== null && gapMinutes > LONG_GAP_MINUTES && sharedWords < 1)
      return decision('switch', 'long_gap', evidence);
    return decision('refinement', sub ? 'similar_spelling' : 'shared_words', evidence);
  }
  if (similarity >= SIMILAR_SPELLING_MIN) {
    if (gapMinutes !== null && gapMinutes > LONG_GAP_MINUTES) return decision('switch', 'long_gap', evidence);
    return decision('refinement', 'similar_spelling', evidence);
  }
  return decision('switch', 'new_topic', evidence);
}

/** Decisions for a session's turns in order, tracking the topic query across intent-only follow-ups. */
export function classifySession(turns: readonly QueryAt[]): BoundaryDecision[] {
  const out: BoundaryDecision[] = [];
  let topicQuery: string | null = null;
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i]!;
    out.push(classifyBoundary(i ? turns[i - 1]! : null, t, topicQuery));
    if (queryParts(t.query).topic.length) topicQuery = t.query;
  }
  return out;
}

const quote = (s: string) => `“${s}”`;
const list = (words: readonly string[]) => words.map(quote).join(', ');

/** The one sentence that explains a decision, for tooltips and the session page. */
export function explainBoundary(d: BoundaryDecision, query: string): string {
  const topic = d.topicQuery === null ? null : queryParts(d.topicQuery).topic;
  const cur = queryParts(query);
  const pct = `${Math.round(d.sharedWords * 100)}%`;
  switch (d.reason) {
    case 'first_turn':
      return 'First query of the session.';
    case 'same_query':
      return 'Same words as the previous query (a re-issue or the next page).';
    case 'intent_only':
      return `Only intent words (${list(cur.modifiers)}), so it continues the topic${d.topicQuery ? ` of ${quote(d.topicQuery)}` : ''}.`;
    case 'topic_set':
      return 'The earlier queries named no topic, so this one names it.';
    case 'shared_words':
      return `Shares ${pct} of its topic words with ${quote(d.topicQuery ?? '')} (word forms and typos count), so it refines that topic.`;
    case 'similar_spelling':
      return `Its topic words are spelled much like those of ${quote(d.topicQuery ?? '')} (character similarity ${d.similarity.toFixed(2)} where they differ), so it refines that topic.`;
    case 'long_gap':
      return `Only partly like ${quote(d.topicQuery ?? '')} and ${Math.round(d.gapMinutes ?? 0)} minutes later, so a new search.`;
    case 'sibling': {
      const sub = topic ? substitutes(topic, cur.topic) : null;
      return `Replaces ${list(sub?.[0] ?? [])} with ${list(sub?.[1] ?? [])} in ${quote(d.topicQuery ?? '')}: a neighbouring topic.`;
    }
    case 'new_topic':
      return `Topic words ${list(cur.topic)} are not in ${quote(d.topicQuery ?? '')}: a new topic.`;
  }
}
