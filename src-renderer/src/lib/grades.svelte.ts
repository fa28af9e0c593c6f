// Graded relevance of the selected turn (`qrels.turn`) from one grades source, for the ranking
// view's grade column, the two-model diff and the per-turn NDCG@k / MRR (lib/ranking.ts
// turnMetrics). A source is a qrels set (default: 'ground-truth' or else the first set), "My labels"
// or a label task (lib/grades-source.ts). "My labels" and tasks can be graded inline: writes go
// through the shared label outbox (lib/label-outbox.ts) with a client event id, a grade shows
// "saving…" until the backend acknowledged the durable commit, and the grades (hence NDCG / MRR)
// are re-read only after that acknowledgement.
import type { ApiClient } from '../../../src-common/api/client.ts';
import type { Annotator, LabelAck, Scale, TaskSummary } from '../../../src-common/api/labeling-types.ts';
import { ApiError } from '../../../src-common/errors.ts';
import { errorBanner } from './errors.svelte.ts';
import {
  editTarget,
  resolveSetName,
  sourceLabel,
  sourceOptions,
  type EditTarget,
  type InlineMark,
  type SourceOption,
} from './grades-source.ts';

export type { InlineMark };
import { newEventId, sharedOutbox, type LabelOutbox } from './label-outbox.ts';

export const DEFAULT_SET = 'ground-truth';

export function defaultSet(sets: readonly string[]): string | null {
  return sets.includes(DEFAULT_SET) ? DEFAULT_SET : (sets[0] ?? null);
}

/** The choice last made on this page, kept when another session is opened (like the models). */
let remembered: string | null = null;

export class GradeSource {
  /** Judgment sets of the workspace; null while loading. */
  sets = $state.raw<string[] | null>(null);
  me = $state.raw<Annotator | null>(null);
  tasks = $state.raw<TaskSummary[]>([]);
  scales = $state.raw<Scale[] | null>(null);
  /** The chosen source as kept in the URL (`g=`): a qrels set name, `labels:mine` or `labels:task:<id>`. */
  choice = $state<string | null>(null);
  /** item → grade for `turnId` (unjudged items absent); null when there is no source or not loaded. */
  grades = $state.raw<ReadonlyMap<string, number> | null>(null);
  turnId = $state<string | null>(null);
  /** This annotator's current values on the turn in the edit target (item → value). */
  mine = $state.raw<ReadonlyMap<string, number>>(new Map());
  /** Inline grades written from this view on the turn, by item. */
  marks = $state.raw<ReadonlyMap<string, InlineMark>>(new Map());
  /** Writes queued in the outbox (not yet acknowledged) and whether the last try failed to reach the backend. */
  waiting = $state(0);
  retrying = $state(false);

  /** The set name `qrels.turn` takes (labels:mine resolved to this annotator). */
  readonly setName = $derived(resolveSetName(this.choice, this.me));
  readonly options = $derived<SourceOption[]>(sourceOptions(this.sets ?? [], this.me, this.tasks));
  readonly label = $derived(sourceLabel(this.choice, this.options));
  /** Where an inline grade goes, or null when the source is read-only. */
  readonly target = $derived<EditTarget | null>(editTarget(this.choice, this.tasks, this.scales));

  private readonly client: ApiClient;
  private readonly outbox: LabelOutbox;
  private ctl: AbortController | null = null;
  private mineCtl: AbortController | null = null;
  private readonly unlisten: () => void;

  constructor(client: ApiClient, opts: { outbox?: LabelOutbox; choice?: string | null } = {}) {
    this.client = client;
    this.outbox = opts.outbox ?? sharedOutbox(client);
    this.choice = opts.choice !== undefined ? opts.choice : remembered;
    this.unlisten = this.outbox.listen(() => {
      this.waiting = this.outbox.pending;
      this.retrying = this.outbox.retrying;
    });
  }

  /** Loads the sources: qrels sets (workspace.stats), this annotator, the tasks and the scales. */
  async loadSets(): Promise<void> {
    const labels = Promise.all([
      this.client.call('annotator.get', {}),
      this.client.call('tasks.list', {}),
      this.client.call('scales.list', {}),
    ]).then(
      ([me, tasks, scales]) => {
        this.me = { annotatorId: me.annotatorId, displayName: me.displayName };
        this.tasks = tasks;
        this.scales = scales;
      },
      // Without the labels database the qrels sets still work; say why labels are missing.
      (err: unknown) => errorBanner.report(err),
    );
    try {
      const s = await this.client.call('workspace.stats', {});
      this.sets = s.qrelsSets;
      if (this.choice === null) this.choice = defaultSet(s.qrelsSets);
    } catch (err) {
      errorBanner.report(err);
    }
    await labels;
    if (this.turnId) this.load(this.turnId);
  }

  /** Picks a source (null: none); the view mirrors it into the URL. */
  choose(choice: string | null): void {
    if (choice === this.choice) return;
    this.choice = choice;
    remembered = choice;
    if (this.turnId) this.load(this.turnId);
  }

  load(turnId: string | null): void {
    this.ctl?.abort();
    this.mineCtl?.abort();
    if (turnId !== this.turnId) {
      this.marks = new Map();
      this.mine = new Map();
    }
    this.turnId = turnId;
    this.grades = null;
    this.fetchGrades();
    this.fetchMine();
  }

  /** Re-reads the turn's grades without blanking the ones shown (after an acknowledged write). */
  private fetchGrades(): void {
    const turnId = this.turnId;
    const set = this.setName;
    if (!turnId || !set) return;
    this.ctl?.abort();
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

  /** This annotator's own current values in the edit target, for the chips' selection. */
  private fetchMine(): void {
    const turnId = this.turnId;
    const target = this.target;
    const me = this.me;
    if (!turnId || !target || !me) return;
    const ctl = (this.mineCtl = new AbortController());
    const input = {
      turnId,
      annotatorId: me.annotatorId,
      ...(target.taskId !== undefined ? { taskId: target.taskId } : {}),
    };
    this.client.call('labels.forTurn', input, { signal: ctl.signal }).then(
      (r) => {
        if (ctl.signal.aborted) return;
        const taskId = target.taskId ?? null;
        this.mine = new Map(r.current.filter((c) => c.taskId === taskId).map((c) => [c.itemId, c.value] as const));
      },
      (err: unknown) => {
        if (!(err instanceof ApiError && err.code === 'cancelled')) errorBanner.report(err);
      },
    );
  }

  private mark(itemId: string, m: InlineMark | null): void {
    const next = new Map(this.marks);
    if (m) next.set(itemId, m);
    else next.delete(itemId);
    this.marks = next;
  }

  private acknowledged(turnId: string, ack: LabelAck): void {
    if (turnId !== this.turnId) return;
    this.mine = new Map(Object.entries(ack.labels));
    this.fetchGrades();
  }

  /**
   * Grades one candidate of the turn in the edit target. Resolves true once the backend acknowledged
   * the durable write; false when it refused it (the error banner says why) or the source is read-only.
   */
  async grade(itemId: string, value: number): Promise<boolean> {
    const turnId = this.turnId;
    const target = this.target;
    if (!turnId || !target) return false;
    const eventId = newEventId();
    this.mark(itemId, { value, state: 'saving', eventId });
    const input =
      target.taskId !== undefined
        ? { eventId, taskId: target.taskId, turnId, kind: 'grade' as const, itemId, value }
        : { eventId, scale: target.scale.name, turnId, kind: 'grade' as const, itemId, value };
    try {
      const ack = await this.outbox.send('labels.record', input);
      if (this.marks.get(itemId)?.eventId === eventId) this.mark(itemId, { value, state: 'saved', eventId });
      this.acknowledged(turnId, ack);
      return true;
    } catch (err) {
      if (this.marks.get(itemId)?.eventId === eventId) this.mark(itemId, { value, state: 'failed', eventId });
      errorBanner.report(err);
      return false;
    }
  }

  /** Undoes this annotator's last label on the turn in the edit target (`u`). */
  async undo(): Promise<boolean> {
    const turnId = this.turnId;
    const target = this.target;
    if (!turnId || !target) return false;
    const eventId = newEventId();
    try {
      const before = this.mine;
      const ack = await this.outbox.send('labels.undo', {
        eventId,
        turnId,
        ...(target.taskId !== undefined ? { taskId: target.taskId } : {}),
      });
      if (turnId !== this.turnId) return true;
      // The item whose value changed is the one undone: mark it so the row says so.
      const after = new Map(Object.entries(ack.labels));
      for (const [item, v] of before) {
        if (after.get(item) !== v)
          this.mark(
            item,
            after.has(item)
              ? { value: after.get(item)!, state: 'undone', eventId }
              : { value: v, state: 'undone', eventId },
          );
      }
      this.acknowledged(turnId, ack);
      return true;
    } catch (err) {
      errorBanner.report(err);
      return false;
    }
  }

  dispose(): void {
    this.ctl?.abort();
    this.mineCtl?.abort();
    this.unlisten();
  }
}
