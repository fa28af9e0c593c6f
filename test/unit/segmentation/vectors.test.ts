// The shared vectors (test/fixtures/text-similarity-vectors.json, segmentation-vectors.json, written
// by trainer/make_segmentation_vectors.ts) — trainer/tests/test_segmentation.py checks the same files
// against the Python mirror, so the trainer's switch/continuation split is the app's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tokenize } from '../../../src-common/tokenizer.ts';
import {
  cosine,
  ngramProfile,
  overlapCoefficient,
  sameWord,
  singular,
  stem,
  textSimilarity,
  tokenSimilarity,
} from '../../../src-common/text-similarity.ts';
import {
  BOUNDARY_REASONS,
  INTENT_PHRASES,
  classifyBoundary,
  classifySession,
  explainBoundary,
  queryParts,
  type BoundaryDecision,
  type QueryAt,
} from '../../../src-common/segmentation.ts';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'));
const TEXT = read('text-similarity-vectors.json') as {
  stems: Array<{ word: string; singular: string; stem: string }>;
  tokenPairs: Array<{ a: string; b: string; tokenSimilarity: number; sameWord: boolean }>;
  texts: Array<{ a: string; b: string; profileA: [string, number][]; textSimilarity: number; cosineStems: number }>;
};
const SEG = read('segmentation-vectors.json') as {
  intentPhrases: string[];
  queryParts: Array<{ query: string; tokens: string[]; topic: string[]; modifiers: string[] }>;
  sessions: Array<{ turns: QueryAt[]; decisions: BoundaryDecision[] }>;
};

describe('text-similarity vectors', () => {
  it('stems and singulars', () => {
    for (const v of TEXT.stems) {
      expect(singular(v.word), v.word).toBe(v.singular);
      expect(stem(v.word), v.word).toBe(v.stem);
    }
  });
  it('token similarity and same-word decisions', () => {
    for (const v of TEXT.tokenPairs) {
      expect(tokenSimilarity(v.a, v.b), `${v.a} ${v.b}`).toBe(v.tokenSimilarity);
      expect(sameWord(v.a, v.b), `${v.a} ${v.b}`).toBe(v.sameWord);
    }
  });
  it('n-gram profiles and text similarity', () => {
    for (const v of TEXT.texts) {
      expect([...ngramProfile(tokenize(v.a))]).toEqual(v.profileA);
      expect(textSimilarity(v.a, v.b)).toBe(v.textSimilarity);
      expect(cosine(ngramProfile(tokenize(v.a).map(stem)), ngramProfile(tokenize(v.b).map(stem)))).toBe(v.cosineStems);
    }
  });
  it('word forms meet and misspellings match, without merging different words', () => {
    expect(['run', 'runs', 'running', 'runner', 'runners'].map(stem)).toEqual(Array(5).fill('run'));
    expect(sameWord('headphnes', 'headphones')).toBe(true);
    expect(sameWord('pyhton', 'python')).toBe(true);
    expect(sameWord('boots', 'books')).toBe(false);
    expect(sameWord('jacket', 'racket')).toBe(false);
    expect(sameWord('rating', 'rats')).toBe(true); // stems collide (rat): why intent phrases match on singulars
    expect(singular('rating')).not.toBe(singular('rats'));
    expect(overlapCoefficient(new Set(['a', 'b']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(overlapCoefficient(new Set(), new Set(['a']))).toBe(0);
  });
});

describe('segmentation vectors', () => {
  it('the intent phrase list is the one in the vectors (the Python mirror checks the same list)', () => {
    expect([...INTENT_PHRASES]).toEqual(SEG.intentPhrases);
  });
  it('query parts', () => {
    for (const { query, ...parts } of SEG.queryParts) expect(queryParts(query), query).toEqual(parts);
  });
  it('holds every hand-built pair (else re-run: node trainer/make_segmentation_vectors.ts)', () => {
    const pairs = readFileSync(new URL('../../fixtures/reformulations.tsv', import.meta.url), 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t').slice(1, 3).join('\t'));
    const recorded = new Set(SEG.sessions.map((s) => s.turns.map((t) => t.query).join('\t')));
    for (const p of pairs) expect(recorded.has(p), p).toBe(true);
  });
  it('every session decides as recorded (kind, reason and evidence)', () => {
    for (const s of SEG.sessions) expect(classifySession(s.turns)).toEqual(s.decisions);
  });
});

describe('decisions and their one-sentence explanations', () => {
  const at = (query: string, minutes = 0): QueryAt => ({ query, time: minutes * 60_000 });
  const decide = (a: string, b: string, gap = 1) => classifyBoundary(at(a), at(b, gap));

  it.each([
    ['running shoes', 'best shoe for runners', 'refinement', 'shared_words'],
    ['cheap flights paris', 'flight deals to paris in may', 'refinement', 'shared_words'],
    ['sony wh-1000xm5', 'review', 'refinement', 'intent_only'],
    ['华为 mate 60', '多少钱', 'refinement', 'intent_only'],
    ['iphone15 case', 'iphone 15 case', 'refinement', 'similar_spelling'],
    ['trail running shoes', 'road running shoes', 'switch', 'sibling'],
    ['pad thai', 'kubernetes ingress', 'switch', 'new_topic'],
    ['Trail Shoes', 'trail  shoes!', 'repeat', 'same_query'],
  ])('%s → %s: %s (%s)', (a, b, kind, reason) => {
    const d = decide(a, b);
    expect([d.kind, d.reason]).toEqual([kind, reason]);
  });

  it('a long gap stops spelling alone from continuing a topic, not shared words', () => {
    expect(decide('iphone15 case', 'iphone 15 case', 90).reason).toBe('long_gap');
    expect(decide('running shoes', 'running shoes for flat feet', 180).kind).toBe('refinement');
  });

  it('follows the session topic across intent-only follow-ups', () => {
    const ds = classifySession([
      at('kindle paperwhite'),
      at('review', 1),
      at('kindle paperwhite case', 2),
      at('vs', 3),
      at('kobo clara', 4),
    ]);
    expect(ds.map((d) => d.kind)).toEqual(['start', 'refinement', 'refinement', 'refinement', 'switch']);
    expect(ds[2]!.topicQuery).toBe('kindle paperwhite');
    expect(ds[4]!.topicQuery).toBe('kindle paperwhite case');
  });

  it('gives every reason one sentence naming the evidence', () => {
    const seen = new Set<string>();
    for (const s of SEG.sessions)
      s.decisions.forEach((d, i) => {
        const text = explainBoundary(d, s.turns[i]!.query);
        seen.add(d.reason);
        expect(text).toMatch(/^[A-Z].*\.$/);
        expect(text.split(/\.\s/).length, text).toBe(1);
      });
    expect([...seen].sort()).toEqual([...BOUNDARY_REASONS].sort());
    expect(explainBoundary(decide('sony wh-1000xm5', 'review'), 'review')).toBe(
      'Only intent words (“review”), so it continues the topic of “sony wh-1000xm5”.',
    );
    expect(explainBoundary(decide('running shoes', 'best shoe for runners'), 'best shoe for runners')).toBe(
      'Keeps 2 of 2 topic words of “running shoes” (“running”, “shoes”; word forms and typos count), so it refines that topic.',
    );
    expect(explainBoundary(decide('trail running shoes', 'road running shoes'), 'road running shoes')).toBe(
      'Replaces “trail” with “road” in “trail running shoes”: a neighbouring topic.',
    );
  });
});
