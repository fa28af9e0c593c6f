// The generative story of one user's search sessions (docs/demo-data.md). Yields one session at a
// time — its JSONL v1 line plus the ground truth kept out of the log (topic, intent, kind of turn,
// graded relevance of every candidate) — so callers can stream any number of sessions.

import { prepareQuery, textFeatures } from '../../../src-common/features.ts';
import type { Split } from '../../../src-common/api/types.ts';
import { formatTurnId } from '../../store/turn-ids.ts';
import { Rng } from '../../../src-common/prng.ts';
import { DIM, clamp, dot, fill, mix, normalise, twoBrands, type Item, type World } from './world.ts';

/**
 * The logged features, in model input order. Every one is something a real logger could know at
 * that moment: text of the typed query and the title, item statistics, and the user's own earlier
 * sessions. None is computed from the generator's hidden topics or vectors except `semantic_sim`,
 * a simulated embedding service's score of the *typed* query (ambiguous when the query is). Nothing
 * summarises the current session: what the session did before is left to the model's history input.
 */
export const FEATURE_GROUPS = [
  { name: 'text_match', features: ['bm25', 'title_coverage', 'exact_match', 'semantic_sim'] },
  { name: 'statistical', features: ['item_ctr', 'log_popularity', 'freshness', 'title_len'] },
  { name: 'behavioural', features: ['user_item_clicks', 'user_title_affinity'] },
] as const;

/** Which features depend on the query, and how the app can recompute them (features.json). */
export const QUERY_DEPENDENCE = {
  bm25: 'qgs-text-v1',
  title_coverage: 'qgs-text-v1',
  exact_match: 'qgs-text-v1',
  semantic_sim: 'logged',
} as const;

/** How a turn relates to the one before it. A switch or a return changes the topic. */
export type TurnKind = 'first' | 'refine' | 'switch' | 'return';

export type QueryForm = 'full' | 'short' | 'follow';

export interface TurnTruth {
  turnId: string;
  topic: number;
  /** The user's intent (aspect index within the domain), -1 for none; may be unstated in the query. */
  aspect: number;
  /** How the query names the topic: in full, by a short form, or not at all (an intent-only follow-up). */
  form: QueryForm;
  /** The query fits several topics (a shared short form or a follow-up); only context disambiguates. */
  ambiguous: boolean;
  kind: TurnKind;
  query: string;
  itemIds: string[];
  grades: number[];
  /** Topic of each candidate, parallel to itemIds (lets checks tell stale-topic items apart). */
  itemTopics: number[];
}

export interface GeneratedSession {
  sessionId: string;
  userId: string;
  split: Split;
  /** The session as one JSONL v1 line, without the trailing newline. */
  line: string;
  turns: TurnTruth[];
}

// Story parameters (documented in docs/demo-data.md).
const P_REFINE = 0.55;
// How a refinement names its topic: an intent-only follow-up ("review", "多少钱"), the subject's
// short form when it has one, else the full subject.
const P_FOLLOW = 0.4;
const P_SHORT = 0.6; // of the refinements that are not follow-ups
/** A return to an earlier topic uses the short form (when there is one) this often. */
const P_RETURN_SHORT = 0.6;
/** Share of an ambiguous query's retrieved slots that go to its other readings (all wrong). */
const OTHER_READINGS_SHARE = 0.55;
const P_SWITCH = 0.3; // the rest (0.15) returns to an earlier topic of the session when there is one
const P_ZH_USER = 0.2;
const SESSIONS_PER_USER_P = 0.3; // 1 + Geometric(0.3) sessions per user, mean ≈ 3.3
const TURNS_P = 0.22; // 1 + Geometric(0.22) turns per session, mean ≈ 4.5
const MAX_TURNS = 20;
const ATTRACT = [0.02, 0.12, 0.4, 0.75]; // P(attractive | grade) in the position-based click model
const DWELL_MEDIAN_S = [6, 15, 40, 80];
const EPOCH_MS = Date.UTC(2026, 2, 1); // 2026-03-01; fixed, so output never depends on the clock

interface UserState {
  id: string;
  split: Split;
  zh: boolean;
  domainPref: number[]; // sums to 1
  /** Clicks per item in the user's earlier sessions (what `user_item_clicks` logs). */
  itemClicks: Map<number, number>;
  /** Sum of the unit tf·idf title vectors of the items clicked in earlier sessions, and its length. */
  titleBag: Map<string, number>;
  titleBagNorm: number;
  clickedItems: number[]; // for re-finding: items this user clicked before, oldest first
  favouriteAspect: number; // the intent a bare query from this user most often hides
  clock: number; // ms since epoch of the user's next session start
}

function fmt(x: number, scale: number): string {
  return String(Math.round(x * scale) / scale);
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Sessions of users generated one user at a time until `total` sessions are out. */
export function* generateSessions(world: World, seed: number, total: number): Generator<GeneratedSession> {
  const rng = new Rng(seed, 2);
  let sessionNo = 0;
  let userNo = 0;
  while (sessionNo < total) {
    const user = newUser(world, rng, userNo++);
    const nSessions = Math.min(1 + rng.geometric(SESSIONS_PER_USER_P), 12);
    for (let k = 0; k < nSessions && sessionNo < total; k++) {
      yield makeSession(world, rng, user, `s${String(sessionNo++).padStart(7, '0')}`);
    }
  }
}

function newUser(world: World, rng: Rng, n: number): UserState {
  const zh = rng.chance(P_ZH_USER);
  const domainPref = world.domains.map(() => 0);
  // Three favourite domains, mostly in the user's language; a little mass everywhere else.
  const own = world.domains.map((d, i) => ({ d, i })).filter(({ d }) => (d.lang === 'zh') === zh);
  const other = world.domains.map((d, i) => ({ d, i })).filter(({ d }) => (d.lang === 'zh') !== zh);
  for (let k = 0; k < 3; k++) {
    const pool = rng.chance(0.9) ? own : other;
    domainPref[rng.pick(pool).i]! += [0.5, 0.3, 0.2][k]!;
  }
  for (const { i } of own) domainPref[i]! += 0.1 / own.length;
  const sum = domainPref.reduce((a, b) => a + b, 0);
  for (let i = 0; i < domainPref.length; i++) domainPref[i] = domainPref[i]! / sum;
  const r = rng.next();
  return {
    id: `u${String(n).padStart(5, '0')}`,
    split: r < 0.8 ? 'train' : r < 0.9 ? 'valid' : 'test',
    zh,
    domainPref,
    itemClicks: new Map(),
    titleBag: new Map(),
    titleBagNorm: 0,
    clickedItems: [],
    favouriteAspect: rng.int(0, 3),
    clock: EPOCH_MS + Math.floor(rng.uniform(0, 60) * 86_400_000),
  };
}

function pickTopic(world: World, rng: Rng, user: UserState, avoid: number, sameDomainAs: number): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    let domain: number;
    if (sameDomainAs >= 0 && rng.chance(0.4)) domain = world.topics[sameDomainAs]!.domain;
    else domain = rng.weighted(user.domainPref);
    const t = rng.pick(world.topicsByDomain[domain]!);
    if (t !== avoid) return t;
  }
  return (avoid + 1) % world.topics.length;
}

/** Topics of the domain whose subject contains the typed form: what an ambiguous query could mean. */
function readings(world: World, topic: number, typed: string): number[] {
  const t = world.topics[topic]!;
  const contains = t.lang === 'zh' ? (s: string) => s.includes(typed) : (s: string) => ` ${s} `.includes(` ${typed} `);
  return world.topicsByDomain[t.domain]!.filter((o) => contains(world.topics[o]!.subject));
}

function composeQuery(world: World, rng: Rng, topic: number, aspect: number, subject: string): string {
  const t = world.topics[topic]!;
  const domain = world.domains[t.domain]!;
  if (aspect < 0) return subject;
  const mod = rng.pick(domain.aspects[aspect]!.mods);
  const [b, b2] = twoBrands(rng, domain.brands);
  // Chinese users often type a space between the subject and the rest, often not.
  const s = t.lang === 'zh' && rng.chance(0.4) ? `${subject} ` : subject;
  const q = fill(mod, { s, b, b2, y: 2026, n: 3 }).replace(/\s+/g, ' ').trim();
  // Most people type in lower case; brand names keep their capitals now and then.
  return rng.chance(0.8) ? q.toLowerCase() : q;
}

/** Graded relevance 0–3: topic first, then intent, then the item's quality. */
function grade(item: Item, topic: number, aspect: number): number {
  if (item.topic !== topic) return 0;
  if (aspect < 0) return item.quality > 0.65 ? 3 : 2;
  if (item.aspect === aspect) return item.quality > 0.3 ? 3 : 2;
  return item.quality > 0.8 ? 2 : 1;
}

function makeSession(world: World, rng: Rng, user: UserState, sessionId: string): GeneratedSession {
  const nTurns = Math.min(1 + rng.geometric(TURNS_P), MAX_TURNS);
  const turns: TurnTruth[] = [];
  const events: string[] = [];
  let clock = user.clock;
  let topic = -1;
  let aspect = -1; // stated in the query
  let intent = -1; // what the user wants (grades follow it)
  const seenTopics: number[] = []; // distinct topics in this session, in order of first visit
  let context: Float64Array | null = null; // decaying sum of earlier query vectors in this session
  const recentClicks: Float64Array[] = []; // vectors of the last clicked items in this session
  const clickedBy = new Map<number, number[]>(); // topic -> items clicked for it this session
  const sessionClicks: number[] = []; // items clicked in this session, in order

  for (let e = 0; e < nTurns; e++) {
    let kind: TurnKind;
    if (e === 0) {
      kind = 'first';
      // Some sessions re-find something clicked before; most start on a favourite domain.
      const prev = user.clickedItems.length > 0 && rng.chance(0.25) ? rng.pick(user.clickedItems) : -1;
      topic = prev >= 0 ? world.items[prev]!.topic : pickTopic(world, rng, user, -1, -1);
      aspect = rng.chance(0.35) ? -1 : rng.int(0, world.domains[world.topics[topic]!.domain]!.aspects.length - 1);
    } else {
      const r = rng.next();
      const earlier = seenTopics.filter((t) => t !== topic);
      if (r < P_REFINE) {
        kind = 'refine';
        const nAspects = world.domains[world.topics[topic]!.domain]!.aspects.length;
        if (aspect < 0 || rng.chance(0.5)) aspect = rng.int(0, nAspects - 1);
        else if (rng.chance(0.2)) aspect = -1;
      } else if (r < P_REFINE + P_SWITCH || earlier.length === 0) {
        topic = pickTopic(world, rng, user, topic, topic);
        // A jump that happens to land on a topic seen earlier in the session is a return.
        kind = seenTopics.includes(topic) ? 'return' : 'switch';
        aspect = rng.chance(0.35) ? -1 : rng.int(0, world.domains[world.topics[topic]!.domain]!.aspects.length - 1);
      } else {
        kind = 'return';
        topic = rng.pick(earlier);
        aspect = rng.chance(0.35) ? -1 : rng.int(0, world.domains[world.topics[topic]!.domain]!.aspects.length - 1);
      }
    }
    // A bare query hides an intent: the one the user just had (when broadening a refinement) or
    // their habitual one. Only history can recover it.
    if (aspect >= 0) intent = aspect;
    else if (kind === 'refine') intent = rng.chance(0.7) ? intent : -1;
    else
      intent = rng.chance(0.4) ? user.favouriteAspect % world.domains[world.topics[topic]!.domain]!.aspects.length : -1;
    if (!seenTopics.includes(topic)) seenTopics.push(topic);
    const t = world.topics[topic]!;
    // Within a topic users often drop the subject ("review", "多少钱") or shorten it ("running
    // shoes"); such a query fits sibling topics too, and only the session says which one is meant.
    // On a return to an earlier topic they often use the short form too ("running shoes" again after
    // a detour): when siblings share it, only the earlier part of the session says which is meant.
    const form: QueryForm =
      kind === 'refine'
        ? rng.chance(P_FOLLOW)
          ? 'follow'
          : rng.chance(P_SHORT)
            ? 'short'
            : 'full'
        : kind === 'return' && rng.chance(P_RETURN_SHORT)
          ? 'short'
          : 'full';
    let query: string;
    let meanings: number[];
    if (form === 'follow') {
      if (aspect < 0) aspect = intent = rng.int(0, world.domains[t.domain]!.aspects.length - 1);
      query = rng.pick(world.domains[t.domain]!.aspects[aspect]!.follow);
      meanings = world.topicsByDomain[t.domain]!;
    } else {
      const short = form === 'short' ? t.short : null;
      meanings = short ? readings(world, topic, short) : [topic];
      query = composeQuery(world, rng, topic, aspect, short ?? t.subject);
    }
    const prepared = prepareQuery(query);
    // The query's embedding only knows what was typed: an ambiguous query sits between its readings.
    const typedVec = meanings.length > 1 ? meanVec(meanings.map((m) => world.topics[m]!.vec)) : t.vec;
    const queryVec =
      aspect < 0 ? typedVec : mix(typedVec, 1, world.aspectVecs[t.domain]![aspect]!, form === 'follow' ? 0.8 : 0.3);

    const candidates = retrieve(world, rng, user, topic, aspect, kind, seenTopics, clickedBy, meanings);

    // Per-candidate features, then the logged production ranker (history-heavy, so right after a
    // switch it tends to put the old topic on top — the kind of bad ranking the workbench explains).
    const clickMean = recentClicks.length > 0 ? meanVec(recentClicks) : null;
    const rows = candidates.map((idx) => {
      const item = world.items[idx]!;
      const f = {
        // The one feature module, exactly: the app recomputes these for an edited query.
        ...textFeatures(world.textStats, prepared, item.prepared),
        semantic_sim: clamp(dot(queryVec, item.vec) + 0.2 * rng.normal(), -1, 1),
        user_item_clicks: user.itemClicks.get(idx) ?? 0,
        user_title_affinity: titleAffinity(user, item),
      };
      // The engine's own signals are hidden state (its session model); only the order is logged.
      const sessionSim = context ? dot(context, item.vec) + 0.05 * rng.normal() : 0;
      const clickSim = clickMean ? dot(clickMean, item.vec) + 0.05 * rng.normal() : 0;
      const prod =
        0.12 * f.bm25 + 1.1 * sessionSim + 0.7 * clickSim + 3 * item.ctr + 0.3 * f.semantic_sim + 0.4 * rng.normal();
      return { idx, item, f, prod, grade: grade(item, topic, intent) };
    });
    rows.sort((a, b) => b.prod - a.prod);

    // Position-based click model: P(click) = P(examine | position) · P(attractive | grade).
    let out = `{"ts":"${isoTime(clock)}","query":${JSON.stringify(query)},"results":[`;
    let dwellTotal = 0;
    const clickedNow: number[] = [];
    for (let p = 0; p < rows.length; p++) {
      const row = rows[p]!;
      const examine = Math.pow(p + 1, -0.8);
      const click = rng.next() < examine * ATTRACT[row.grade]!;
      const f = row.f;
      out +=
        `${p > 0 ? ',' : ''}${row.item.jsonHead},"position":${p + 1},"features":{` +
        `"bm25":${fmt(f.bm25, 1e3)},"title_coverage":${fmt(f.title_coverage, 1e3)},"exact_match":${f.exact_match},` +
        `"semantic_sim":${fmt(f.semantic_sim, 1e4)},${row.item.statsJson},` +
        `"user_item_clicks":${f.user_item_clicks},"user_title_affinity":${fmt(f.user_title_affinity, 1e4)}}`;
      if (click) {
        const dwell = Math.round(DWELL_MEDIAN_S[row.grade]! * 1000 * Math.exp(0.7 * rng.normal()));
        dwellTotal += dwell;
        out += `,"click":true,"dwell_ms":${dwell}}`;
        clickedNow.push(row.idx);
      } else {
        out += ',"click":false}';
      }
    }
    out += ']}';
    events.push(out);
    turns.push({
      turnId: formatTurnId(sessionId, e),
      topic,
      aspect: intent,
      form,
      ambiguous: meanings.length > 1,
      kind,
      query,
      itemIds: rows.map((r) => r.item.id),
      grades: rows.map((r) => r.grade),
      itemTopics: rows.map((r) => r.item.topic),
    });

    // Behaviour feeds the next turn's features.
    for (const idx of clickedNow) {
      const item = world.items[idx]!;
      sessionClicks.push(idx);
      recentClicks.push(item.vec);
      if (recentClicks.length > 5) recentClicks.shift();
      const list = clickedBy.get(item.topic) ?? [];
      list.push(idx);
      clickedBy.set(item.topic, list);
    }
    context = context ? mix(context, 0.5, queryVec, 1) : queryVec;
    clock += Math.round(rng.uniform(3, 40) * 1000) + dwellTotal;
  }
  // The user's long-term profile learns this session's clicks once it is over (features of the
  // user's later sessions see them; this session's turns do not).
  for (const idx of sessionClicks) {
    user.itemClicks.set(idx, (user.itemClicks.get(idx) ?? 0) + 1);
    if (user.clickedItems.length < 200) user.clickedItems.push(idx);
    const item = world.items[idx]!;
    for (const [token, w] of item.tfidf) user.titleBag.set(token, (user.titleBag.get(token) ?? 0) + w / item.tfidfNorm);
  }
  if (sessionClicks.length > 0) {
    let n = 0;
    for (const w of user.titleBag.values()) n += w * w;
    user.titleBagNorm = Math.sqrt(n);
  }
  // Next session of this user: hours to days later.
  user.clock = clock + Math.round((0.5 - Math.log(1 - rng.next()) * 48) * 3_600_000);

  const line = `{"v":1,"session_id":"${sessionId}","user_id":"${user.id}","split":"${user.split}","events":[${events.join(',')}]}`;
  return { sessionId, userId: user.id, split: user.split, line, turns };
}

/** Cosine between the item's tf·idf title vector and the titles the user clicked in earlier sessions. */
function titleAffinity(user: UserState, item: Item): number {
  if (user.titleBagNorm === 0 || item.tfidfNorm === 0) return 0;
  let s = 0;
  for (const [token, w] of item.tfidf) s += w * (user.titleBag.get(token) ?? 0);
  return s / (item.tfidfNorm * user.titleBagNorm);
}

function meanVec(vs: readonly Float64Array[]): Float64Array {
  const m = new Float64Array(DIM);
  for (const v of vs) for (let i = 0; i < DIM; i++) m[i] = m[i]! + v[i]!;
  return normalise(m);
}

/**
 * The candidate list of one turn: items retrieved for the current query, plus items from the
 * session's earlier topics (what a history-driven engine keeps resurfacing — wrong answers once
 * the user has moved on), plus a few same-domain and long-term-history distractors.
 */
function retrieve(
  world: World,
  rng: Rng,
  user: UserState,
  topic: number,
  aspect: number,
  kind: TurnKind,
  seenTopics: readonly number[],
  clickedBy: Map<number, number[]>,
  meanings: readonly number[],
): number[] {
  const n = rng.int(10, 20);
  const chosen = new Set<number>();
  const add = (idx: number): void => {
    if (chosen.size < n) chosen.add(idx);
  };
  const earlier = seenTopics.filter((t) => t !== topic).reverse(); // most recent first
  const nPrev =
    earlier.length === 0 ? 0 : Math.round(n * (kind === 'refine' ? rng.uniform(0.1, 0.25) : rng.uniform(0.25, 0.45)));
  const nOther = Math.round(n * rng.uniform(0.05, 0.2));
  const nCur = n - nPrev - nOther;

  const t = world.topics[topic]!;
  const matching = aspect >= 0 ? t.itemsByAspect[aspect]! : [];
  for (const idx of rng.sample(matching, Math.ceil(nCur / 3))) add(idx);
  // An ambiguous query retrieves every reading (by its intent words when it has them); only one
  // reading is what the user means.
  const others = meanings.filter((m) => m !== topic);
  if (others.length > 0) {
    const nOthers = Math.round(nCur * OTHER_READINGS_SHARE);
    for (let k = 0; k < nOthers; k++) {
      const o = world.topics[rng.pick(others)]!;
      add(rng.pick(aspect >= 0 && rng.chance(0.8) ? o.itemsByAspect[aspect]! : o.items));
    }
  }
  for (const idx of rng.sample(t.items, nCur + 4)) if (chosen.size < nCur) add(idx);

  if (nPrev > 0) {
    const target = chosen.size + nPrev;
    // Items the user already clicked for an earlier topic come first: behaviour loves them.
    for (const old of earlier) for (const idx of clickedBy.get(old) ?? []) if (chosen.size < target) add(idx);
    let guard = 0;
    while (chosen.size < target && guard++ < 50) {
      const old = rng.chance(0.7) ? earlier[0]! : rng.pick(earlier);
      add(rng.pick(world.topics[old]!.items));
    }
  }
  let guard = 0;
  while (chosen.size < n && guard++ < 100) {
    const r = rng.next();
    if (r < 0.6) {
      const sibling = rng.pick(world.topicsByDomain[t.domain]!);
      add(rng.pick(world.topics[sibling]!.items));
    } else if (r < 0.8 && user.clickedItems.length > 0) {
      add(rng.pick(user.clickedItems));
    } else {
      add(rng.int(0, world.items.length - 1));
    }
  }
  return [...chosen];
}
