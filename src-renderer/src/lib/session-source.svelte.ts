// Data behind the virtualised session list: fetches fixed-size pages of `sessions.list` on demand,
// caches them, and cancels what is no longer wanted — every request of an old filter when the
// filters change, and in-flight pages that have scrolled far out of view.
import type { ApiClient } from '../../../src-common/api/client.ts';
import type { MethodInput } from '../../../src-common/api/contract.ts';
import type { SessionSummary, Split } from '../../../src-common/api/types.ts';
import { errorBanner, isCancelled } from './errors.svelte.ts';

export interface ListFilters {
  q: string;
  userId: string;
  /** Only sessions with at least one query switch. */
  hasSwitch: boolean;
  split: Split | '';
}

export const NO_FILTERS: ListFilters = { q: '', userId: '', hasSwitch: false, split: '' };

export function toListInput(f: ListFilters, offset: number, limit: number): MethodInput<'sessions.list'> {
  const input: MethodInput<'sessions.list'> = { offset, limit };
  if (f.q.trim()) input.q = f.q.trim();
  if (f.userId.trim()) input.userId = f.userId.trim();
  if (f.hasSwitch) input.hasSwitch = true;
  if (f.split) input.split = f.split;
  return input;
}

export class SessionSource {
  /** Sessions matching the filters; null until the first page of this filter has arrived. */
  total = $state<number | null>(null);
  /** Bumped whenever cached pages change, so views re-read rows. */
  version = $state(0);
  /** The last request for this filter failed (the error banner says why). */
  failed = $state(false);
  readonly pageSize: number;
  private readonly client: ApiClient;
  private filters: ListFilters = NO_FILTERS;
  private pages = new Map<number, SessionSummary[]>();
  private inflight = new Map<number, AbortController>();

  constructor(client: ApiClient, pageSize = 100) {
    this.client = client;
    this.pageSize = pageSize;
  }

  setFilters(f: ListFilters): void {
    for (const c of this.inflight.values()) c.abort();
    this.inflight.clear();
    this.pages.clear();
    this.filters = { ...f };
    this.total = null;
    this.failed = false;
    this.version++;
    this.ensure(0, 0);
  }

  /** The row at `index`, or undefined while its page is loading. */
  row(index: number): SessionSummary | undefined {
    void this.version; // reactive dependency
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Position of a session among the loaded rows of the current filter, or -1. */
  indexOf(sessionId: string): number {
    for (const [p, rows] of this.pages) {
      const k = rows.findIndex((r) => r.sessionId === sessionId);
      if (k >= 0) return p * this.pageSize + k;
    }
    return -1;
  }

  /** The row at `index`, fetching its page if needed (for next/previous-session navigation). */
  async load(index: number): Promise<SessionSummary | undefined> {
    const have = this.row(index);
    if (have) return have;
    const p = Math.floor(index / this.pageSize);
    const filters = this.filters;
    const page = await this.client.call('sessions.list', toListInput(filters, p * this.pageSize, this.pageSize));
    if (filters !== this.filters) return undefined;
    this.pages.set(p, page.rows);
    this.total = page.total;
    this.version++;
    return page.rows[index % this.pageSize];
  }

  /** Makes sure rows first..last are loaded or loading; drops requests far outside that range. */
  ensure(first: number, last: number): void {
    const p0 = Math.floor(Math.max(0, first) / this.pageSize);
    const p1 = Math.floor(Math.max(0, last) / this.pageSize);
    for (const [p, c] of this.inflight) {
      if (p < p0 - 1 || p > p1 + 1) {
        c.abort();
        this.inflight.delete(p);
      }
    }
    for (let p = p0; p <= p1; p++) {
      if (!this.pages.has(p) && !this.inflight.has(p)) void this.fetchPage(p);
    }
  }

  private async fetchPage(p: number): Promise<void> {
    const controller = new AbortController();
    this.inflight.set(p, controller);
    const filters = this.filters;
    try {
      const page = await this.client.call('sessions.list', toListInput(filters, p * this.pageSize, this.pageSize), {
        signal: controller.signal,
      });
      if (controller.signal.aborted || filters !== this.filters) return;
      this.pages.set(p, page.rows);
      this.total = page.total;
      this.version++;
    } catch (err) {
      if (!isCancelled(err) && !controller.signal.aborted && filters === this.filters) {
        this.failed = true;
        errorBanner.report(err);
      }
    } finally {
      if (this.inflight.get(p) === controller) this.inflight.delete(p);
    }
  }
}
