// Shared plumbing of the importers: file hashing, problem collection, progress and yielding.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type { ImportReport, Progress } from '../../src-common/api/types.ts';
export { findImport } from '../store/imports.ts';
export { inTransaction } from '../store/store.ts';

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** How many problems an import reports in full; the message says how many more there were. */
export const MAX_PROBLEMS = 100;

export class Problems {
  readonly list: Problem[] = [];
  extra = 0;
  conflicts = 0;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  add(line: number, field: string, message: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push({ where: `${this.file}:${line}:${field}`, message });
    else this.extra++;
  }
  get count(): number {
    return this.list.length + this.extra;
  }
  /** Throws the collected problems as one ApiError; conflicts alone get code 'conflict'. */
  throw(what: string): never {
    const code = this.conflicts === this.count ? 'conflict' : 'invalid_file';
    const first = this.list[0]!;
    const more =
      this.count > 1
        ? ` (and ${this.count - 1} more problem${this.count > 2 ? 's' : ''}${this.extra ? `, ${this.extra} not listed` : ''})`
        : '';
    throw new ApiError(
      code,
      `${what} ${this.file} was not imported, nothing was written: ${first.where} — ${first.message}${more}`,
      this.list,
    );
  }
}

export function checkFile(path: string): { size: number; name: string } {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new ApiError('not_found', `cannot read ${path}: ${(err as Error).message}`, [
      { where: path, message: (err as Error).message },
    ]);
  }
  return { size, name: basename(path) };
}

export async function sha256File(path: string, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw cancelled(path);
    h.update(chunk);
    n += chunk.length;
    onBytes?.(n);
  }
  return h.digest('hex');
}

export function cancelled(path: string): ApiError {
  return new ApiError('cancelled', `import of ${path} was cancelled; nothing was written`);
}

/**
 * Gives the event loop a turn when this import has held it for a while, so the API keeps
 * answering during a long import. Returns quickly otherwise.
 */
export class Yielder {
  private last = performance.now();
  private readonly sliceMs: number;
  constructor(sliceMs = 20) {
    this.sliceMs = sliceMs;
  }
  async maybe(): Promise<void> {
    const now = performance.now();
    if (now - this.last < this.sliceMs) return;
    await new Promise<void>((r) => setImmediate(r));
    this.last = performance.now();
  }
}

/** Throttled progress reporting (at most every 100 ms, plus the final call). */
export class ProgressReporter {
  private last = 0;
  private readonly cb: ((p: Progress) => void) | undefined;
  constructor(cb: ((p: Progress) => void) | undefined) {
    this.cb = cb;
  }
  report(p: Progress, force = false): void {
    if (!this.cb) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.cb(p);
  }
}

export function emptyReport(file: string, kind: ImportReport['kind']): ImportReport {
  return {
    file,
    kind,
    alreadyImported: false,
    sessions: 0,
    skippedSessions: 0,
    turns: 0,
    resultRows: 0,
    newFeatureNames: [],
    warnings: [],
    durationMs: 0,
  };
}
