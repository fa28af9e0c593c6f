// Serves the dispatcher over a message port (Electron: MessagePortMain in the utility process;
// tests: a worker_threads MessageChannel). The mirror of portTransport in src-common/api/client.ts.
import type { CallEvent } from '../../src-common/api/contract.ts';
import type { PortReply, PortRequest } from '../../src-common/api/client.ts';
import { ApiError } from '../../src-common/errors.ts';
import { throttledProgress, type Dispatcher } from '../api/dispatch.ts';

export interface ServerPort {
  postMessage(msg: unknown): void;
  onMessage(fn: (data: unknown) => void): void;
}

export function servePort(dispatcher: Dispatcher, port: ServerPort): void {
  const running = new Map<number, AbortController>();
  const send = (id: number, event: CallEvent) => port.postMessage({ id, event } satisfies PortReply);

  port.onMessage((data) => {
    const msg = data as PortRequest;
    if (typeof msg !== 'object' || msg === null || typeof msg.id !== 'number') return;
    if ('cancel' in msg) {
      running.get(msg.id)?.abort();
      return;
    }
    const abort = new AbortController();
    running.set(msg.id, abort);
    dispatcher
      .call(String(msg.method), msg.input, {
        signal: abort.signal,
        onProgress: throttledProgress((progress) => send(msg.id, { type: 'progress', progress })),
      })
      .then(
        (result) => send(msg.id, { type: 'result', result }),
        (err) =>
          send(msg.id, {
            type: 'error',
            error: (err instanceof ApiError ? err : new ApiError('internal', String(err))).toJSON(),
          }),
      )
      .finally(() => running.delete(msg.id));
  });
}
