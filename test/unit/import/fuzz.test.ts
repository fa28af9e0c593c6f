// Property tests of the line parser and the line reader (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSessionLine, validateSession } from '../../../src-backend/data/session-validate.ts';
import { readLines } from '../../../src-backend/data/lines.ts';
import { tempDir } from './helpers.ts';

const id = fc.string({ minLength: 1, maxLength: 20 });
const featureName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,10}$/);
const result = (position: number) =>
  fc.record(
    {
      item_id: id,
      title: fc.string({ maxLength: 30 }),
      position: fc.constant(position),
      features: fc.dictionary(featureName, fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 5 }),
      click: fc.boolean(),
      dwell_ms: fc.nat(),
    },
    { requiredKeys: ['item_id', 'title', 'position', 'features'] },
  );
const event = (ts: string) =>
  fc.record({
    ts: fc.constant(ts),
    query: fc.string({ minLength: 1, maxLength: 40 }).filter((q) => q.trim().length > 0),
    results: fc
      .integer({ min: 0, max: 4 })
      .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => result(i + 1)))),
  });
const validSession = fc.record(
  {
    v: fc.constant(1),
    session_id: id,
    user_id: id,
    split: fc.constantFrom('train', 'valid', 'test'),
    events: fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 4 }).chain((offsets) => {
      let t = Date.UTC(2026, 0, 1);
      return fc.tuple(...offsets.map((o) => event(new Date((t += o * 1000)).toISOString())));
    }),
  },
  { requiredKeys: ['v', 'session_id', 'user_id', 'events'] },
);
// Item ids must be unique inside an event; make them so.
const uniqueItems = validSession.map((s) => ({
  ...s,
  events: s.events.map((e) => ({ ...e, results: e.results.map((r, i) => ({ ...r, item_id: `${i}:${r.item_id}` })) })),
}));

describe('session line parser (fuzzed)', () => {
  it('never throws on arbitrary bytes; it returns a session or named problems', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parseSessionLine(bytes);
        expect(r.session === null).toBe(r.problems.length > 0);
        for (const p of r.problems) expect(p.message).toMatch(/^(expected|unknown field)/);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary JSON values, and rejects them unless they are sessions', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = validateSession(v);
        expect(r.session).toBeNull();
        expect(r.problems.length).toBeGreaterThan(0);
        expect(r.problems.length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every valid session and returns it with defaults applied', () => {
    fc.assert(
      fc.property(uniqueItems, (original) => {
        const text = JSON.stringify(original);
        const s = JSON.parse(text) as typeof original; // what the line says (e.g. -0 is written as 0)
        const r = parseSessionLine(Buffer.from(text));
        expect(r.problems).toEqual([]);
        expect(r.session).toEqual({
          session_id: s.session_id,
          user_id: s.user_id,
          split: s.split ?? null,
          events: s.events.map((e) => ({
            ...e,
            results: e.results.map((x) => ({ ...x, click: x.click ?? false, dwell_ms: x.dwell_ms ?? null })),
          })),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('names the field when one value of a valid session is replaced by a wrong one', () => {
    const WRONG: Record<string, unknown[]> = {
      session_id: [null, 1.5, true, [], {}, '', 'x'.repeat(129)],
      user_id: [null, 7, false, ['u']],
      events: [null, 'x', 1, [], {}],
      ts: [null, 'yesterday', 1700000000, '2026-01-01', '2026-01-01T00:00:00'],
      query: [null, 1, '   ', true, 'q'.repeat(2001)],
      position: [null, '1', 0, 1.5, -3],
      features: [null, 'x', [], 1, { 'bad name': 1 }, { a: 'x' }, { a: null }],
    };
    fc.assert(
      fc.property(uniqueItems, fc.constantFrom(...Object.keys(WRONG)), fc.nat(), (s, field, pick) => {
        const values = WRONG[field]!;
        const value = values[pick % values.length];
        const copy = structuredClone(s) as Record<string, unknown> & typeof s;
        let path = field;
        if (field === 'ts' || field === 'query') {
          (copy.events[0] as Record<string, unknown>)[field] = value;
          path = `events[0].${field}`;
        } else if (field === 'position' || field === 'features') {
          if (copy.events[0]!.results.length === 0) return;
          (copy.events[0]!.results[0] as Record<string, unknown>)[field] = value;
          path = `events[0].results[0].${field}`;
        } else copy[field] = value;
        const r = parseSessionLine(Buffer.from(JSON.stringify(copy)));
        expect(r.session).toBeNull();
        expect(r.problems.some((p) => p.field === path || p.field.startsWith(`${path}.`))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('line reader (fuzzed)', () => {
  it('yields exactly the lines of the file, for any content, line-length limit and chunking', async () => {
    const dir = tempDir();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ maxLength: 50, unit: 'grapheme' }).map((s) => s.replace(/[\n\r]/g, '')),
          { maxLength: 30 },
        ),
        fc.boolean(),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 64 }),
        async (lines, trailingNewline, limit, chunk) => {
          const file = join(dir, 'f.txt');
          const text = lines.join('\n') + (trailingNewline && lines.length ? '\n' : '');
          writeFileSync(file, text);
          const got: { no: number; text: string | null; length: number }[] = [];
          for await (const l of (await readLines(file, limit, chunk)).lines)
            got.push({ no: l.no, text: l.bytes && l.bytes.toString('utf8'), length: l.length });
          const expected = text === '' ? [] : text.replace(/\n$/, '').split('\n');
          expect(got).toEqual(
            expected.map((t, i) => {
              const length = Buffer.byteLength(t);
              return { no: i + 1, text: length <= limit ? t : null, length };
            }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
