// Scoring state of the selected turn, shared by the timeline (history_weight overlay, step toggles)
// and the ranking/diff view: the registered models, the one or two chosen, the original scoring
// (`score.turn`) and the live counterfactual (`score.counterfactual`) of the current edit. Scoring
// never writes (both methods only read); the only writes are the user's explicit saves and deletes
// of named variants (`variants.save` / `variants.delete`). Requests of an old turn/edit are aborted.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ApiClient } from '../../../src-common/api/client.ts';
import type { MethodInput, ModelSummary, TurnEdit, TurnScoring, Variant } from '../../../src-common/api/contract.ts';
import { errorBanner, isCancelled } from './errors.svelte.ts';
import { queryProblem, rankingStatus, type RankingStatus } from './counterfactual.ts';

/** Wait after the last edit before re-scoring (typing in the query box). */
export const EDIT_DEBOUNCE_MS = 120;

export function featureKey(itemId: string, feature: string): string {
  return `${itemId}\u0000${feature}`;
}

export class TurnScorer {
  models = $state.raw<ModelSummary[] | null>(null);
  /** Chosen model sha256s: [A] or [A, B]. */
  chosen = $state<string[]>([]);
  turnId = $state<string | null>(null);
  /** History steps kept (most recent); null = the backend's setting (inference.configure). */
  maxHistory = $state<number | null>(null);
  original = $state.raw<TurnScoring | null>(null);
  counterfactual = $state.raw<TurnScoring | null>(null);
  loading = $state(false);
  cfLoading = $state(false);
  error = $state<string | null>(null);
  /** Milliseconds from the last edit's request to its answer (shown, and measured by bench `ui`). */
  cfRoundTripMs = $state<number | null>(null);
  /** Why the last re-score failed (cleared by the next answer or a reset). */
  cfError = $state<string | null>(null);
  /** The edit (JSON of currentEdit()) that `counterfactual` answers. */
  private cfEditKey = $state<string | null>(null);

  // The edit (counterfactual): query text, removed history steps, feature values.
  editQuery = $state<string | null>(null);
  readonly removed = new SvelteSet<number>();
  readonly features = new SvelteMap<string, { itemId: string; feature: string; value: number }>();

  /** Saved variants of `variantsTurnId` (variants.list), oldest first. */
  variants = $state.raw<Variant[]>([]);
  variantsTurnId = $state<string | null>(null);
  savingVariant = $state(false);
  private variantsCtl: AbortController | null = null;

  private readonly client: ApiClient;
  private scoreCtl: AbortController | null = null;
  private cfCtl: AbortController | null = null;
  private cfTimer: ReturnType<typeof setTimeout> | null = null;
  private cfSeq = 0;

  constructor(client: ApiClient) {
    this.client = client;
  }

  async loadModels(): Promise<void> {
    if (this.models) return;
    try {
      this.models = await this.client.call('models.list', {});
    } catch (err) {
      this.models = [];
      errorBanner.report(err);
    }
  }

  /** The model summaries of the chosen models, in order. */
  get chosenModels(): ModelSummary[] {
    const all = this.models ?? [];
    return this.chosen
      .map((c) => all.find((m) => m.sha256.startsWith(c.toLowerCase())))
      .filter((m): m is ModelSummary => !!m);
  }

  get edited(): boolean {
    return (
      (this.editQuery !== null && this.editQuery !== this.original?.query) ||
      this.removed.size > 0 ||
      this.features.size > 0
    );
  }

  /** Why the edited query cannot be scored (empty, too long); null when it can or is not edited. */
  get editProblem(): string | null {
    return this.editQuery !== null && this.editQuery !== this.original?.query ? queryProblem(this.editQuery) : null;
  }

  /** Whether the shown ranking answers the current edit; 'stale' when it is the last valid one. */
  get status(): RankingStatus {
    return rankingStatus({
      edited: this.edited,
      problem: this.editProblem,
      loading: this.cfLoading,
      failed: this.cfError,
      answered: this.counterfactual !== null && this.cfEditKey === JSON.stringify(this.currentEdit()),
    });
  }

  /** What the views show: the last valid counterfactual when there is an edit, else the original. */
  get current(): TurnScoring | null {
    return this.edited && this.counterfactual ? this.counterfactual : this.original;
  }

  /** history_weight of model A per history step of the shown scoring. */
  get weights(): Map<number, number> | null {
    return this.weightsOf(0);
  }
  /** …and of model B, when two models are compared. */
  get weightsB(): Map<number, number> | null {
    return this.weightsOf(1);
  }
  private weightsOf(k: number): Map<number, number> | null {
    const s = this.current;
    const m = s?.models[k];
    if (!s || !m) return null;
    return new Map(s.history.map((h, i) => [h.step, m.historyWeight[i] ?? 0] as const));
  }

  /** Score `turnId` with the chosen models (no-op without a model or when already loaded). */
  score(turnId: string | null, chosen: string[]): void {
    const key = `${turnId}|${chosen.join(',')}|${this.maxHistory}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.scoreCtl?.abort();
    this.resetEdit();
    this.turnId = turnId;
    this.chosen = chosen;
    this.original = null;
    this.error = null;
    if (turnId && chosen.length && turnId !== this.variantsTurnId) this.loadVariants(turnId);
    if (!turnId || chosen.length === 0) return;
    const ctl = new AbortController();
    this.scoreCtl = ctl;
    this.loading = true;
    const input: MethodInput<'score.turn'> = { turnId, models: chosen };
    if (this.maxHistory !== null) input.maxHistory = this.maxHistory;
    this.client.call('score.turn', input, { signal: ctl.signal }).then(
      (r) => {
        if (ctl.signal.aborted) return;
        this.original = r;
        this.loading = false;
      },
      (err: unknown) => {
        if (ctl.signal.aborted || isCancelled(err)) return;
        this.loading = false;
        this.error = err instanceof Error ? err.message : String(err);
        errorBanner.report(err);
      },
    );
  }
  private lastKey = '';

  /** Re-score the current turn keeping at most `n` history steps (null = backend default). */
  setMaxHistory(n: number | null): void {
    this.maxHistory = n;
    this.score(this.turnId, this.chosen);
  }

  resetEdit(): void {
    this.cfCtl?.abort();
    if (this.cfTimer) clearTimeout(this.cfTimer);
    this.editQuery = null;
    this.removed.clear();
    this.features.clear();
    this.counterfactual = null;
    this.cfEditKey = null;
    this.cfLoading = false;
    this.cfRoundTripMs = null;
    this.cfError = null;
  }

  toggleStep(step: number): void {
    if (this.removed.has(step)) this.removed.delete(step);
    else this.removed.add(step);
    this.rescore();
  }

  setQuery(q: string): void {
    this.editQuery = q;
    this.rescore();
  }

  setFeature(itemId: string, feature: string, value: number | null): void {
    const k = featureKey(itemId, feature);
    if (value === null || !Number.isFinite(value)) this.features.delete(k);
    else this.features.set(k, { itemId, feature, value });
    this.rescore();
  }

  /** Debounced re-score of the current edit (score.counterfactual, nothing written). */
  rescore(): void {
    if (this.cfTimer) clearTimeout(this.cfTimer);
    this.cfCtl?.abort();
    if (!this.edited || !this.turnId || this.chosen.length === 0) {
      this.counterfactual = null;
      this.cfEditKey = null;
      this.cfLoading = false;
      this.cfError = null;
      return;
    }
    // An invalid edit is not sent: the last valid ranking stays, marked stale (see `status`).
    if (this.editProblem) {
      this.cfLoading = false;
      return;
    }
    this.cfLoading = true;
    this.cfTimer = setTimeout(() => void this.runCounterfactual(), EDIT_DEBOUNCE_MS);
  }

  /** The current edit as score.counterfactual takes it (and variants.save stores it). */
  currentEdit(): TurnEdit {
    const edit: TurnEdit = {};
    if (this.editQuery !== null && this.editQuery !== this.original?.query) edit.query = this.editQuery;
    if (this.removed.size) edit.removeHistorySteps = [...this.removed].sort((a, b) => a - b);
    if (this.features.size)
      edit.features = [...this.features.values()].map((f) => ({
        itemId: f.itemId,
        feature: f.feature,
        value: f.value,
      }));
    return edit;
  }

  /** The saved variant whose edit is exactly the current edit, if any. */
  get savedAs(): Variant | null {
    if (!this.edited) return null;
    const key = JSON.stringify(this.currentEdit());
    return this.variants.find((v) => JSON.stringify(v.edit) === key) ?? null;
  }

  loadVariants(turnId: string | null): void {
    this.variantsCtl?.abort();
    this.variantsTurnId = turnId;
    this.variants = [];
    if (!turnId) return;
    const ctl = (this.variantsCtl = new AbortController());
    this.client.call('variants.list', { turnId }, { signal: ctl.signal }).then(
      (r) => {
        if (!ctl.signal.aborted) this.variants = r;
      },
      (err: unknown) => {
        if (!ctl.signal.aborted && !isCancelled(err)) errorBanner.report(err);
      },
    );
  }

  /** Saves the current edit as a named variant of the turn (variants.save); true when saved. */
  async saveVariant(name: string): Promise<boolean> {
    const turnId = this.turnId;
    if (!turnId || !this.edited || this.editProblem || !name.trim()) return false;
    this.savingVariant = true;
    try {
      const v = await this.client.call('variants.save', { turnId, name, edit: this.currentEdit() });
      if (this.variantsTurnId === turnId) this.variants = [...this.variants, v];
      return true;
    } catch (err) {
      errorBanner.report(err);
      return false;
    } finally {
      this.savingVariant = false;
    }
  }

  /** Replaces the current edit with a saved variant's and re-scores (score.counterfactual). */
  applyVariant(v: Variant): void {
    this.resetEdit();
    if (v.edit.query !== undefined) this.editQuery = v.edit.query;
    for (const step of v.edit.removeHistorySteps ?? []) this.removed.add(step);
    for (const f of v.edit.features ?? [])
      this.features.set(featureKey(f.itemId, f.feature), { itemId: f.itemId, feature: f.feature, value: f.value });
    this.rescore();
  }

  async deleteVariant(v: Variant): Promise<void> {
    try {
      await this.client.call('variants.delete', { variantId: v.variantId });
      this.variants = this.variants.filter((x) => x.variantId !== v.variantId);
    } catch (err) {
      errorBanner.report(err);
    }
  }

  private async runCounterfactual(): Promise<void> {
    const turnId = this.turnId;
    if (!turnId) return;
    const edit = this.currentEdit();
    const ctl = new AbortController();
    this.cfCtl = ctl;
    const seq = ++this.cfSeq;
    const started = performance.now();
    performance.mark(`qgs-cf-start-${seq}`);
    try {
      const input: MethodInput<'score.counterfactual'> = { turnId, models: this.chosen, edit };
      if (this.maxHistory !== null) input.maxHistory = this.maxHistory;
      const r = await this.client.call('score.counterfactual', input, { signal: ctl.signal });
      if (ctl.signal.aborted) return;
      this.counterfactual = r;
      this.cfEditKey = JSON.stringify(edit);
      this.cfError = null;
      this.cfLoading = false;
      this.cfRoundTripMs = performance.now() - started;
      // The view updates on the next frame; the bench measures request → painted frame.
      requestAnimationFrame(() => {
        performance.mark(`qgs-cf-end-${seq}`);
        performance.measure('qgs-counterfactual', `qgs-cf-start-${seq}`, `qgs-cf-end-${seq}`);
      });
    } catch (err) {
      if (ctl.signal.aborted || isCancelled(err)) return;
      this.cfLoading = false;
      this.cfError = err instanceof Error ? err.message : String(err);
      errorBanner.report(err);
    }
  }

  dispose(): void {
    this.scoreCtl?.abort();
    this.variantsCtl?.abort();
    this.cfCtl?.abort();
    if (this.cfTimer) clearTimeout(this.cfTimer);
  }
}
