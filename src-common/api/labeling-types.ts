// Labeling (docs/labeling.md): input schemas and result shapes of the `scales.*`, `tasks.*`,
// `labels.*`, `annotator.*` and `arena.*` methods. The contract (contract.ts) only lists the methods;
// their shapes live here so the labeling lane stays in one file. Runs anywhere (zod only).
import { z } from 'zod';
import type { BoundaryKind } from '../segmentation.ts';

export type TurnKindL = 'start' | 'switch' | 'continuation';

const name = z.string().trim().min(1).max(200);
const turnId = z.string().min(3).max(600);
const itemId = z.string().min(1).max(1000);
const sha = z.string().regex(/^[0-9a-fA-F]{8,64}$/, 'a model sha256 (or a unique prefix of ≥ 8 hex digits)');
const taskId = z.number().int().min(1);
/** Client-generated, unique per write: a retry with the same id is recorded once. */
const eventId = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'an event id: 8–64 characters of [0-9A-Za-z_-] (a UUID)');
const annotatorId = z.string().regex(/^[0-9A-Za-z_-]{4,64}$/, 'an annotator id');

/** One level of a scale: the key pressed, the stored value, the gain used as a grade by metrics. */
export const scaleLevel = z
  .object({
    /** The key that gives this level in judge mode: one character (usually a digit). */
    key: z.string().regex(/^[0-9a-z]$/, 'one digit or lower-case letter'),
    value: z.number().int().min(-100).max(100),
    /** Used as the grade when labels are a grades source (NDCG, MRR: ≥ 1 counts as relevant). */
    gain: z.number().min(0).max(100),
    label: z.string().trim().min(1).max(80),
    description: z.string().max(1000).default(''),
  })
  .strict();
export type ScaleLevel = z.output<typeof scaleLevel>;

export interface Scale {
  name: string;
  builtin: boolean;
  description: string;
  levels: ScaleLevel[];
}

export const scaleCreateInput = z
  .object({ name: name, description: z.string().max(2000).default(''), levels: z.array(scaleLevel).min(2).max(10) })
  .strict();

/** Where a task's turns come from. */
export const taskSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sessions'),
      q: z.string().max(500).optional(),
      userId: z.string().min(1).max(256).optional(),
      hasSwitch: z.boolean().optional(),
      split: z.enum(['train', 'valid', 'test']).optional(),
      /** At most this many turns (in session order). */
      maxTurns: z.number().int().min(1).max(100_000).default(500),
    })
    .strict(),
  z
    .object({
      kind: z.literal('regressions'),
      modelA: sha,
      modelB: sha,
      setName: z.string().min(1).max(256),
      /** The N worst turns of B against A (lowest NDCG@k delta). */
      limit: z.number().int().min(1).max(10_000).default(200),
      k: z.number().int().min(1).max(1000).default(10),
    })
    .strict(),
  z
    .object({
      kind: z.literal('sample'),
      /** Turns drawn per turn kind (start / after a switch / continuation). */
      perKind: z
        .object({
          start: z.number().int().min(0).max(10_000),
          switch: z.number().int().min(0).max(10_000),
          continuation: z.number().int().min(0).max(10_000),
        })
        .strict(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .default(1),
      split: z.enum(['train', 'valid', 'test']).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('turns'), turnIds: z.array(turnId).min(1).max(100_000) }).strict(),
]);
export type TaskSource = z.output<typeof taskSource>;

/** Which candidates are judged: top k of the logged order, of one model, or the union of two models' top k (TREC pooling). */
export const poolSpec = z.discriminatedUnion('source', [
  z.object({ source: z.literal('logged'), k: z.number().int().min(1).max(1000).default(10) }).strict(),
  z.object({ source: z.literal('model'), model: sha, k: z.number().int().min(1).max(1000).default(10) }).strict(),
  z
    .object({ source: z.literal('union'), modelA: sha, modelB: sha, k: z.number().int().min(1).max(1000).default(10) })
    .strict(),
]);
export type PoolSpec = z.output<typeof poolSpec>;

export const taskCreateInput = z
  .object({
    name,
    scale: z.string().min(1).max(200).default('graded-0-3'),
    from: taskSource,
    pool: poolSpec.default({ source: 'logged', k: 10 }),
    /** Candidate order in judge mode: model rank, logged position, or shuffled per annotator (seeded). */
    order: z.enum(['model', 'logged', 'shuffled']).default('logged'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    /** Plain text or Markdown; rendered without raw HTML. */
    instructions: z.string().max(20_000).default(''),
    hideScores: z.boolean().default(true),
    /** Show logged position and click while judging (off by default: they bias judgments). */
    showLogged: z.boolean().default(false),
  })
  .strict();
export type TaskCreateInput = z.output<typeof taskCreateInput>;

export interface TaskSpec {
  source: TaskSource;
  /** Pool with model references resolved to full sha256. */
  pool: PoolSpec;
  /** Names of the pool's models when the pool is model-based. */
  modelNames: Record<string, string>;
  order: 'model' | 'logged' | 'shuffled';
  seed: number;
  showLogged: boolean;
}

export interface AnnotatorProgress {
  annotatorId: string;
  displayName: string;
  /** Turns with every pooled candidate graded, or skipped. */
  turnsDone: number;
  labels: number;
  skipped: number;
  flagged: number;
  pairwise: number;
}

export interface TaskSummary {
  taskId: number;
  name: string;
  scale: string;
  spec: TaskSpec;
  instructions: string;
  hideScores: boolean;
  createdAt: string;
  turns: number;
  /** Sum of pooled candidates over all turns (labels needed per annotator). */
  candidates: number;
  progress: AnnotatorProgress[];
}

export interface JudgeCandidate {
  itemId: string;
  title: string;
  /** Logged position and click: only when the task shows them (spec.showLogged). */
  position?: number;
  click?: boolean;
  /** Model scores by model name: only when the task does not hide them. */
  scores?: Record<string, number>;
}

export interface TurnFlag {
  tags: string[];
  note: string;
  eventId: string;
}

/** Everything judge mode shows for one turn of a task, for one annotator. */
export interface JudgeTurn {
  taskId: number;
  taskName: string;
  ordinal: number;
  total: number;
  turnId: string;
  sessionId: string;
  kind: TurnKindL;
  boundary: BoundaryKind;
  query: string;
  /** The session's earlier queries, oldest first. */
  history: { index: number; query: string; boundary: BoundaryKind }[];
  candidates: JudgeCandidate[];
  scale: Scale;
  instructions: string;
  hideScores: boolean;
  annotator: Annotator;
  /** Current labels of this annotator on this turn: item id → value. */
  labels: Record<string, number>;
  skipped: boolean;
  flag: TurnFlag | null;
  /** Last events of this annotator on this turn that `labels.undo` would undo, newest first. */
  undoable: number;
  progress: AnnotatorProgress;
}

export interface Annotator {
  annotatorId: string;
  displayName: string;
}

export const labelRecordInput = z
  .object({
    eventId,
    /** Leave out for a label given outside any task (inline in the ranking view): then `scale` says which scale (default graded-0-3) and the item must be a logged candidate of the turn. */
    taskId: taskId.optional(),
    /** Only without a task: the scale the grade is on. */
    scale: z.string().min(1).max(200).optional(),
    turnId,
    annotatorId: annotatorId.optional(),
    kind: z.enum(['grade', 'skip', 'flag']),
    /** grade: the candidate graded. */
    itemId: itemId.optional(),
    /** grade: a value on the task's scale. */
    value: z.number().int().optional(),
    /** flag: what is wrong with the ranking. */
    tags: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
    note: z.string().max(5000).optional(),
  })
  .strict();
export type LabelRecordInput = z.output<typeof labelRecordInput>;

export interface LabelAck {
  eventId: string;
  /** Order of the event in the labels database. */
  seq: number;
  /** True when this event id had already been recorded (a retry): nothing new was written. */
  duplicate: boolean;
  recordedAt: string;
  /** The turn's state for this annotator after the write. */
  labels: Record<string, number>;
  skipped: boolean;
  flag: TurnFlag | null;
}

export const labelUndoInput = z
  .object({ eventId, taskId: taskId.optional(), turnId, annotatorId: annotatorId.optional() })
  .strict();

export interface LabelEvent {
  seq: number;
  eventId: string;
  annotatorId: string;
  createdAt: string;
  taskId: number | null;
  turnId: string;
  itemId: string | null;
  kind: 'grade' | 'undo' | 'skip' | 'flag' | 'pairwise' | 'adjudicate';
  scale: string | null;
  value: number | null;
  outcome: string | null;
  note: string | null;
  tags: string[] | null;
  undoes: string | null;
}

export const labelsForTurnInput = z
  .object({
    turnId,
    taskId: taskId.optional(),
    annotatorId: annotatorId.optional(),
    events: z.boolean().default(false),
  })
  .strict();

export interface TurnLabels {
  turnId: string;
  /** Current labels (after undo), one per annotator, task and item. */
  current: {
    annotatorId: string;
    taskId: number | null;
    itemId: string;
    scale: string;
    value: number;
    gain: number;
    eventId: string;
  }[];
  /** The append-only events when asked for (`events: true`), oldest first. */
  events?: LabelEvent[];
}

export const annotatorSetInput = z
  .object({ displayName: z.string().trim().min(1).max(100), annotatorId: annotatorId.optional() })
  .strict();

export const arenaNextInput = z
  .object({ taskId, ordinal: z.number().int().min(0).optional(), annotatorId: annotatorId.optional() })
  .strict();

export interface ArenaSide {
  /** Top k of one model, best first; the model is not named. */
  candidates: { itemId: string; title: string }[];
}

export interface ArenaTurn {
  taskId: number;
  ordinal: number;
  total: number;
  /** Turns this annotator has judged pairwise. */
  judged: number;
  turnId: string;
  kind: TurnKindL;
  query: string;
  history: { index: number; query: string; boundary: BoundaryKind }[];
  left: ArenaSide;
  right: ArenaSide;
  /** This annotator's current pick for the turn, if any. */
  outcome: ArenaOutcome | null;
  /** All turns judged: `ordinal` is then the first turn again. */
  finished: boolean;
}

export const ARENA_OUTCOMES = ['left', 'right', 'tie', 'both_bad'] as const;
export type ArenaOutcome = (typeof ARENA_OUTCOMES)[number];

export const arenaRecordInput = z
  .object({
    eventId,
    taskId,
    turnId,
    annotatorId: annotatorId.optional(),
    outcome: z.enum(ARENA_OUTCOMES),
    note: z.string().max(5000).optional(),
  })
  .strict();

export interface WinRate {
  /** Decisive judgments (A or B better). */
  n: number;
  winsA: number;
  winsB: number;
  ties: number;
  bothBad: number;
  /** winsA / n, with the Wilson score 95% interval; null when n = 0. */
  rateA: number | null;
  low: number | null;
  high: number | null;
}

export interface ArenaPairStats {
  modelA: { sha256: string; name: string };
  modelB: { sha256: string; name: string };
  byKind: Record<TurnKindL | 'all', WinRate>;
}

export const arenaStatsInput = z.object({ taskId: taskId.optional() }).strict();

/**
 * A grades source: a qrels set name, or labels — `labels:task:<taskId>` (every annotator's current
 * labels in that task; several annotators → mean gain), `labels:annotator:<annotatorId>`
 * (that annotator's latest label per turn and item, over all tasks) or
 * `labels:consensus:<taskId>:majority|median|adjudicated` (one consensus value per item of the task,
 * docs/agreement.md). Gains become grades.
 */
export const LABELS_SOURCE = /^labels:(task|annotator):([0-9A-Za-z_-]{1,64})$/;
export const CONSENSUS_RULES = ['majority', 'median', 'adjudicated'] as const;
export type ConsensusRuleName = (typeof CONSENSUS_RULES)[number];
export const CONSENSUS_SOURCE = /^labels:consensus:([0-9]{1,10}):(majority|median|adjudicated)$/;
/** A task's grades source: every annotator's labels (no rule), or one consensus value per item. */
export function taskGradesSource(taskId: number, rule: '' | ConsensusRuleName = ''): string {
  return rule ? `labels:consensus:${taskId}:${rule}` : `labels:task:${taskId}`;
}
export function parseGradesSource(
  source: string,
):
  | { kind: 'qrels'; setName: string }
  | { kind: 'task'; taskId: number }
  | { kind: 'annotator'; annotatorId: string }
  | { kind: 'consensus'; taskId: number; rule: ConsensusRuleName } {
  const c = CONSENSUS_SOURCE.exec(source);
  if (c) return { kind: 'consensus', taskId: Number(c[1]), rule: c[2] as ConsensusRuleName };
  const m = LABELS_SOURCE.exec(source);
  if (!m) return { kind: 'qrels', setName: source };
  if (m[1] === 'task') return { kind: 'task', taskId: Number(m[2]) };
  return { kind: 'annotator', annotatorId: m[2]! };
}

// ---- Agreement, disagreements, adjudication (docs/agreement.md) ----

/** A statistic, or null with why it is undefined (no overlap, one category, fewer than two annotators). */
export type AgreementStat = { value: number; reason?: undefined } | { value: null; reason: string };

export const agreementTaskInput = z
  .object({
    taskId,
    /** The pair whose confusion table is returned (default: the pair with the most items in common). */
    pair: z.tuple([annotatorId, annotatorId]).optional(),
  })
  .strict();

export interface PairAgreement {
  a: string;
  b: string;
  /** Items both labelled. */
  n: number;
  /** Share of those with the same value; null when n = 0. */
  observed: number | null;
  kappa: AgreementStat;
  kappaQuadratic: AgreementStat;
}

export interface ConfusionTable {
  a: string;
  b: string;
  /** The scale's values in ascending order: rows are a's value, columns b's. */
  values: number[];
  matrix: number[][];
  /** Per grade: how often each gave it (on the shared items), both gave it, and the specific agreement 2·both / (a + b). */
  perGrade: { value: number; label: string; a: number; b: number; both: number; specific: number | null }[];
}

export interface TaskAgreement {
  taskId: number;
  taskName: string;
  scale: Scale;
  annotators: { annotatorId: string; displayName: string; labels: number }[];
  /** (turn, item)s graded by at least one annotator in the task. */
  units: number;
  pairs: PairAgreement[];
  overall: {
    /** Units with labels from at least two annotators (the others cannot be compared). */
    pairableUnits: number;
    /** Pairable values (Krippendorff's n). */
    n: number;
    annotators: number;
    alphaNominal: AgreementStat;
    alphaOrdinal: AgreementStat;
  };
  confusion: ConfusionTable | null;
}

export const DISAGREEMENT_SORTS = ['range', 'variance', 'annotators', 'task'] as const;
export const disagreementsListInput = z
  .object({
    taskId,
    /** range: largest grade range first (then variance, then more annotators); variance; annotators; task: task order. */
    sort: z.enum(DISAGREEMENT_SORTS).default('range'),
    /** open: not adjudicated yet; adjudicated: settled by a lead. */
    status: z.enum(['all', 'open', 'adjudicated']).default('all'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export interface Adjudication {
  value: number;
  note: string;
  annotatorId: string;
  displayName: string;
  eventId: string;
  at: string;
}

export interface DisagreementRow {
  turnId: string;
  itemId: string;
  /** Position of the turn in the task (judge mode's ordinal). */
  ordinal: number;
  query: string;
  title: string;
  /** Each annotator's current value, in the task's annotator order. */
  grades: { annotatorId: string; displayName: string; value: number }[];
  range: number;
  variance: number;
  median: number;
  majority: number;
  adjudication: Adjudication | null;
}

export interface DisagreementPage {
  taskId: number;
  taskName: string;
  scale: Scale;
  annotators: { annotatorId: string; displayName: string }[];
  /** Items where annotators differ (before the status filter), and how many of them are adjudicated. */
  disagreements: number;
  adjudicated: number;
  /** Rows matching the status filter. */
  total: number;
  offset: number;
  limit: number;
  rows: DisagreementRow[];
}

export const labelAdjudicateInput = z
  .object({
    eventId,
    taskId,
    turnId,
    itemId,
    /** The final grade: a value on the task's scale. */
    value: z.number().int(),
    /** Why (shown with the adjudication). */
    note: z.string().max(5000).default(''),
    /** The lead (default: me). */
    annotatorId: annotatorId.optional(),
  })
  .strict();

export interface AdjudicateAck extends LabelAck {
  /** The item's adjudication in effect after the write. */
  adjudication: Adjudication | null;
}

// ---- Team: label-event files and team sync (docs/team.md) ----

export const labelsExportEventsInput = z
  .object({
    path: z.string().min(1).max(4096),
    /** Whose events: one annotator's (default: me) or everyone's in this labels file. */
    annotatorId: annotatorId.optional(),
    all: z.boolean().default(false),
  })
  .strict();

export interface LabelsExportReport {
  path: string;
  /** Exchange format version written. */
  version: number;
  events: number;
  annotators: number;
  tasks: number;
  scales: number;
}

export const labelsImportEventsInput = z.object({ path: z.string().min(1).max(4096) }).strict();

export interface LabelsImportReport {
  path: string;
  version: number;
  /** Event lines in the file. */
  events: number;
  /** New here. */
  inserted: number;
  /** Already recorded (same event id, same content): nothing written. */
  duplicates: number;
  annotatorsAdded: number;
  scalesAdded: number;
  tasksAdded: { taskUid: string; name: string; taskId: number }[];
  /** Stored, but for turns this workspace does not hold (first 100 listed). */
  missingTurns: { events: number; turnIds: string[] };
  /** Stored, but for items that are not a candidate of their turn here (first 100 listed). */
  missingItems: { events: number; items: { turnId: string; itemId: string }[] };
}

export const teamConnectInput = z
  .object({
    /** postgres://user[:password]@host[:port]/database — the password is kept in memory only. */
    url: z.string().min(1).max(2000),
  })
  .strict();

export type TeamSyncState = 'off' | 'connecting' | 'syncing' | 'idle' | 'retrying' | 'paused';

export interface TeamStatus {
  /** Whether this labels file is pointed at a team database. */
  connected: boolean;
  /** The connection URL without its password (null when not connected). */
  url: string | null;
  state: TeamSyncState;
  /** Where the password comes from: given at connect (memory), PGPASSWORD / ~/.pgpass (environment), or none. */
  passwordSource: 'memory' | 'environment' | 'none';
  /** Events made or imported here that the server has not acknowledged. */
  pending: number;
  lastSyncedAt: string | null;
  lastError: string | null;
  /** Why sync stopped until someone acts (newer server schema, refused credentials, missing database). */
  pausedReason: string | null;
  /** Next automatic attempt after an error (ISO time), null when none is scheduled. */
  retryAt: string | null;
  serverSchemaVersion: number | null;
  appSchemaVersion: number;
  /** Totals since this backend started. */
  pushed: number;
  pulled: number;
}

export interface TeamSyncReport extends TeamStatus {
  /** This round. */
  round: { pushedEvents: number; pulledEvents: number; pushedTasks: number; pulledTasks: number };
}
