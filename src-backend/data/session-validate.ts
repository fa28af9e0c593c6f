// Validation of one session-log v1 line (docs/session-log-v1.md). Hand-written rather than a schema
// library: it runs on every line of multi-million-row imports, and each problem must say exactly
// which field is wrong, what was expected and what was found.
import { SPLITS, type Split } from '../../src-common/api/types.ts';

export interface ResultV1 {
  item_id: string;
  title: string;
  position: number;
  features: Record<string, number>;
  click: boolean;
  dwell_ms: number | null;
}
export interface EventV1 {
  ts: string;
  query: string;
  results: ResultV1[];
}
export interface SessionV1 {
  session_id: string;
  user_id: string;
  split: Split | null;
  events: EventV1[];
}

/** A problem inside one line: field path (e.g. `events[2].results[0].position`) and message. */
export interface LineProblem {
  field: string;
  message: string;
}

export const LIMITS = {
  idChars: 128,
  events: 10_000,
  queryChars: 2_000,
  results: 1_000,
  titleChars: 4_000,
  features: 256,
} as const;
export const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
// Feature names repeat on every result; remember the ones already checked (bounded).
const goodNames = new Set<string>();
function goodName(name: string): boolean {
  if (goodNames.has(name)) return true;
  if (!FEATURE_NAME.test(name)) return false;
  if (goodNames.size < 10_000) goodNames.add(name);
  return true;
}
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const SPLIT_SET: ReadonlySet<string> = new Set(SPLITS);
const TOP_KEYS = new Set(['v', 'session_id', 'user_id', 'split', 'events']);
const EVENT_KEYS = new Set(['ts', 'query', 'results']);
const RESULT_KEYS = new Set(['item_id', 'title', 'position', 'features', 'click', 'dwell_ms']);
/** One broken line should not drown the report; the import stops collecting at this many per line. */
const MAX_PROBLEMS_PER_LINE = 10;

/** Short description of a JSON value for "got …" messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  switch (typeof v) {
    case 'string': {
      const s = v.length > 40 ? `${v.slice(0, 37)}…` : v;
      return `the string ${JSON.stringify(s)}${v.length > 40 ? ` (${v.length} chars)` : ''}`;
    }
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** Length in Unicode code points (what the JSON Schema maxLength counts), cheaply. */
function chars(s: string): number {
  let n = s.length;
  // Only strings with surrogate pairs differ; count those pairs once each.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

class Collector {
  readonly problems: LineProblem[] = [];
  add(field: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS_PER_LINE) this.problems.push({ field, message });
  }
  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS_PER_LINE;
  }
  str(v: unknown, field: string, min: number, max: number): v is string {
    if (typeof v !== 'string') {
      this.add(field, `expected a string, got ${v === undefined ? 'nothing (required)' : describe(v)}`);
      return false;
    }
    if (v.length < min || (v.length > max && chars(v) > max)) {
      this.add(field, `expected ${min}–${max} characters, got ${chars(v)}`);
      return false;
    }
    return true;
  }
  int(v: unknown, field: string, min: number): v is number {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(field, `expected an integer, got ${v === undefined ? 'nothing (required)' : describe(v)}`);
      return false;
    }
    if (v < min) {
      this.add(field, `expected an integer ≥ ${min}, got ${v}`);
      return false;
    }
    return true;
  }
  object(v: unknown, field: string): v is Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.add(field, `expected an object, got ${v === undefined ? 'nothing (required)' : describe(v)}`);
      return false;
    }
    return true;
  }
  array(v: unknown, field: string, min: number, max: number): v is unknown[] {
    if (!Array.isArray(v)) {
      this.add(field, `expected an array, got ${v === undefined ? 'nothing (required)' : describe(v)}`);
      return false;
    }
    if (v.length < min || v.length > max) {
      this.add(field, `expected ${min}–${max} entries, got ${v.length}`);
      return false;
    }
    return true;
  }
  unknownKeys(o: Record<string, unknown>, allowed: Set<string>, prefix: string): void {
    for (const k in o) {
      if (!allowed.has(k))
        this.add(prefix ? `${prefix}.${k}` : k, `unknown field (allowed: ${[...allowed].join(', ')})`);
    }
  }
}

/**
 * Checks a parsed JSON value against v1. Returns the typed session when there are no problems.
 * Defaults are applied (click false, dwell_ms null, split null).
 */
export function validateSession(v: unknown): { session: SessionV1 | null; problems: LineProblem[] } {
  const c = new Collector();
  if (!c.object(v, '(line)')) return { session: null, problems: c.problems };
  c.unknownKeys(v, TOP_KEYS, '');
  if (v.v !== 1)
    c.add('v', `expected 1 (format version), got ${v.v === undefined ? 'nothing (required)' : describe(v.v)}`);
  c.str(v.session_id, 'session_id', 1, LIMITS.idChars);
  c.str(v.user_id, 'user_id', 1, LIMITS.idChars);
  if (v.split !== undefined && !(typeof v.split === 'string' && SPLIT_SET.has(v.split)))
    c.add('split', `expected "train", "valid" or "test", got ${describe(v.split)}`);
  const events: EventV1[] = [];
  if (c.array(v.events, 'events', 1, LIMITS.events)) {
    let prevTs = -Infinity;
    for (let e = 0; e < v.events.length && !c.full; e++) {
      const ev = v.events[e];
      const ef = `events[${e}]`;
      if (!c.object(ev, ef)) continue;
      c.unknownKeys(ev, EVENT_KEYS, ef);
      if (typeof ev.ts !== 'string' || !ISO_TS.test(ev.ts) || Number.isNaN(Date.parse(ev.ts))) {
        c.add(
          `${ef}.ts`,
          `expected an ISO-8601 date-time with zone like "2026-03-01T09:12:03.000Z", got ${ev.ts === undefined ? 'nothing (required)' : describe(ev.ts)}`,
        );
      } else {
        const t = Date.parse(ev.ts);
        if (t < prevTs)
          c.add(
            `${ef}.ts`,
            `expected events in time order (ts ≥ the previous event's), got ${ev.ts} after a later one`,
          );
        prevTs = t;
      }
      if (typeof ev.query === 'string') {
        const n = chars(ev.query.trim());
        if (n < 1 || n > LIMITS.queryChars)
          c.add(`${ef}.query`, `expected 1–${LIMITS.queryChars} characters after trimming, got ${n}`);
      } else c.str(ev.query, `${ef}.query`, 1, LIMITS.queryChars);
      const results: ResultV1[] = [];
      if (c.array(ev.results, `${ef}.results`, 0, LIMITS.results)) {
        const items = new Set<string>();
        const positions = new Set<number>();
        for (let r = 0; r < ev.results.length && !c.full; r++) {
          const res = validateResult(c, ev.results[r], `${ef}.results[${r}]`, items, positions);
          if (res) results.push(res);
        }
      }
      events.push({ ts: ev.ts as string, query: ev.query as string, results });
    }
  }
  if (c.problems.length) return { session: null, problems: c.problems };
  return {
    session: {
      session_id: v.session_id as string,
      user_id: v.user_id as string,
      split: (v.split as SessionV1['split'] | undefined) ?? null,
      events,
    },
    problems: [],
  };
}

function validateResult(
  c: Collector,
  r: unknown,
  rf: string,
  items: Set<string>,
  positions: Set<number>,
): ResultV1 | null {
  if (!c.object(r, rf)) return null;
  const before = c.problems.length;
  c.unknownKeys(r, RESULT_KEYS, rf);
  if (c.str(r.item_id, `${rf}.item_id`, 1, LIMITS.idChars)) {
    if (items.has(r.item_id))
      c.add(`${rf}.item_id`, `expected item ids unique within an event, got ${JSON.stringify(r.item_id)} again`);
    items.add(r.item_id);
  }
  c.str(r.title, `${rf}.title`, 0, LIMITS.titleChars);
  if (c.int(r.position, `${rf}.position`, 1)) {
    if (positions.has(r.position))
      c.add(`${rf}.position`, `expected positions unique within an event, got ${r.position} again`);
    positions.add(r.position);
  }
  // `features` may be left out: real logs often carry none (ids and text alone); it reads as {}.
  if (r.features !== undefined && c.object(r.features, `${rf}.features`)) {
    let n = 0;
    for (const name in r.features) {
      n++;
      if (!goodName(name))
        c.add(
          `${rf}.features`,
          `expected feature names matching ${FEATURE_NAME.source}, got ${JSON.stringify(name.slice(0, 80))}`,
        );
      const val = r.features[name];
      if (typeof val !== 'number' || !Number.isFinite(val))
        c.add(`${rf}.features.${name}`, `expected a finite number, got ${describe(val)}`);
    }
    if (n > LIMITS.features) c.add(`${rf}.features`, `expected at most ${LIMITS.features} features, got ${n}`);
  }
  if (r.click !== undefined && typeof r.click !== 'boolean')
    c.add(`${rf}.click`, `expected true or false, got ${describe(r.click)}`);
  if (r.dwell_ms !== undefined) c.int(r.dwell_ms, `${rf}.dwell_ms`, 0);
  if (c.problems.length !== before) return null;
  return {
    item_id: r.item_id as string,
    title: r.title as string,
    position: r.position as number,
    features: (r.features as Record<string, number> | undefined) ?? {},
    click: (r.click as boolean | undefined) ?? false,
    dwell_ms: (r.dwell_ms as number | undefined) ?? null,
  };
}

/** Decodes and validates one raw line. `null` bytes mean the line was over the size limit. */
export function parseSessionLine(bytes: Uint8Array): { session: SessionV1 | null; problems: LineProblem[] } {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return {
      session: null,
      problems: [
        {
          field: '(line)',
          message: `expected UTF-8 text, got invalid UTF-8 (first bad byte at offset ${firstBadUtf8(bytes)})`,
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      session: null,
      problems: [
        { field: '(line)', message: `expected one JSON object, got malformed JSON: ${(err as Error).message}` },
      ],
    };
  }
  return validateSession(value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Byte offset of the first invalid UTF-8 sequence (for the error message only). */
export function firstBadUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const need =
      c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= b.length + (need ? 0 : 1)) return i;
    for (let k = 1; k <= need; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}
