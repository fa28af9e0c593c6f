// What a labeling view's save indicator says (judge mode, disagreements, arena): the writes waiting
// in the shared label outbox, whether the backend is unreachable, and when the last write was
// acknowledged. One place for the wording, so the views cannot drift apart.
import type { LabelOutbox } from './label-outbox.ts';

export class SaveStatus {
  pending = $state(0);
  retrying = $state(false);
  lastSaved = $state<string | null>(null);
  /** Stops listening to the outbox (call when the view goes away). */
  readonly stop: () => void;

  constructor(outbox: LabelOutbox) {
    const sync = () => {
      this.pending = outbox.pending;
      this.retrying = outbox.retrying;
    };
    sync();
    this.stop = outbox.listen(sync);
  }

  /** A write was acknowledged (durably recorded) at `recordedAt`. */
  acknowledged(recordedAt: string): void {
    this.lastSaved = new Date(recordedAt).toLocaleTimeString();
  }

  get text(): string {
    if (this.pending === 0) return this.lastSaved ? `saved ${this.lastSaved}` : 'all saved';
    return this.retrying ? `backend unreachable — ${this.pending} waiting, retrying` : `saving ${this.pending}…`;
  }
}
