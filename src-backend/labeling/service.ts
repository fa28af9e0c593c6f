// Labeling (docs/labeling.md): tasks, judge payloads, label events, the arena and labels as a
// grades source. SQL is in src-backend/store/labels/; this module holds the rules — what may be
// recorded, how pools are built and ordered, where the arena puts each model.
import { z } from 'zod';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type {
  Annotator,
  AnnotatorProgress,
  ArenaOutcome,
  ArenaPairStats,
  ArenaTurn,
  JudgeCandidate,
  JudgeTurn,
  LabelAck,
  PoolSpec,
  Scale,
  TaskSummary,
  TaskSpec,
  TurnKindL,
  TurnLabels,
  WinRate,
} from '../../src-common/api/labeling-types.ts';
import {
  parseGradesSource,
  type annotatorSetInput,
  type arenaNextInput,
  type arenaRecordInput,
  type labelRecordInput,
  type labelUndoInput,
  type labelsForTurnInput,
  type scaleCreateInput,
  type taskCreateInput,
  type agreementTaskInput,
  type disagreementsListInput,
  type labelAdjudicateInput,
  type AdjudicateAck,
  type Adjudication,
  type AgreementStat,
  type ConfusionTable,
  type ConsensusRuleName,
  type DisagreementPage,
  type DisagreementRow,
  type PairAgreement,
  type TaskAgreement,
} from '../../src-common/api/labeling-types.ts';
import {
  consensusValue,
  kappaFromMatrix,
  krippendorffAlpha,
  lowerMedian,
  majority,
  variance,
} from '../ranking/agreement.ts';
import type { Split } from '../../src-common/api/types.ts';
import type { BoundaryKind } from '../../src-common/segmentation.ts';
import {
  allTurns,
  findTurn,
  getSession,
  gradesByPk,
  listSessions,
  loggedItems,
  turnPkOf,
  turnsOfSessions,
  type WsTurn,
} from '../store/sessions.ts';
import { storedRanking } from '../store/scores.ts';
import type { Store } from '../store/store.ts';
import { Rng } from '../../src-common/prng.ts';
import { fnv1a32 } from '../../src-common/tokenizer.ts';
import { splitTurnId } from '../store/turn-ids.ts';
import { labelsPathFor, openLabelsDb, type LabelsDb } from '../store/labels/db.ts';
import * as L from '../store/labels/labels.ts';

type In<S extends z.ZodType> = z.output<S>;

export interface LabelingDeps {
  /** A model reference (sha256 or prefix) → the registered model; throws ApiError naming `where`. */
  resolveModel(ref: string, where: string): { sha256: string; name: string };
  /** Turn ids of the `limit` worst turns of B against A (metrics.turns sorted by delta). */
  regressions(q: { modelA: string; modelB: string; setName: string; limit: number; k: number }): Promise<string[]>;
}

export function kindOfBoundary(b: BoundaryKind): TurnKindL {
  return b === 'start' || b === 'switch' ? b : 'continuation';
}

// Seeded randomness: the FNV-1a hash of a string seeds the shared PRNG. Same seed, annotator and
// turn → the same order, on every machine.
function rngFor(key: string): Rng {
  return new Rng(fnv1a32(key));
}
export function seededShuffle<T>(xs: readonly T[], key: string): T[] {
  const out = [...xs];
  const r = rngFor(key);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Wilson score interval (95%) for k successes in n trials. */
export function wilson(k: number, n: number, z95 = 1.959963984540054): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z95 * z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const bad = (where: string, message: string, headline?: string) =>
  new ApiError('invalid_input', headline ?? `${where}: ${message}`, [{ where, message }]);

export class LabelingService {
  readonly labels: LabelsDb;
  private readonly store: Store;
  private readonly deps: LabelingDeps;

  constructor(store: Store, deps: LabelingDeps, labelsPath = labelsPathFor(store.path)) {
    this.store = store;
    this.deps = deps;
    this.labels = openLabelsDb(labelsPath);
  }

  close(): void {
    this.labels.close();
  }

  // ---- scales ----

  scalesList(): Scale[] {
    return L.listScales(this.labels);
  }

  scalesCreate(input: In<typeof scaleCreateInput>): Scale {
    if (L.findScale(this.labels, input.name)) {
      throw new ApiError('conflict', `a scale named "${input.name}" already exists`, [
        { where: 'name', message: `scale ${JSON.stringify(input.name)} already exists` },
      ]);
    }
    const problems: Problem[] = [];
    const seen = { key: new Map<string, number>(), value: new Map<number, number>() };
    input.levels.forEach((lv, i) => {
      if (seen.key.has(lv.key))
        problems.push({
          where: `levels[${i}].key`,
          message: `key "${lv.key}" is already used by levels[${seen.key.get(lv.key)}]`,
        });
      else seen.key.set(lv.key, i);
      if (seen.value.has(lv.value))
        problems.push({
          where: `levels[${i}].value`,
          message: `value ${lv.value} is already used by levels[${seen.value.get(lv.value)}]`,
        });
      else seen.value.set(lv.value, i);
    });
    if (problems.length)
      throw new ApiError(
        'invalid_input',
        `scale "${input.name}": ${problems[0]!.where} ${problems[0]!.message}`,
        problems,
      );
    L.insertScale(this.labels, { name: input.name, description: input.description, levels: input.levels });
    return L.findScale(this.labels, input.name)!;
  }

  // ---- annotators ----

  annotatorGet(): Annotator & { all: Annotator[] } {
    const me = L.localAnnotator(this.labels);
    return { ...me, all: L.listAnnotators(this.labels) };
  }

  annotatorSet(input: In<typeof annotatorSetInput>): Annotator {
    const me = L.localAnnotator(this.labels);
    return L.upsertAnnotator(
      this.labels,
      { annotatorId: input.annotatorId ?? me.annotatorId, displayName: input.displayName },
      true,
    );
  }

  private annotator(id: string | undefined): Annotator {
    if (id === undefined) return L.localAnnotator(this.labels);
    const a = L.findAnnotator(this.labels, id);
    if (!a)
      throw new ApiError('not_found', `no annotator "${id}" (annotator.set creates one)`, [
        { where: 'annotatorId', message: `unknown annotator ${JSON.stringify(id)}` },
      ]);
    return a;
  }

  // ---- tasks ----

  async tasksCreate(input: In<typeof taskCreateInput>): Promise<TaskSummary> {
    if (L.taskNameTaken(this.labels, input.name)) {
      throw new ApiError('conflict', `a labeling task named "${input.name}" already exists`, [
        { where: 'name', message: `task ${JSON.stringify(input.name)} already exists` },
      ]);
    }
    const scale = L.findScale(this.labels, input.scale);
    if (!scale) {
      const names = L.listScales(this.labels).map((s) => s.name);
      throw new ApiError('not_found', `no scale "${input.scale}" (scales: ${names.join(', ')})`, [
        { where: 'scale', message: `unknown scale ${JSON.stringify(input.scale)}` },
      ]);
    }
    // Resolve the pool's models before reading turns, so a bad model is reported first.
    const modelNames: Record<string, string> = {};
    let pool: PoolSpec = input.pool;
    if (pool.source === 'model') {
      const m = this.deps.resolveModel(pool.model, 'pool.model');
      modelNames[m.sha256] = m.name;
      pool = { ...pool, model: m.sha256 };
    } else if (pool.source === 'union') {
      const a = this.deps.resolveModel(pool.modelA, 'pool.modelA');
      const b = this.deps.resolveModel(pool.modelB, 'pool.modelB');
      if (a.sha256 === b.sha256) throw bad('pool.modelB', 'the two pool models must differ');
      modelNames[a.sha256] = a.name;
      modelNames[b.sha256] = b.name;
      pool = { ...pool, modelA: a.sha256, modelB: b.sha256 };
    }
    if (input.order === 'model' && pool.source === 'logged')
      throw bad('order', 'order "model" needs a model pool (pool.source "model" or "union")');

    const turns = await this.sourceTurns(input.from);
    if (turns.length === 0)
      throw bad(
        'from',
        'the source matched no turns: nothing to label',
        `cannot create task "${input.name}": its source (${input.from.kind}) matched no turns`,
      );

    const rows: { turnId: string; kind: TurnKindL; pool: string[]; rankings: Record<string, string[]> }[] = [];
    const missing = new Map<string, string[]>();
    let empty = 0;
    for (const t of turns) {
      const rankings: Record<string, string[]> = {};
      let items: string[];
      if (pool.source === 'logged') {
        items = loggedItems(this.store, t.turnPk).slice(0, pool.k);
      } else {
        const models = pool.source === 'model' ? [pool.model] : [pool.modelA, pool.modelB];
        const seen = new Set<string>();
        items = [];
        for (const m of models) {
          const ranked = storedRanking(this.store, m, t.turnPk);
          if (ranked === null) {
            (missing.get(m) ?? missing.set(m, []).get(m)!).push(t.turnId);
            continue;
          }
          rankings[m] = ranked.slice(0, pool.k).map((r) => r.itemId);
          for (const id of rankings[m]!) if (!seen.has(id)) (seen.add(id), items.push(id));
        }
      }
      if (items.length === 0) {
        empty++;
        continue;
      }
      rows.push({ turnId: t.turnId, kind: kindOfBoundary(t.boundary), pool: items, rankings });
    }
    if (missing.size) {
      const problems = [...missing].map(([m, ids]) => ({
        where:
          pool.source === 'model'
            ? 'pool.model'
            : m === (pool as { modelA: string }).modelA
              ? 'pool.modelA'
              : 'pool.modelB',
        message: `model ${modelNames[m]} (${m.slice(0, 12)}) has no stored scores for ${ids.length} of the ${turns.length} turns (first: ${ids[0]}); run score.batch for it first`,
      }));
      throw new ApiError('invalid_input', `cannot pool by model: ${problems[0]!.message}`, problems);
    }
    if (rows.length === 0) throw bad('from', `all ${empty} matched turns have no candidates: nothing to label`);

    const spec: TaskSpec = {
      source: input.from,
      pool,
      modelNames,
      order: input.order,
      seed: input.seed,
      showLogged: input.showLogged,
    };
    const taskId = L.insertTask(
      this.labels,
      { name: input.name, scale: scale.name, spec, instructions: input.instructions, hideScores: input.hideScores },
      rows,
    );
    return this.tasksGet(taskId);
  }

  private async sourceTurns(from: In<typeof taskCreateInput>['from']): Promise<WsTurn[]> {
    switch (from.kind) {
      case 'sessions': {
        const out: WsTurn[] = [];
        for (let offset = 0; out.length < from.maxTurns; offset += 1000) {
          const page = listSessions(this.store, {
            offset,
            limit: 1000,
            ...(from.q !== undefined ? { q: from.q } : {}),
            ...(from.userId !== undefined ? { userId: from.userId } : {}),
            ...(from.hasSwitch !== undefined ? { hasSwitch: from.hasSwitch } : {}),
            ...(from.split !== undefined ? { split: from.split } : {}),
          });
          out.push(
            ...turnsOfSessions(
              this.store,
              page.rows.map((r) => r.sessionId),
              from.maxTurns - out.length,
            ),
          );
          if (offset + page.rows.length >= page.total) break;
        }
        return out;
      }
      case 'regressions': {
        const ids = await this.deps.regressions(from);
        return ids.map((id) => findTurn(this.store, id)).filter((t): t is WsTurn => t !== null);
      }
      case 'sample': {
        const { perKind } = from;
        if (perKind.start + perKind.switch + perKind.continuation === 0)
          throw bad('from.perKind', 'ask for at least one turn of some kind');
        const all = allTurns(this.store, from.split as Split | undefined);
        const picked: WsTurn[] = [];
        for (const kind of ['start', 'switch', 'continuation'] as const) {
          const pop = all.filter((t) => kindOfBoundary(t.boundary) === kind);
          picked.push(...seededShuffle(pop, `sample|${from.seed}|${kind}`).slice(0, perKind[kind]));
        }
        // Workspace order, so judging walks sessions forward.
        return picked.sort((a, b) => a.turnPk - b.turnPk);
      }
      case 'turns': {
        const problems: Problem[] = [];
        const seen = new Map<string, number>();
        const out: WsTurn[] = [];
        from.turnIds.forEach((id, i) => {
          if (seen.has(id))
            return problems.push({
              where: `from.turnIds[${i}]`,
              message: `turn ${JSON.stringify(id)} is listed twice (first at [${seen.get(id)}])`,
            });
          seen.set(id, i);
          if (!splitTurnId(id))
            return problems.push({
              where: `from.turnIds[${i}]`,
              message: `${JSON.stringify(id)} is not "<session id>#<turn index>"`,
            });
          const t = findTurn(this.store, id);
          if (!t)
            return problems.push({
              where: `from.turnIds[${i}]`,
              message: `no turn ${JSON.stringify(id)} in this workspace`,
            });
          out.push(t);
        });
        if (problems.length)
          throw new ApiError(
            'invalid_input',
            `bad turn list: ${problems[0]!.where}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
            problems,
          );
        return out;
      }
    }
  }

  private task(taskId: number): L.TaskRow {
    const t = L.findTask(this.labels, taskId);
    if (!t) throw L.notFoundTask(taskId);
    return t;
  }

  private summary(t: L.TaskRow): TaskSummary {
    const sizes = L.taskPoolSizes(this.labels, t.taskId);
    return { ...t, turns: sizes.byTurn.size, candidates: sizes.total, progress: L.taskProgress(this.labels, t.taskId) };
  }

  tasksList(): TaskSummary[] {
    return L.listTaskRows(this.labels).map((t) => this.summary(t));
  }

  tasksGet(taskId: number): TaskSummary {
    return this.summary(this.task(taskId));
  }

  private turnContext(turnId: string): {
    sessionId: string;
    query: string;
    boundary: BoundaryKind;
    history: JudgeTurn['history'];
    results: Map<string, { title: string; position: number; click: boolean }>;
  } {
    const parts = splitTurnId(turnId)!;
    const s = getSession(this.store, parts.sessionId);
    const t = s.turns.find((x) => x.index === parts.index);
    if (!t)
      throw new ApiError('not_found', `turn ${turnId} is no longer in this workspace`, [
        { where: 'turnId', message: `unknown turn ${JSON.stringify(turnId)}` },
      ]);
    return {
      sessionId: s.sessionId,
      query: t.query,
      boundary: t.boundary,
      history: s.turns
        .filter((x) => x.index < t.index)
        .map((x) => ({ index: x.index, query: x.query, boundary: x.boundary })),
      results: new Map(t.results.map((r) => [r.itemId, { title: r.title, position: r.position, click: r.click }])),
    };
  }

  /** Judge mode's payload: the turn at `ordinal` (default: this annotator's first unfinished turn). */
  tasksTurn(input: { taskId: number; ordinal?: number | undefined; annotatorId?: string | undefined }): JudgeTurn {
    const task = this.task(input.taskId);
    const me = this.annotator(input.annotatorId);
    const total = L.taskTurnCount(this.labels, task.taskId);
    const ordinal = input.ordinal ?? L.nextOpenOrdinal(this.labels, task.taskId, me.annotatorId, 0, false) ?? 0;
    if (ordinal >= total)
      throw new ApiError(
        'not_found',
        `task "${task.name}" has ${total} turns (ordinals 0–${total - 1}); there is no turn ${ordinal}`,
        [{ where: 'ordinal', message: `expected 0–${total - 1}, got ${ordinal}` }],
      );
    const tt = L.taskTurnAt(this.labels, task.taskId, ordinal)!;
    const ctx = this.turnContext(tt.turnId);
    const scale = L.findScale(this.labels, task.scale)!;
    let ids = tt.pool;
    if (task.spec.order === 'logged')
      ids = [...ids].sort(
        (a, b) => (ctx.results.get(a)?.position ?? Infinity) - (ctx.results.get(b)?.position ?? Infinity),
      );
    else if (task.spec.order === 'shuffled')
      ids = seededShuffle(ids, `order|${task.spec.seed}|${me.annotatorId}|${tt.turnId}`);
    let scores: Map<string, Record<string, number>> | null = null;
    if (!task.hideScores && Object.keys(tt.rankings).length) {
      scores = new Map();
      const turnPk = turnPkOf(this.store, tt.turnId);
      for (const sha of Object.keys(tt.rankings)) {
        for (const r of (turnPk !== null ? storedRanking(this.store, sha, turnPk) : null) ?? []) {
          const rec = scores.get(r.itemId) ?? scores.set(r.itemId, {}).get(r.itemId)!;
          rec[task.spec.modelNames[sha] ?? sha.slice(0, 12)] = r.score;
        }
      }
    }
    const candidates: JudgeCandidate[] = ids.map((id) => {
      const r = ctx.results.get(id);
      const c: JudgeCandidate = { itemId: id, title: r?.title ?? '' };
      if (task.spec.showLogged && r) {
        c.position = r.position;
        c.click = r.click;
      }
      const sc = scores?.get(id);
      if (sc) c.scores = sc;
      return c;
    });
    const st = L.turnState(this.labels, task.taskId, me.annotatorId, tt.turnId);
    const progress = L.taskProgress(this.labels, task.taskId, me.annotatorId)[0] ?? emptyProgress(me);
    return {
      taskId: task.taskId,
      taskName: task.name,
      ordinal,
      total,
      turnId: tt.turnId,
      sessionId: ctx.sessionId,
      kind: tt.kind,
      boundary: ctx.boundary,
      query: ctx.query,
      history: ctx.history,
      candidates,
      scale,
      instructions: task.instructions,
      hideScores: task.hideScores,
      annotator: me,
      labels: st.labels,
      skipped: st.skipped,
      flag: st.flag,
      undoable: st.undoable.length,
      progress: { ...progress, displayName: me.displayName },
    };
  }

  // ---- label events ----

  private ack(e: L.StoredEvent, duplicate: boolean): LabelAck {
    const st = L.turnState(this.labels, e.taskId, e.annotatorId, e.turnId);
    return {
      eventId: e.eventId,
      seq: e.seq,
      duplicate,
      recordedAt: e.createdAt,
      labels: st.labels,
      skipped: st.skipped,
      flag: st.flag,
    };
  }

  /** A replayed event id: the same content → the original acknowledgement; different → conflict, nothing written. */
  private replay(candidate: L.NewEvent): LabelAck | null {
    const prior = L.findEvent(this.labels, candidate.eventId);
    if (!prior) return null;
    const fields = ['annotatorId', 'taskId', 'turnId', 'itemId', 'kind', 'value', 'outcome', 'note'] as const;
    const diff = fields.filter((f) => prior[f] !== candidate[f]);
    if (JSON.stringify(prior.tags) !== JSON.stringify(candidate.tags)) diff.push('tags' as never);
    if (diff.length) {
      throw new ApiError(
        'conflict',
        `event id ${candidate.eventId} was already recorded with different content (${diff.join(', ')}); a retry must resend the same event`,
        [
          {
            where: 'eventId',
            message: `already recorded: ${diff.map((f) => `${f} was ${JSON.stringify(prior[f as keyof L.StoredEvent])}`).join(', ')}`,
          },
        ],
      );
    }
    return this.ack(prior, true);
  }

  /** The task and turn a write is about; without a task, an inline label on any stored turn (task 0). */
  private target(
    taskId: number | undefined,
    turnId: string,
    scaleName: string | undefined,
  ): { taskId: number; taskName: string | null; turnId: string; pool: string[]; scale: Scale } {
    if (taskId === undefined) {
      const scale = L.findScale(this.labels, scaleName ?? 'graded-0-3');
      if (!scale)
        throw new ApiError(
          'not_found',
          `no scale "${scaleName}" (scales: ${L.listScales(this.labels)
            .map((x) => x.name)
            .join(', ')})`,
          [{ where: 'scale', message: `unknown scale ${JSON.stringify(scaleName)}` }],
        );
      const t = findTurn(this.store, turnId);
      if (!t)
        throw new ApiError('not_found', `no turn "${turnId}" in this workspace`, [
          { where: 'turnId', message: `unknown turn ${JSON.stringify(turnId)}` },
        ]);
      return { taskId: 0, taskName: null, turnId, pool: loggedItems(this.store, t.turnPk), scale };
    }
    const task = this.task(taskId);
    const tt = L.taskTurnById(this.labels, task.taskId, turnId);
    if (!tt)
      throw bad(
        'turnId',
        `turn ${JSON.stringify(turnId)} is not in task "${task.name}"`,
        `turn ${turnId} is not in task "${task.name}"`,
      );
    if (scaleName !== undefined && scaleName !== task.scale)
      throw bad(
        'scale',
        `task "${task.name}" grades on scale ${task.scale}; leave scale out or send ${JSON.stringify(task.scale)}`,
      );
    return {
      taskId: task.taskId,
      taskName: task.name,
      turnId: tt.turnId,
      pool: tt.pool,
      scale: L.findScale(this.labels, task.scale)!,
    };
  }

  labelsRecord(input: In<typeof labelRecordInput>): LabelAck {
    const tgt = this.target(input.taskId, input.turnId, input.scale);
    const me = this.annotator(input.annotatorId);
    const scale = tgt.scale;
    const where = tgt.taskName === null ? `turn ${tgt.turnId}` : `turn ${tgt.turnId} in task "${tgt.taskName}"`;
    const ev: L.NewEvent = {
      eventId: input.eventId,
      annotatorId: me.annotatorId,
      taskId: tgt.taskId,
      turnId: tgt.turnId,
      itemId: null,
      kind: input.kind,
      scale: null,
      value: null,
      gain: null,
      outcome: null,
      modelA: null,
      modelB: null,
      tags: input.tags ?? null,
      note: input.note ?? null,
      undoes: null,
    };
    if (input.kind === 'grade') {
      if (input.itemId === undefined) throw bad('itemId', 'a grade needs the item graded');
      if (!tgt.pool.includes(input.itemId))
        throw bad('itemId', `item ${JSON.stringify(input.itemId)} is not a candidate of ${where}`);
      if (input.value === undefined) throw bad('value', `a grade needs a value on scale ${scale.name}`);
      const level = scale.levels.find((lv) => lv.value === input.value);
      if (!level)
        throw bad(
          'value',
          `${input.value} is not on scale ${scale.name} (values: ${scale.levels.map((lv) => `${lv.value} ${lv.label}`).join(', ')})`,
        );
      Object.assign(ev, { itemId: input.itemId, scale: scale.name, value: level.value, gain: level.gain });
    } else {
      if (input.itemId !== undefined) throw bad('itemId', `a ${input.kind} is about the whole turn; leave itemId out`);
      if (input.value !== undefined) throw bad('value', `a ${input.kind} has no value`);
      if (input.kind === 'skip' && tgt.taskName === null)
        throw bad('kind', 'skip belongs to a task (it moves on to the next turn); give taskId');
    }
    if (input.kind !== 'flag' && input.tags !== undefined) throw bad('tags', 'only a flag has tags');
    const dup = this.replay(ev);
    if (dup) return dup;
    return this.ack(L.appendEvent(this.labels, ev), false);
  }

  /** Undoes this annotator's latest event still in effect on the turn (grade, skip, flag or pairwise pick). */
  labelsUndo(input: In<typeof labelUndoInput>): LabelAck & { undid: string } {
    const tgt = this.target(input.taskId, input.turnId, undefined);
    const task = { taskId: tgt.taskId };
    const tt = { turnId: tgt.turnId };
    const me = this.annotator(input.annotatorId);
    const prior = L.findEvent(this.labels, input.eventId);
    if (prior) {
      // A retried undo: acknowledged again, never applied twice.
      if (
        prior.kind !== 'undo' ||
        prior.taskId !== task.taskId ||
        prior.turnId !== tt.turnId ||
        prior.annotatorId !== me.annotatorId
      ) {
        throw new ApiError(
          'conflict',
          `event id ${input.eventId} was already recorded as a different event (${prior.kind} on ${prior.turnId}); a retry must resend the same event`,
          [{ where: 'eventId', message: 'already recorded with different content' }],
        );
      }
      return { ...this.ack(prior, true), undid: prior.undoes ?? '' };
    }
    const st = L.turnState(this.labels, task.taskId, me.annotatorId, tt.turnId);
    const last = st.undoable.at(-1);
    if (!last)
      throw new ApiError('invalid_input', `nothing to undo on turn ${tt.turnId} for ${me.displayName}`, [
        { where: 'turnId', message: 'no label, skip or flag in effect' },
      ]);
    const ev = L.appendEvent(this.labels, {
      eventId: input.eventId,
      annotatorId: me.annotatorId,
      taskId: task.taskId,
      turnId: tt.turnId,
      itemId: null,
      kind: 'undo',
      scale: null,
      value: null,
      gain: null,
      outcome: null,
      modelA: null,
      modelB: null,
      tags: null,
      note: null,
      undoes: last.eventId,
    });
    return { ...this.ack(ev, false), undid: last.eventId };
  }

  labelsForTurn(input: In<typeof labelsForTurnInput>): TurnLabels {
    const out: TurnLabels = {
      turnId: input.turnId,
      current: L.currentForTurn(this.labels, input.turnId, input.taskId, input.annotatorId),
    };
    if (input.events) out.events = L.eventsForTurn(this.labels, input.turnId, input.taskId, input.annotatorId);
    return out;
  }

  // ---- arena ----

  private arenaTask(
    taskId: number,
  ): L.TaskRow & { spec: TaskSpec & { pool: { source: 'union'; modelA: string; modelB: string; k: number } } } {
    const t = this.task(taskId);
    if (t.spec.pool.source !== 'union') {
      throw new ApiError(
        'invalid_input',
        `task "${t.name}" pools ${t.spec.pool.source === 'logged' ? 'the logged order' : 'one model'}; the arena needs a task pooled from two models (pool.source "union")`,
        [{ where: 'taskId', message: 'not a two-model task' }],
      );
    }
    return t as never;
  }

  /** Which model sits on the left for this annotator and turn: random, but stable (seeded). */
  private leftIsA(t: L.TaskRow, annotatorId: string, turnId: string): boolean {
    return (fnv1a32(`arena|${t.spec.seed}|${annotatorId}|${turnId}`) & 1) === 0;
  }

  arenaNext(input: In<typeof arenaNextInput>): ArenaTurn {
    const t = this.arenaTask(input.taskId);
    const me = this.annotator(input.annotatorId);
    const total = L.taskTurnCount(this.labels, t.taskId);
    const open = L.nextOpenOrdinal(this.labels, t.taskId, me.annotatorId, 0, true);
    const ordinal = input.ordinal ?? open ?? 0;
    if (ordinal >= total)
      throw new ApiError('not_found', `task "${t.name}" has ${total} turns; there is no turn ${ordinal}`, [
        { where: 'ordinal', message: `expected 0–${total - 1}, got ${ordinal}` },
      ]);
    const tt = L.taskTurnAt(this.labels, t.taskId, ordinal)!;
    const ctx = this.turnContext(tt.turnId);
    const { modelA, modelB } = t.spec.pool;
    const side = (sha: string) => ({
      candidates: (tt.rankings[sha] ?? []).map((id) => ({ itemId: id, title: ctx.results.get(id)?.title ?? '' })),
    });
    const leftA = this.leftIsA(t, me.annotatorId, tt.turnId);
    const st = L.turnState(this.labels, t.taskId, me.annotatorId, tt.turnId);
    let outcome: ArenaOutcome | null = null;
    if (st.pairwise) {
      const o = st.pairwise.outcome;
      outcome = o === 'tie' || o === 'both_bad' ? o : (o === 'a_better') === leftA ? 'left' : 'right';
    }
    const judged = L.taskProgress(this.labels, t.taskId, me.annotatorId)[0]?.pairwise ?? 0;
    return {
      taskId: t.taskId,
      ordinal,
      total,
      judged,
      turnId: tt.turnId,
      kind: tt.kind,
      query: ctx.query,
      history: ctx.history,
      left: side(leftA ? modelA : modelB),
      right: side(leftA ? modelB : modelA),
      outcome,
      finished: open === null,
    };
  }

  arenaRecord(input: In<typeof arenaRecordInput>): LabelAck & { outcome: ArenaOutcome } {
    const t = this.arenaTask(input.taskId);
    const me = this.annotator(input.annotatorId);
    const tt = L.taskTurnById(this.labels, t.taskId, input.turnId);
    if (!tt) throw bad('turnId', `turn ${JSON.stringify(input.turnId)} is not in task "${t.name}"`);
    const leftA = this.leftIsA(t, me.annotatorId, tt.turnId);
    // Stored in model terms (A = the task's modelA), never in screen sides.
    const outcome =
      input.outcome === 'tie' || input.outcome === 'both_bad'
        ? input.outcome
        : (input.outcome === 'left') === leftA
          ? 'a_better'
          : 'b_better';
    const ev: L.NewEvent = {
      eventId: input.eventId,
      annotatorId: me.annotatorId,
      taskId: t.taskId,
      turnId: tt.turnId,
      itemId: null,
      kind: 'pairwise',
      scale: null,
      value: null,
      gain: null,
      outcome,
      modelA: t.spec.pool.modelA,
      modelB: t.spec.pool.modelB,
      tags: null,
      note: input.note ?? null,
      undoes: null,
    };
    const dup = this.replay(ev);
    if (dup) return { ...dup, outcome: input.outcome };
    return { ...this.ack(L.appendEvent(this.labels, ev), false), outcome: input.outcome };
  }

  arenaStats(input: { taskId?: number | undefined }): ArenaPairStats[] {
    if (input.taskId !== undefined) this.task(input.taskId);
    const kinds = new Map<number, Map<string, TurnKindL>>();
    const names = new Map<string, string>();
    const pairs = new Map<string, ArenaPairStats>();
    const blank = (): WinRate => ({
      n: 0,
      winsA: 0,
      winsB: 0,
      ties: 0,
      bothBad: 0,
      rateA: null,
      low: null,
      high: null,
    });
    for (const p of L.currentPairwise(this.labels, input.taskId)) {
      let k = kinds.get(p.taskId);
      if (!k) {
        kinds.set(p.taskId, (k = L.taskPoolSizes(this.labels, p.taskId).kinds));
        const t = L.findTask(this.labels, p.taskId);
        for (const [sha, name] of Object.entries(t?.spec.modelNames ?? {})) names.set(sha, name);
      }
      // One orientation per unordered pair: the lexically smaller sha256 is "A".
      const flip = p.modelA > p.modelB;
      const [a, b] = flip ? [p.modelB, p.modelA] : [p.modelA, p.modelB];
      const key = `${a}|${b}`;
      let s = pairs.get(key);
      if (!s)
        pairs.set(
          key,
          (s = {
            modelA: { sha256: a, name: names.get(a) ?? a.slice(0, 12) },
            modelB: { sha256: b, name: names.get(b) ?? b.slice(0, 12) },
            byKind: { all: blank(), start: blank(), switch: blank(), continuation: blank() },
          }),
        );
      const o = flip
        ? p.outcome === 'a_better'
          ? 'b_better'
          : p.outcome === 'b_better'
            ? 'a_better'
            : p.outcome
        : p.outcome;
      for (const w of [s.byKind.all, s.byKind[k.get(p.turnId) ?? 'continuation']]) {
        if (o === 'a_better') w.winsA++;
        else if (o === 'b_better') w.winsB++;
        else if (o === 'tie') w.ties++;
        else w.bothBad++;
      }
    }
    for (const s of pairs.values())
      for (const w of Object.values(s.byKind)) {
        w.n = w.winsA + w.winsB;
        if (w.n > 0) {
          w.rateA = w.winsA / w.n;
          Object.assign(w, wilson(w.winsA, w.n));
        }
      }
    return [...pairs.values()];
  }

  // ---- labels as a grades source ----

  /** null for a qrels set name; else grades by turn id → item id → gain. Unknown task / annotator → not_found. */
  gradesFor(source: string, where: string): { grades: Map<string, Map<string, number>>; version: string } | null {
    const by = this.labelsSource(source, where);
    if (by === null) return null;
    if ('rule' in by) {
      const c = this.consensus(by.taskId, by.rule);
      const grades = new Map<string, Map<string, number>>();
      for (const [turnId, items] of c.byTurn) grades.set(turnId, new Map([...items].map(([id, j]) => [id, j.gain])));
      return { grades, version: c.version };
    }
    return L.gradesFromLabels(this.labels, by);
  }

  /** The task, annotator or task consensus a labels source names; null for a qrels set name; not_found for an unknown one. */
  labelsSource(
    source: string,
    where: string,
  ): { taskId: number } | { annotatorId: string } | { taskId: number; rule: ConsensusRuleName } | null {
    const s = parseGradesSource(source);
    if (s.kind === 'qrels') return null;
    const by =
      s.kind === 'consensus'
        ? { taskId: s.taskId, rule: s.rule }
        : s.kind === 'task'
          ? { taskId: s.taskId }
          : { annotatorId: s.annotatorId };
    if (!L.labelsSourceExists(this.labels, by)) {
      throw new ApiError(
        'not_found',
        `no labels source "${source}": ${s.kind === 'annotator' ? `there is no annotator ${s.annotatorId}` : `there is no labeling task ${s.taskId}`}`,
        [{ where, message: `unknown ${s.kind === 'consensus' ? 'task' : s.kind}` }],
      );
    }
    return by;
  }

  private consensusCache = new Map<string, ReturnType<LabelingService['computeConsensus']>>();

  /**
   * One consensus value per graded item of a task (docs/agreement.md): majority (tie → the lowest
   * tied value), median (the lower median) or adjudicated (the lead's value, else the median). The
   * gain is the scale level's gain. Cached per labels version (every event changes it).
   */
  consensus(taskId: number, rule: ConsensusRuleName): ReturnType<LabelingService['computeConsensus']> {
    const key = `${taskId}|${rule}|${L.labelsVersion(this.labels)}`;
    let hit = this.consensusCache.get(key);
    if (!hit) {
      if (this.consensusCache.size >= 8) this.consensusCache.clear();
      this.consensusCache.set(key, (hit = this.computeConsensus(taskId, rule, key.split('|')[2]!)));
    }
    return hit;
  }

  private computeConsensus(
    taskId: number,
    rule: ConsensusRuleName,
    version: string,
  ): {
    version: string;
    scale: Scale;
    annotatorIds: string[];
    byTurn: Map<string, Map<string, { value: number; gain: number; values: number[]; annotators: number }>>;
    count: number;
  } {
    const task = this.task(taskId);
    const scale = L.findScale(this.labels, task.scale)!;
    const gainOf = new Map(scale.levels.map((lv) => [lv.value, lv.gain]));
    const adj =
      rule === 'adjudicated' ? L.taskAdjudications(this.labels, taskId) : new Map<string, L.AdjudicationRow>();
    const byTurn = new Map<
      string,
      Map<string, { value: number; gain: number; values: number[]; annotators: number }>
    >();
    const annotators = new Set<string>();
    let count = 0;
    const put = (turnId: string, itemId: string, values: number[], gains: number[]) => {
      const a = adj.get(`${turnId}\u0000${itemId}`);
      const value = consensusValue(rule, values, a ? a.value : null);
      // A value's gain from the scale; a value no longer on it keeps the gain recorded with the label.
      const gain = gainOf.get(value) ?? (a && a.value === value ? a.gain : gains[values.indexOf(value)]!);
      let m = byTurn.get(turnId);
      if (!m) byTurn.set(turnId, (m = new Map()));
      m.set(itemId, { value, gain, values: [...values].sort((x, y) => x - y), annotators: values.length });
      count++;
    };
    for (const u of unitsOf(L.taskLabelValues(this.labels, taskId))) {
      for (const r of u.rows) annotators.add(r.annotatorId);
      put(
        u.turnId,
        u.itemId,
        u.rows.map((r) => r.value),
        u.rows.map((r) => r.gain),
      );
    }
    // The lead may settle an item nobody labelled in the task: under "adjudicated" it is graded.
    for (const a of adj.values())
      if (!byTurn.get(a.turnId)?.has(a.itemId)) put(a.turnId, a.itemId, [a.value], [a.gain]);
    return { version, scale, annotatorIds: [...annotators].sort(), byTurn, count };
  }

  // ---- agreement, disagreements, adjudication (docs/agreement.md) ----

  agreementTask(input: In<typeof agreementTaskInput>): TaskAgreement {
    const task = this.task(input.taskId);
    const scale = L.findScale(this.labels, task.scale)!;
    const rows = L.taskLabelValues(this.labels, task.taskId);
    const names = new Map(
      L.listAnnotators(this.labels).map((a, i) => [a.annotatorId, { name: a.displayName, order: i }]),
    );
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.annotatorId, (counts.get(r.annotatorId) ?? 0) + 1);
    const ids = [...counts.keys()].sort(
      (a, b) => (names.get(a)?.order ?? Infinity) - (names.get(b)?.order ?? Infinity) || (a < b ? -1 : 1),
    );
    const idx = new Map(ids.map((id, i) => [id, i]));
    // Categories: the scale's values (a level nobody used is still a step of the ordinal distances).
    const cats = [...new Set([...scale.levels.map((lv) => lv.value), ...rows.map((r) => r.value)])].sort(
      (a, b) => a - b,
    );
    const cat = new Map(cats.map((v, i) => [v, i]));
    const C = cats.length;
    const A = ids.length;
    // One flat C×C count matrix per annotator pair (i < j), rows = annotator i's category.
    const pairM = new Map<number, Float64Array>();
    const unitValues: number[][] = [];
    let units = 0;
    const present: number[] = [];
    const pcat: number[] = [];
    for (const u of unitsOf(rows)) {
      units++;
      present.length = 0;
      pcat.length = 0;
      const vals: number[] = [];
      for (const r of u.rows) {
        present.push(idx.get(r.annotatorId)!);
        pcat.push(cat.get(r.value)!);
        vals.push(r.value);
      }
      unitValues.push(vals);
      for (let x = 0; x < present.length; x++)
        for (let y = x + 1; y < present.length; y++) {
          const [i, ci, j, cj] =
            present[x]! < present[y]!
              ? [present[x]!, pcat[x]!, present[y]!, pcat[y]!]
              : [present[y]!, pcat[y]!, present[x]!, pcat[x]!];
          const key = i * A + j;
          let m = pairM.get(key);
          if (!m) pairM.set(key, (m = new Float64Array(C * C)));
          m[ci * C + cj]!++;
        }
    }
    const matrixOf = (i: number, j: number): number[][] => {
      const flat = pairM.get(Math.min(i, j) * A + Math.max(i, j)) ?? new Float64Array(C * C);
      return cats.map((_, r) => cats.map((__, c) => (i < j ? flat[r * C + c]! : flat[c * C + r]!)));
    };
    const pairs: PairAgreement[] = [];
    for (let i = 0; i < A; i++)
      for (let j = i + 1; j < A; j++) {
        const k = kappaFromMatrix(matrixOf(i, j));
        pairs.push({
          a: ids[i]!,
          b: ids[j]!,
          n: k.n,
          observed: k.observed,
          kappa: k.unweighted,
          kappaQuadratic: k.quadratic,
        });
      }
    let overall: TaskAgreement['overall'];
    if (A < 2) {
      const why: AgreementStat = {
        value: null,
        reason: A === 0 ? 'nobody has labelled this task yet' : 'only one annotator has labelled this task',
      };
      overall = { pairableUnits: 0, n: 0, annotators: A, alphaNominal: why, alphaOrdinal: why };
    } else {
      const a = krippendorffAlpha(unitValues, cats);
      overall = { pairableUnits: a.units, n: a.n, annotators: A, alphaNominal: a.nominal, alphaOrdinal: a.ordinal };
    }
    let confusion: ConfusionTable | null = null;
    let pick: [number, number] | null = null;
    if (input.pair) {
      const [pa, pb] = input.pair;
      const problems: Problem[] = [];
      input.pair.forEach((id, n) => {
        if (!idx.has(id))
          problems.push({
            where: `pair[${n}]`,
            message: `annotator ${JSON.stringify(id)} has no labels in task "${task.name}"`,
          });
      });
      if (pa === pb) problems.push({ where: 'pair[1]', message: 'pick two different annotators' });
      if (problems.length)
        throw new ApiError('invalid_input', `cannot compare ${problems[0]!.where}: ${problems[0]!.message}`, problems);
      pick = [idx.get(pa)!, idx.get(pb)!];
    } else if (pairs.length) {
      const best = pairs.reduce((m, p) => (p.n > m.n ? p : m), pairs[0]!);
      pick = [idx.get(best.a)!, idx.get(best.b)!];
    }
    if (pick) {
      const m = matrixOf(pick[0], pick[1]);
      const label = new Map(scale.levels.map((lv) => [lv.value, lv.label]));
      confusion = {
        a: ids[pick[0]]!,
        b: ids[pick[1]]!,
        values: cats,
        matrix: m,
        perGrade: cats.map((v, c) => {
          const a = m[c]!.reduce((s, x) => s + x, 0);
          const b = m.reduce((s, row) => s + row[c]!, 0);
          const both = m[c]![c]!;
          return {
            value: v,
            label: label.get(v) ?? String(v),
            a,
            b,
            both,
            specific: a + b > 0 ? (2 * both) / (a + b) : null,
          };
        }),
      };
    }
    return {
      taskId: task.taskId,
      taskName: task.name,
      scale,
      annotators: ids.map((id) => ({
        annotatorId: id,
        displayName: names.get(id)?.name ?? id,
        labels: counts.get(id)!,
      })),
      units,
      pairs,
      overall,
      confusion,
    };
  }

  disagreementsList(input: In<typeof disagreementsListInput>): DisagreementPage {
    const task = this.task(input.taskId);
    const scale = L.findScale(this.labels, task.scale)!;
    const annotators = L.listAnnotators(this.labels);
    const order = new Map(annotators.map((a, i) => [a.annotatorId, i]));
    const name = new Map(annotators.map((a) => [a.annotatorId, a.displayName]));
    const adj = L.taskAdjudications(this.labels, task.taskId);
    const ordinals = L.taskTurnOrdinals(this.labels, task.taskId);
    const seen = new Set<string>();
    type Row = Omit<DisagreementRow, 'query' | 'title'>;
    const all: Row[] = [];
    for (const u of unitsOf(L.taskLabelValues(this.labels, task.taskId))) {
      for (const r of u.rows) seen.add(r.annotatorId);
      if (u.rows.length < 2) continue;
      const values = u.rows.map((r) => r.value);
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      if (lo === hi) continue;
      const a = adj.get(`${u.turnId}\u0000${u.itemId}`);
      all.push({
        turnId: u.turnId,
        itemId: u.itemId,
        ordinal: ordinals.get(u.turnId) ?? -1,
        grades: u.rows
          .map((r) => ({
            annotatorId: r.annotatorId,
            displayName: name.get(r.annotatorId) ?? r.annotatorId,
            value: r.value,
          }))
          .sort((x, y) => (order.get(x.annotatorId) ?? 0) - (order.get(y.annotatorId) ?? 0)),
        range: hi - lo,
        variance: variance(values),
        median: lowerMedian(values),
        majority: majority(values),
        adjudication: a ? this.adjudicationOf(a, name) : null,
      });
    }
    const byTask = (x: Row, y: Row) =>
      x.ordinal - y.ordinal || (x.itemId < y.itemId ? -1 : x.itemId > y.itemId ? 1 : 0);
    const cmp: Record<typeof input.sort, (x: Row, y: Row) => number> = {
      range: (x, y) =>
        y.range - x.range || y.variance - x.variance || y.grades.length - x.grades.length || byTask(x, y),
      variance: (x, y) =>
        y.variance - x.variance || y.range - x.range || y.grades.length - x.grades.length || byTask(x, y),
      annotators: (x, y) => y.grades.length - x.grades.length || y.range - x.range || byTask(x, y),
      task: byTask,
    };
    all.sort(cmp[input.sort]);
    const adjudicated = all.filter((r) => r.adjudication !== null).length;
    const matching =
      input.status === 'all' ? all : all.filter((r) => (r.adjudication !== null) === (input.status === 'adjudicated'));
    const contexts = new Map<string, ReturnType<LabelingService['turnContext']> | null>();
    const rows = matching.slice(input.offset, input.offset + input.limit).map((r) => {
      if (!contexts.has(r.turnId)) {
        try {
          contexts.set(r.turnId, this.turnContext(r.turnId));
        } catch {
          contexts.set(r.turnId, null); // the turn left this workspace (re-import): still listed, without text
        }
      }
      const ctx = contexts.get(r.turnId);
      return { ...r, query: ctx?.query ?? '', title: ctx?.results.get(r.itemId)?.title ?? '' };
    });
    return {
      taskId: task.taskId,
      taskName: task.name,
      scale,
      annotators: [...seen]
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
        .map((id) => ({ annotatorId: id, displayName: name.get(id) ?? id })),
      disagreements: all.length,
      adjudicated,
      total: matching.length,
      offset: input.offset,
      limit: input.limit,
      rows,
    };
  }

  private adjudicationOf(a: L.AdjudicationRow, names?: Map<string, string>): Adjudication {
    return {
      value: a.value,
      note: a.note,
      annotatorId: a.annotatorId,
      displayName:
        names?.get(a.annotatorId) ?? L.findAnnotator(this.labels, a.annotatorId)?.displayName ?? a.annotatorId,
      eventId: a.eventId,
      at: a.at,
    };
  }

  /** A lead's final grade for one item of a task (an `adjudicate` event); undone by labels.undo like any event. */
  labelsAdjudicate(input: In<typeof labelAdjudicateInput>): AdjudicateAck {
    const tgt = this.target(input.taskId, input.turnId, undefined);
    const me = this.annotator(input.annotatorId);
    if (!tgt.pool.includes(input.itemId))
      throw bad(
        'itemId',
        `item ${JSON.stringify(input.itemId)} is not a candidate of turn ${tgt.turnId} in task "${tgt.taskName}"`,
      );
    const level = tgt.scale.levels.find((lv) => lv.value === input.value);
    if (!level)
      throw bad(
        'value',
        `${input.value} is not on scale ${tgt.scale.name} (values: ${tgt.scale.levels.map((lv) => `${lv.value} ${lv.label}`).join(', ')})`,
      );
    const ev: L.NewEvent = {
      eventId: input.eventId,
      annotatorId: me.annotatorId,
      taskId: tgt.taskId,
      turnId: tgt.turnId,
      itemId: input.itemId,
      kind: 'adjudicate',
      scale: tgt.scale.name,
      value: level.value,
      gain: level.gain,
      outcome: null,
      modelA: null,
      modelB: null,
      tags: null,
      note: input.note,
      undoes: null,
    };
    const current = () => {
      const a = L.taskAdjudications(this.labels, tgt.taskId).get(`${tgt.turnId}\u0000${input.itemId}`);
      return a ? this.adjudicationOf(a) : null;
    };
    const dup = this.replay(ev);
    if (dup) return { ...dup, adjudication: current() };
    return { ...this.ack(L.appendEvent(this.labels, ev), false), adjudication: current() };
  }

  /** qrels.turn for a labels source: the turn's graded items in logged order. */
  turnGradesFromLabels(
    source: string,
    turnId: string,
    where: string,
  ): { setName: string; turnId: string; grades: { itemId: string; grade: number }[] } | null {
    const g = this.gradesFor(source, where);
    if (!g) return null;
    const items = g.grades.get(turnId) ?? new Map<string, number>();
    const turnPk = turnPkOf(this.store, turnId);
    if (turnPk === null)
      throw new ApiError('not_found', `no turn "${turnId}" in this workspace`, [
        { where: 'turnId', message: `unknown turn ${JSON.stringify(turnId)}` },
      ]);
    const order = new Map(loggedItems(this.store, turnPk).map((id, i) => [id, i]));
    const grades = [...items].map(([itemId, grade]) => ({ itemId, grade }));
    grades.sort(
      (a, b) => (order.get(a.itemId) ?? Infinity) - (order.get(b.itemId) ?? Infinity) || (a.itemId < b.itemId ? -1 : 1),
    );
    return { setName: source, turnId, grades };
  }

  /** Grades keyed by workspace keys, for metrics.turns. */
  gradesByPk(source: string, where: string): { byPk: Map<number, Map<number, number>>; version: string } | null {
    const g = this.gradesFor(source, where);
    if (!g) return null;
    return { byPk: gradesByPk(this.store, g.grades), version: g.version };
  }
}

/** A task's label rows (sorted by turn, item) grouped into units: one (turn, item) with its annotators' rows. */
function* unitsOf(
  rows: readonly L.TaskLabelValue[],
): Generator<{ turnId: string; itemId: string; rows: L.TaskLabelValue[] }> {
  let cur: { turnId: string; itemId: string; rows: L.TaskLabelValue[] } | null = null;
  for (const r of rows) {
    if (cur && cur.turnId === r.turnId && cur.itemId === r.itemId) cur.rows.push(r);
    else {
      if (cur) yield cur;
      cur = { turnId: r.turnId, itemId: r.itemId, rows: [r] };
    }
  }
  if (cur) yield cur;
}

function emptyProgress(a: Annotator): AnnotatorProgress {
  return {
    annotatorId: a.annotatorId,
    displayName: a.displayName,
    turnsDone: 0,
    labels: 0,
    skipped: 0,
    flagged: 0,
    pairwise: 0,
  };
}
