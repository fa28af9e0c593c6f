// The shared tokenizer vectors (test/fixtures/tokenizer-vectors.json) — trainer/tests/test_tokenizer.py
// checks the same file against the Python mirror, so a model trained in Python sees the ids the app sends.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  bucketId,
  encodeItemId,
  encodeText,
  fnv1a32,
  tokenize,
  encodeQuery,
  DEFAULT_TOKENIZER,
} from '../../../src-common/tokenizer.ts';

interface Vectors {
  hashes: Array<{ input: string; fnv1a32: number }>;
  vectors: Array<{
    name: string;
    text: string;
    tokens: string[];
    ids: Record<string, { q16: number[]; t24: number[] }>;
  }>;
  items: Array<{ itemId: string; ids: Record<string, number> }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/tokenizer-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

describe('tokenizer vectors', () => {
  it('FNV-1a 32 matches the published reference values', () => {
    // Independent of our fixture: values from the FNV reference test suite.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    for (const h of fixture.hashes) expect(fnv1a32(h.input), h.input).toBe(h.fnv1a32);
  });

  it.each(fixture.vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(tokenize(v.text)).toEqual(v.tokens);
    for (const [buckets, ids] of Object.entries(v.ids)) {
      expect(encodeText(v.text, 16, Number(buckets))).toEqual(ids.q16);
      expect(encodeText(v.text, 24, Number(buckets))).toEqual(ids.t24);
    }
  });

  it('item ids hash raw (case-sensitive) and "" is no item', () => {
    for (const it of fixture.items)
      for (const [b, id] of Object.entries(it.ids)) expect(encodeItemId(it.itemId, Number(b))).toBe(id);
    expect(encodeItemId('i01234', 8192)).not.toBe(encodeItemId('I01234', 8192));
  });
});

describe('encoding rules', () => {
  it('pads with 0, truncates beyond the limit, never emits 0 for a real token', () => {
    const ids = encodeQuery('a b c');
    expect(ids).toHaveLength(DEFAULT_TOKENIZER.queryTokens);
    expect(ids.slice(3).every((x) => x === 0)).toBe(true);
    expect(ids.slice(0, 3).every((x) => x >= 1 && x < DEFAULT_TOKENIZER.tokenBuckets)).toBe(true);
    expect(encodeText('one two three four', 2, 97)).toEqual([bucketId('one', 97), bucketId('two', 97)]);
  });

  it('rejects nonsense parameters with a message naming them', () => {
    expect(() => bucketId('x', 1)).toThrow(/buckets/);
    expect(() => encodeText('x', 0, 97)).toThrow(/maxTokens/);
  });
});
