// A deliberately small e2e harness: test files call `test(name, fn)`; run.ts runs them in order,
// each in a fresh browser context (fresh sessionStorage), and prints one line per test.
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import { join } from 'node:path';

/** Where e2e screenshots go (test-results/ is ignored by git); QGS_SHOTS overrides for a session's own folder. */
export function shotsDir(sub: string): string {
  return process.env.QGS_SHOTS ?? join(import.meta.dirname, '..', '..', 'test-results', 'screenshots', sub);
}

export interface Ctx {
  browser: Browser;
  /** A fresh page in a fresh context, 1440×900. */
  page: Page;
  /** http://127.0.0.1:PORT (no token). */
  baseUrl: string;
  token: string;
  /** The real API, through the same client the renderer uses. */
  api: ApiClient;
  /** Opens the app with the token, optionally at a hash route, and waits for the shell. */
  openApp(hash?: string): Promise<void>;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

export interface TestCase {
  name: string;
  file: string;
  fn: (ctx: Ctx) => Promise<void>;
}

export const registry: TestCase[] = [];
let currentFile = '';

export function setCurrentFile(f: string): void {
  currentFile = f;
}

export function test(name: string, fn: (ctx: Ctx) => Promise<void>): void {
  registry.push({ name, file: currentFile, fn });
}

/**
 * Retries `check` until it stops throwing (the UI updates asynchronously), then returns its value;
 * after `timeoutMs` rethrows the last failure. Used for waiting, never to assert on durations.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The same case-insensitive folding the backend's search uses. */
export function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** Thrown by a test whose precondition is missing (e.g. no model registered): reported as skipped, not passed. */
export class Skip extends Error {}
