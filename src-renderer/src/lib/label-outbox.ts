// The renderer's outbox for label writes (docs/labeling.md, "Durability"). Every write carries a
// client-generated event id and goes through here, in order. A write is "saved" only when the
// backend acknowledged it (after its durable commit). A write that fails because the backend cannot
// be reached (restarting, connection lost) stays queued — in memory and in sessionStorage, so a
// reload keeps it — and is retried with the SAME event id, which the backend records at most once.
// Any other error (bad input, conflict) is final: the write is dropped and reported.
import type { ApiClient } from '../../../src-common/api/client.ts';
import type { LabelAck } from '../../../src-common/api/labeling-types.ts';
import type { MethodInput } from '../../../src-common/api/contract.ts';
import { ApiError } from '../../../src-common/errors.ts';

export type OutboxMethod = 'labels.record' | 'labels.undo' | 'arena.record' | 'labels.adjudicate';
export interface OutboxEntry {
  method: OutboxMethod;
  input: MethodInput<OutboxMethod> & { eventId: string };
  attempts: number;
}

export interface StorageLike {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
}

/** Transport failures worth retrying: the backend is unreachable or restarting, not refusing the input. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  // A restarted `serve` has a new token: keep the write (sessionStorage) until the tab is reopened
  // with the new URL, then send it with its event id.
  if (err.code === 'unauthorized') return true;
  if (err.code !== 'internal') return false;
  return /cannot reach|connection lost|closed the stream|HTTP 5\d\d|HTTP 0|Failed to fetch|NetworkError/i.test(
    err.message,
  );
}

export function newEventId(): string {
  return crypto.randomUUID();
}

const KEY = 'qgs.labels.outbox';

export class LabelOutbox {
  private queue: OutboxEntry[] = [];
  private waiters = new Map<string, { resolve(a: LabelAck): void; reject(e: unknown): void }[]>();
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  lastError: unknown = null;
  /** ms before the n-th retry (capped). */
  backoff = (n: number) => Math.min(2000, 100 * 2 ** Math.min(n, 5));
  private readonly client: () => ApiClient;
  private readonly storage: StorageLike | null;

  constructor(client: () => ApiClient, storage: StorageLike | null) {
    this.client = client;
    this.storage = storage;
    try {
      const saved = storage?.getItem(KEY);
      if (saved) this.queue = JSON.parse(saved) as OutboxEntry[];
    } catch {
      this.queue = [];
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes are waiting and the last try did not reach the backend. */
  get retrying(): boolean {
    return this.queue.length > 0 && this.lastError !== null;
  }

  /**
   * Calls `fn` after every change (queue length, last error); returns the unsubscribe function.
   * Several views may listen to the one shared outbox at once.
   */
  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Writes not yet acknowledged, oldest first (for the UI and tests). */
  entries(): readonly OutboxEntry[] {
    return this.queue;
  }

  private persist(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.queue));
    } catch {
      // storage full or unavailable: the in-memory queue still retries
    }
    for (const fn of this.listeners) fn();
  }

  /** Queues a write; resolves with the backend's acknowledgement, rejects on a final (non-transient) error. */
  send(method: OutboxMethod, input: OutboxEntry['input']): Promise<LabelAck> {
    const p = new Promise<LabelAck>((resolve, reject) => {
      const list = this.waiters.get(input.eventId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(input.eventId, list);
    });
    if (!this.queue.some((e) => e.input.eventId === input.eventId)) this.queue.push({ method, input, attempts: 0 });
    this.persist();
    void this.pump();
    return p;
  }

  /** Sends queued writes left from before a reload (their promises are gone; the UI refreshes from the backend). */
  flush(): void {
    void this.pump();
  }

  private settle(eventId: string, ok: boolean, value: unknown): void {
    for (const w of this.waiters.get(eventId) ?? []) ok ? w.resolve(value as LabelAck) : w.reject(value);
    this.waiters.delete(eventId);
  }

  private async pump(): Promise<void> {
    if (this.running || this.timer) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const head = this.queue[0]!;
        try {
          const ack = (await this.client().call(head.method, head.input as never)) as LabelAck;
          this.queue.shift();
          this.lastError = null;
          this.persist();
          this.settle(head.input.eventId, true, ack);
        } catch (err) {
          if (isTransient(err)) {
            head.attempts++;
            this.lastError = err;
            this.persist();
            this.timer = setTimeout(() => {
              this.timer = null;
              void this.pump();
            }, this.backoff(head.attempts));
            return;
          }
          this.queue.shift();
          this.lastError = err;
          this.persist();
          this.settle(head.input.eventId, false, err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

let shared: LabelOutbox | null = null;
/** One outbox per page, so writes queued in one view are still sent after switching views. */
export function sharedOutbox(client: ApiClient): LabelOutbox {
  if (!shared) {
    let storage: StorageLike | null = null;
    try {
      storage = typeof sessionStorage === 'undefined' ? null : sessionStorage;
    } catch {
      storage = null;
    }
    const c = client;
    shared = new LabelOutbox(() => c, storage);
    shared.flush();
  }
  return shared;
}
