// The error banner's state. Any ApiError from any view lands here; cancellations are not errors.
import { ApiError } from '../../../src-common/errors.ts';

class ErrorBanner {
  current = $state<ApiError | null>(null);
  /** The backend refused our token: the app swaps to the "open the right URL" screen. */
  unauthorized = $state(false);

  report(err: unknown): void {
    if (err instanceof ApiError) {
      if (err.code === 'cancelled') return;
      if (err.code === 'unauthorized') this.unauthorized = true;
      this.current = err;
    } else {
      this.current = new ApiError('internal', err instanceof Error ? err.message : String(err));
    }
  }

  dismiss(): void {
    this.current = null;
  }
}

export const errorBanner = new ErrorBanner();

export function isCancelled(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'cancelled';
}
