// Contract validation failures (zod issues) in words a user can act on. The dispatcher turns them into
// the ApiError every transport carries; the renderer shows `message` in its error banner, so it must
// read as a sentence ("The query is too long: at most 2000 characters (edit.query).") and not as
// zod's raw text ("Too big: expected string to have <=2000 characters"). Runs anywhere.
import type { z } from 'zod';
import { ApiError, type Problem } from '../errors.ts';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `edit.features[0].value`: dotted names, array indexes in brackets. `(input)` for the whole input. */
export function issuePath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(input)';
}

/** `removeHistorySteps` → `remove history steps`; an array element reads as "an entry of …". */
function subject(path: readonly PathKey[]): string {
  const last = path.at(-1);
  if (last === undefined) return 'The input';
  if (typeof last === 'number') {
    const owner = path.at(-2);
    return owner === undefined ? `Entry ${last}` : `Entry ${last} of ${words(String(owner))}`;
  }
  const w = words(String(last));
  return w.length <= 2 ? w : `The ${w}`;
}

function listName(path: readonly PathKey[]): string {
  return path.length ? words(String(path.at(-1))) : 'the input';
}

function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

const NOUN: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return input.length <= 40 ? `the text ${JSON.stringify(input)}` : 'text';
  if (typeof input === 'number') return String(input);
  if (typeof input === 'object') return 'an object';
  return typeof input === 'boolean' ? 'true or false' : typeof input;
}

function bound(n: number | bigint, inclusive: boolean | undefined, atLeast: boolean): string {
  if (inclusive === false) return `${atLeast ? 'more' : 'less'} than ${n}`;
  return `${atLeast ? 'at least' : 'at most'} ${n}`;
}

/** One sentence, without the location (the caller adds it). */
function describe(issue: Issue, value: unknown): string {
  const who = subject(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) return `${who} is required`;
      const expected = NOUN[issue.expected] ?? issue.expected;
      return `Expected ${expected}, got ${received(value)}`;
    }
    case 'too_big': {
      const lim = bound(issue.maximum, issue.inclusive, false);
      if (issue.origin === 'string') return `${who} is too long: ${lim} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `Too many entries in ${listName(issue.path)}: ${lim}`;
      return `${who} is too large: ${lim}`;
    }
    case 'too_small': {
      const lim = bound(issue.minimum, issue.inclusive, true);
      if (issue.origin === 'string')
        return Number(issue.minimum) === 1 ? `${who} must not be empty` : `${who} is too short: ${lim} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `Too few entries in ${listName(issue.path)}: ${lim}`;
      return `${who} is too small: ${lim}`;
    }
    case 'invalid_value':
      return `${who} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      // A schema with its own message (e.g. "a model sha256 …") says what is expected; zod's default does not.
      return /^Invalid\b/.test(issue.message)
        ? `${who} is not in the expected format (${issue.format})`
        : `${who} must be ${issue.message}`;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'not_multiple_of':
      return `${who} must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Each issue as a Problem: `where` is the input path, `message` a sentence without it. */
export function issueProblems(issues: readonly Issue[], input: unknown): Problem[] {
  return issues.map((i) => ({ where: issuePath(i.path), message: describe(i, valueAt(input, i.path)) }));
}

/** The ApiError for input a method's schema rejected: the first problem in words, then how many more. */
export function validationError(method: string, issues: readonly Issue[], input: unknown): ApiError {
  const problems = issueProblems(issues, input);
  const first = problems[0];
  if (!first) return new ApiError('invalid_input', `The input for ${method} was rejected.`, []);
  const more =
    problems.length > 1 ? ` ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} listed below.` : '';
  const at = first.where.startsWith('(') ? first.where : `(${first.where})`;
  return new ApiError('invalid_input', `${first.message} ${at}.${more}`, problems);
}
