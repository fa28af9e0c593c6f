// The renderer's (and any script's) view of the backend: one typed `call`, whatever carries it.
// httpTransport speaks to `serve` (browser mode); portTransport to the Electron utility process over
// a MessagePort. Both deliver the same CallEvents, so behaviour is identical across hosts.
// inProcessTransport calls a dispatcher in the same process (the CLI), through the same typed client.
import type { CallEvent, MethodInput, MethodName, MethodResult } from './contract.ts';
import type { Progress } from './types.ts';
import { ApiError } from '../errors.ts';

export interface CallOpts {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Transport {
  call(method: string, input: unknown, opts: CallOpts): Promise<unknown>;
}

export class ApiClient {
  readonly transport: Transport;
  constructor(transport: Transport) {
    this.transport = transport;
  }
  call<M extends MethodName>(method: M, input: MethodInput<M>, opts: CallOpts = {}): Promise<MethodResult<M>> {
    return this.transport.call(method, input, opts) as Promise<MethodResult<M>>;
  }
}

/** Folds a call's event stream into its result; the one place events are interpreted. */
function applyEvent(e: CallEvent, opts: CallOpts): { done: true; value: unknown } | { done: false } {
  if (e.type === 'progress') {
    opts.onProgress?.(e.progress);
    return { done: false };
  }
  if (e.type === 'error') throw ApiError.fromJSON(e.error);
  return { done: true, value: e.result };
}

/** What inProcessTransport needs of the backend's dispatcher (src-backend/api/dispatch.ts). */
export interface DispatcherLike {
  call(method: string, input: unknown, opts?: CallOpts): Promise<unknown>;
}

/**
 * The dispatcher in this process: the same validation, errors (ApiError), progress and
 * cancellation as the other transports, without serialising anything.
 */
export function inProcessTransport(dispatcher: DispatcherLike): Transport {
  return {
    call(method, input, opts) {
      return dispatcher.call(method, input, opts);
    },
  };
}

export function httpTransport(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): Transport {
  return {
    async call(method, input, opts) {
      let res: Response;
      try {
        res = await fetchImpl(`${baseUrl}/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
          signal: opts.signal ?? null,
        });
      } catch (err) {
        if (opts.signal?.aborted) throw new ApiError('cancelled', `${method} was cancelled`);
        throw new ApiError('internal', `cannot reach the workbench backend: ${(err as Error).message}`);
      }
      if (!res.ok || !res.body) {
        const text = (await res.text()).trim();
        throw new ApiError(res.status === 401 ? 'unauthorized' : 'internal', `${method}: HTTP ${res.status}: ${text}`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += value;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (!line.trim()) continue;
            const step = applyEvent(JSON.parse(line) as CallEvent, opts);
            if (step.done) return step.value;
          }
        }
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (opts.signal?.aborted) throw new ApiError('cancelled', `${method} was cancelled`);
        throw new ApiError('internal', `${method}: connection lost: ${(err as Error).message}`);
      }
      throw new ApiError('internal', `${method}: the backend closed the stream without a result`);
    },
  };
}

/** Messages on the Electron MessagePort. The renderer sends calls/cancels; the backend sends events. */
export type PortRequest = { id: number; method: string; input: unknown } | { id: number; cancel: true };
export type PortReply = { id: number; event: CallEvent };

export interface PortLike {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (e: { data: unknown }) => void): void;
  start?(): void;
}

export function portTransport(port: PortLike): Transport {
  let nextId = 1;
  const pending = new Map<number, { opts: CallOpts; resolve(v: unknown): void; reject(e: unknown): void }>();
  port.addEventListener('message', (e) => {
    const msg = e.data as PortReply;
    const p = pending.get(msg.id);
    if (!p) return;
    try {
      const step = applyEvent(msg.event, p.opts);
      if (step.done) {
        pending.delete(msg.id);
        p.resolve(step.value);
      }
    } catch (err) {
      pending.delete(msg.id);
      p.reject(err);
    }
  });
  port.start?.();
  return {
    call(method, input, opts) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { opts, resolve, reject });
        opts.signal?.addEventListener('abort', () => {
          if (pending.delete(id)) {
            port.postMessage({ id, cancel: true } satisfies PortRequest);
            reject(new ApiError('cancelled', `${method} was cancelled`));
          }
        });
        port.postMessage({ id, method, input } satisfies PortRequest);
      });
    },
  };
}
