// Fakes for the label outbox's tests (lib/label-outbox.ts): in-memory storage, a client answering
// from a script, a backend acknowledgement, and a backend that cannot be reached.
import type { ApiClient } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';
import type { StorageLike } from '../../../src-renderer/src/lib/label-outbox.ts';

export function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

export function fakeClient(
  answers: (() => unknown)[],
  seen: { method: string; input: { eventId: string } }[],
): ApiClient {
  return {
    call: async (method: string, input: { eventId: string }) => {
      seen.push({ method, input });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next();
    },
  } as unknown as ApiClient;
}

export const ack = (eventId: string) => ({
  eventId,
  seq: 1,
  duplicate: false,
  recordedAt: 'now',
  labels: {},
  skipped: false,
  flag: null,
});
export const unreachable = () => {
  throw new ApiError('internal', 'cannot reach the workbench backend: fetch failed');
};
