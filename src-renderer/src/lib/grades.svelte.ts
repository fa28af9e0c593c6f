// Graded relevance of the selected turn (`qrels.turn`) from one judgment set, for the ranking view's
// grade column and the per-turn NDCG@k / MRR (lib/ranking.ts turnMetrics). The set defaults to
// 'ground-truth' (the demo's) or else the first set; the list comes from workspace.stats.
import type { ApiClient } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { errorBanner } from './errors.svelte.ts';

export const DEFAULT_SET = 'ground-truth';

export function defaultSet(sets: readonly string[]): string | null {
  return sets.includes(DEFAULT_SET) ? DEFAULT_SET : (sets[0] ?? null);
}

export class GradeSource {
  /** Judgment sets of the workspace; null while loading. */
  sets = $state.raw<string[] | null>(null);
  setName = $state<string | null>(null);
  /** item → grade for `turnId` (unjudged items absent); null when there is no set or not loaded. */
  grades = $state.raw<ReadonlyMap<string, number> | null>(null);
  turnId = $state<string | null>(null);
  private readonly client: ApiClient;
  private ctl: AbortController | null = null;

  constructor(client: ApiClient) {
    this.client = client;
  }

  async loadSets(): Promise<void> {
    try {
      const s = await this.client.call('workspace.stats', {});
      this.sets = s.qrelsSets;
      if (this.setName === null) this.setName = defaultSet(s.qrelsSets);
      if (this.turnId) this.load(this.turnId);
    } catch (err) {
      errorBanner.report(err);
    }
  }

  choose(setName: string | null): void {
    this.setName = setName;
    if (this.turnId) this.load(this.turnId);
  }

  load(turnId: string | null): void {
    this.ctl?.abort();
    this.turnId = turnId;
    this.grades = null;
    const set = this.setName;
    if (!turnId || !set) return;
    const ctl = (this.ctl = new AbortController());
    this.client.call('qrels.turn', { turnId, setName: set }, { signal: ctl.signal }).then(
      (r) => {
        if (!ctl.signal.aborted) this.grades = new Map(r.grades.map((g) => [g.itemId, g.grade] as const));
      },
      (err: unknown) => {
        if (!(err instanceof ApiError && err.code === 'cancelled')) errorBanner.report(err);
      },
    );
  }

  dispose(): void {
    this.ctl?.abort();
  }
}
