// The error banner's state. Any ApiError from any view lands here; cancellations are not errors.
// A banner belongs to the operation (API method) that failed: it goes away when that operation
// later succeeds (the user fixed the input), when the user navigates, or when dismissed — a stale
// banner about something already fixed reads as a new failure.
import { ApiClient } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';

/** Which API method each error came from (set by `trackOutcomes`). */
const failedMethod = new WeakMap<object, string>();

class ErrorBanner {
  current = $state<ApiError | null>(null);
  /** The API method whose failure is shown, when known. */
  method = $state<string | null>(null);
  /** The backend refused our token: the app swaps to the "open the right URL" screen. */
  unauthorized = $state(false);

  report(err: unknown): void {
    if (err instanceof ApiError) {
      if (err.code === 'cancelled') return;
      if (err.code === 'unauthorized') this.unauthorized = true;
      this.current = err;
      this.method = failedMethod.get(err) ?? null;
    } else {
      this.current = new ApiError('internal', err instanceof Error ? err.message : String(err));
      this.method = null;
    }
  }

  /** A call of `method` succeeded: a banner about that method's failure is out of date. */
  succeeded(method: string): void {
    if (this.current && this.method === method) this.dismiss();
  }

  dismiss(): void {
    this.current = null;
    this.method = null;
  }
}

export const errorBanner = new ErrorBanner();

export function isCancelled(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'cancelled';
}

/**
 * The same client, but every successful call clears a banner about the same method, and every
 * failure remembers its method (so the banner knows what would clear it).
 */
export function trackOutcomes(client: ApiClient): ApiClient {
  return new ApiClient({
    call: (method, input, opts) =>
      client.transport.call(method, input, opts).then(
        (r) => {
          errorBanner.succeeded(method);
          return r;
        },
        (err: unknown) => {
          if (err instanceof ApiError) failedMethod.set(err, method);
          throw err;
        },
      ),
  });
}
