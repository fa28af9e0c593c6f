// The backend's single entry point for every transport: look up the method, validate the input
// against the contract, run the handler with a cancellation signal and a progress sink, and turn
// any failure into an ApiError. Transports never call handlers directly.
import {
  contract,
  isMethodName,
  type MethodName,
  type MethodResult,
  type ParsedInput,
} from '../../src-common/api/contract.ts';
import type { Progress } from '../../src-common/api/types.ts';
import { ApiError } from '../../src-common/errors.ts';
import { validationError } from '../../src-common/api/issues.ts';

export interface CallContext {
  signal: AbortSignal;
  /** Report progress of a long job; ignored for non-job methods. Throttled by the transport. */
  progress(p: Progress): void;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: CallContext,
) => Promise<MethodResult<M>> | MethodResult<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export interface Dispatcher {
  /** Validate and run one call. Rejects only with ApiError. */
  call(name: string, rawInput: unknown, opts?: CallOptions): Promise<unknown>;
}

export function createDispatcher(handlers: Handlers, log: (msg: string) => void = console.error): Dispatcher {
  return {
    async call(name, rawInput, opts = {}) {
      if (!isMethodName(name)) {
        throw new ApiError('not_found', `unknown API method "${name}"`);
      }
      const spec = contract[name];
      const input = rawInput ?? {};
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) throw validationError(name, parsed.error.issues, input);
      const signal = opts.signal ?? new AbortController().signal;
      const ctx: CallContext = {
        signal,
        progress: spec.job && opts.onProgress ? opts.onProgress : () => {},
      };
      try {
        if (signal.aborted) throw new ApiError('cancelled', `${name} was cancelled`);
        const handler = handlers[name] as Handler<MethodName>;
        return await handler(parsed.data as ParsedInput<MethodName>, ctx);
      } catch (err) {
        throw toApiError(name, err, signal, log);
      }
    },
  };
}

function toApiError(name: string, err: unknown, signal: AbortSignal, log: (m: string) => void): ApiError {
  if (err instanceof ApiError) return err;
  if (signal.aborted) return new ApiError('cancelled', `${name} was cancelled`);
  // Unexpected: keep the message (useful, not secret: this is a local tool) and log the stack.
  log(`[backend] ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return new ApiError('internal', `${name} failed: ${err instanceof Error ? err.message : String(err)}`);
}

/** Progress events a transport sends: at most one per interval, and always the final one. */
export function throttledProgress(send: (p: Progress) => void, intervalMs = 100): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last >= intervalMs || p.done === p.total) {
      last = now;
      send(p);
    }
  };
}
