// The one API contract. Every method is declared here once: its name, its input schema (validated
// at every boundary by the backend's dispatcher), its result type, and whether it is a long job
// (streams progress, cancellable). Electron (MessagePort), browser mode (HTTP) and the CLI are thin
// transports over this map; the renderer's client is typed from it. Runs anywhere (no Node imports).
import { z } from 'zod';
import type { TokenizerParams } from '../tokenizer.ts';
import type { BoundaryKind } from '../segmentation.ts';
import type { StepAction } from '../history.ts';
import {
  SPLITS,
  type ImportReport,
  type ParquetExportReport,
  type RunEvaluation,
  type SessionDetail,
  type TrainingExportReport,
  type TrainFromLabelsReport,
  type SessionPage,
  type Split,
  type WorkspaceStats,
} from './types.ts';
import * as L from './labeling-types.ts';

/** A method: its input schema, a phantom result type, and whether it streams progress. */
export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  job: boolean;
  /** Type-level only: never read at run time. */
  readonly _result?: O;
}
function method<O>() {
  return <I extends z.ZodType>(input: I, opts: { job?: boolean } = {}): MethodSpec<I, O> => ({
    input,
    job: opts.job ?? false,
  });
}

const id = z.string().min(1).max(256);
/** A file-system path on the backend's machine; hosts may restrict where it may point. */
const path = z.string().min(1).max(4096);

export interface AppInfo {
  name: string;
  version: string;
  /** Which host serves this backend: the Electron app, `serve` (browser mode) or the CLI. */
  host: 'electron' | 'serve' | 'cli';
  workspacePath: string;
  schemaVersion: number;
  nodeVersion: string;
}

export interface ExportReport {
  path: string;
  rows: number;
}

export interface DemoReport {
  sessions: number;
  turns: number;
  resultRows: number;
  users: number;
  topics: number;
  switches: number;
  files: { sessions: string; qrels: string; features: string };
}

// ---- Inference (docs/inference.md) ----

export const PROVIDER_SETTINGS = ['auto', 'cpu', 'cuda', 'webgpu', 'directml', 'coreml'] as const;
export type ProviderSettingName = (typeof PROVIDER_SETTINGS)[number];

export interface ModelSummary {
  /** The model's identity: sha256 of its ONNX file. Scores are keyed by it. */
  sha256: string;
  name: string;
  version: string;
  /** linear / softmax / flattened (the item-only baseline). */
  encoder: string;
  contractVersion: string;
  /** Feature groups in input order (HFG group_weight is in this order). */
  groups: { name: string; features: string[] }[];
  tokenizer: TokenizerParams;
  filePath: string;
  bytes: number;
  addedAt: string;
  shipped: boolean;
  metadata: Record<string, string>;
}

export interface ModelAddResult extends ModelSummary {
  /** The same file (by sha256) was already registered: nothing changed. */
  alreadyRegistered: boolean;
}

export interface ProviderAttemptInfo {
  provider: string;
  ok: boolean;
  error?: string;
}

/** Which execution provider actually runs a model, and why when it is not the first choice. */
export interface ModelRuntime {
  sha256: string;
  name: string;
  /** Provider whose session runs the model ('cpu', 'cuda', 'webgpu', 'dml', 'coreml'). */
  provider: string;
  /** null when the first provider tried loaded; else each failed provider and onnxruntime's reason. */
  fallback: string | null;
  attempts: ProviderAttemptInfo[];
  loadMs: number;
}

export interface InferenceSettings {
  provider: ProviderSettingName;
  /** CPU intra-op threads for model runs. */
  threads: number;
  /** History steps kept per turn (most recent). */
  maxHistory: number;
}

export interface InferenceStatus {
  settings: InferenceSettings;
  platform: string;
  /** Providers onnxruntime-node has on this machine (bundled or installed). */
  backends: { name: string; bundled: boolean }[];
  /** Providers `auto` tries here, in order. */
  autoPlan: string[];
  /** Models loaded now. */
  loaded: ModelRuntime[];
}

export interface HistoryStepInfo {
  /** Step number over the turn's whole history (0 = oldest), also the id counterfactual edits use. */
  step: number;
  turnIndex: number;
  query: string;
  itemId: string | null;
  action: StepAction;
}

export interface ScoredCandidate {
  itemId: string;
  title: string;
  /** Position in the logged result list. */
  position: number;
  /** 1 = best, by score (ties: logged position). */
  rank: number;
  score: number;
  /** HFG attention per feature group, in the model's group order; sums to 1. */
  groupWeight: number[];
}

export interface AssemblyInfo {
  historySteps: number;
  truncatedSteps: number;
  maxHistory: number;
  /** Features the model needs that the log lacks, with how many candidates were filled and with what. */
  missingFeatures: { feature: string; candidates: number; fill: number }[];
}

export interface ModelTurnScores {
  model: { sha256: string; name: string; version: string; encoder: string };
  runtime: ModelRuntime;
  groups: string[];
  /** Ranked, best first. */
  candidates: ScoredCandidate[];
  /** Share of each kept history step in the query-conditioned user state, aligned with TurnScoring.history. */
  historyWeight: number[];
  assembly: AssemblyInfo;
  /** Time inside onnxruntime for the batch this turn rode in, and that batch's size. */
  runMs: number;
  batchTurns: number;
}

export interface TurnScoring {
  turnId: string;
  query: string;
  /** True for score.counterfactual: an edited turn, nothing written. */
  counterfactual: boolean;
  /** The kept history steps fed to the models, oldest first. */
  history: HistoryStepInfo[];
  models: ModelTurnScores[];
  /** Things a user should know (truncation, missing features, zero candidates, edits with no effect). */
  warnings: string[];
  /** score.counterfactual only: where each feature value fed to the models came from (docs/features.md). */
  features?: CounterfactualFeatures;
}

export interface BatchScoreReport {
  model: { sha256: string; name: string };
  provider: string;
  fallback: string | null;
  split: Split | null;
  /** Turns in scope. */
  turns: number;
  /** Scored by this run. */
  scored: number;
  /** Already scored by an earlier run (skipped: re-running is a no-op). */
  alreadyScored: number;
  candidatesScored: number;
  zeroCandidateTurns: number;
  truncatedTurns: number;
  /** Feature → candidates filled with 0 across this run. */
  missingFeatures: Record<string, number>;
  maxHistory: number;
  /** Scoring time (after `rescore` forgot the old scores) and turns scored per second of it. */
  durationMs: number;
  turnsPerSecond: number;
  /** Time spent deleting this model's old scores when `rescore` was set (0 otherwise). */
  forgetMs: number;
}

export interface StoredTurnScores {
  turnId: string;
  model: { sha256: string; name: string };
  scored: boolean;
  candidates: { itemId: string; rank: number; score: number; groupWeight: number[] }[];
}

// ---- Ranking metrics over stored batch scores (docs/debugging-views.md, src-backend/ranking/) ----

export interface TurnGrades {
  setName: string;
  turnId: string;
  /** Judged candidates of the turn; an item not listed is unjudged (grade 0 in NDCG/RR). */
  grades: { itemId: string; grade: number }[];
}

/** Turn kinds the dataset view splits by: `continuation` = refinement or repeat. */
export type TurnKind = 'start' | 'switch' | 'continuation';
export const TURN_KINDS = ['start', 'switch', 'continuation'] as const;

/**
 * Per-turn measures `metrics.turns` can sort and summarise by (src-common/metrics.ts evaluateTopic,
 * trec_eval names; the ideal ranking is the turn's shown candidates). ndcg_cut, P, err and judged
 * take the cut-off k; map, recip_rank and Rprec do not.
 */
export const TURN_MEASURES = ['ndcg_cut', 'P', 'map', 'recip_rank', 'err', 'judged', 'Rprec'] as const;
export type TurnMeasure = (typeof TURN_MEASURES)[number];
/** The measures of TURN_MEASURES that are cut at k. */
export const CUT_TURN_MEASURES: ReadonlySet<TurnMeasure> = new Set(['ndcg_cut', 'P', 'err', 'judged']);

export interface KindSummary {
  /** Turns with both models' scores and ≥ 1 relevant candidate (the ones the means are over). */
  turns: number;
  /** Mean of the chosen measure (`measure`, at k where it takes one) of each model (null when turns = 0). */
  valueA: number | null;
  valueB: number | null;
  /** Mean NDCG@k / mean reciprocal rank of each model over those turns (NaN → null when turns = 0). */
  ndcgA: number | null;
  ndcgB: number | null;
  mrrA: number | null;
  mrrB: number | null;
}

export interface TurnMetricsRow {
  turnId: string;
  sessionId: string;
  index: number;
  query: string;
  userId: string;
  /** Stored boundary kind of the turn (src-common/segmentation.ts). */
  boundary: BoundaryKind;
  kind: TurnKind;
  /** NDCG@k and reciprocal rank of each model, whatever the chosen measure. */
  ndcgA: number;
  ndcgB: number;
  mrrA: number;
  mrrB: number;
  /** The chosen measure (`measure`, at k where it takes one) of each model on this turn. */
  valueA: number;
  valueB: number;
  /** valueB − valueA: negative = B is worse on this turn (a regression of B against A). */
  delta: number;
}

export interface TurnMetricsPage {
  modelA: { sha256: string; name: string };
  modelB: { sha256: string; name: string };
  setName: string;
  k: number;
  /** The measure of valueA / valueB / delta and of the summary's valueA / valueB. */
  measure: TurnMeasure;
  /** Rows matching every filter (before offset/limit). */
  total: number;
  offset: number;
  rows: TurnMetricsRow[];
  /** Means by turn kind and over all kinds. Honour every filter except `boundary` (the chart shows all kinds). */
  summary: Record<TurnKind | 'all', KindSummary>;
  /** Turns in scope (all filters but `boundary`) left out: no candidate with grade ≥ 1 (NDCG undefined). */
  skippedNoRelevant: number;
  /** Turns in scope not yet batch-scored (score.batch) by A / by B / by either; left out of rows and means. */
  unscored: { modelA: number; modelB: number; either: number };
  /** Turns in scope (all filters but `boundary`). */
  turnsInScope: number;
}

const sha256Ref = z.string().regex(/^[0-9a-fA-F]{8,64}$/, 'a model sha256 (or a unique prefix of ≥ 8 hex digits)');
const turnId = z.string().min(3).max(600);
/** An edit of a stored turn: what score.counterfactual takes and what a saved variant stores. */
export const turnEdit = z
  .object({
    /** Replace the turn's query text. */
    query: z.string().max(2000).optional(),
    /** History step numbers (HistoryStepInfo.step) to leave out. */
    removeHistorySteps: z.array(z.number().int().min(0)).max(100_000).optional(),
    /** Set a candidate's feature value (adds the feature if the log lacks it). */
    features: z
      .array(
        z
          .object({ itemId: z.string().min(1).max(1000), feature: z.string().min(1).max(200), value: z.number() })
          .strict(),
      )
      .max(100_000)
      .optional(),
  })
  .strict();
export type TurnEdit = z.output<typeof turnEdit>;

/** A saved counterfactual variant of a turn (variants.save): a named edit, re-applied with score.counterfactual. */
export interface Variant {
  variantId: number;
  turnId: string;
  name: string;
  edit: TurnEdit;
  createdAt: string;
}

/** sessions.list: filters combine with AND; one page in import order. */
export const sessionQuery = z
  .object({
    /** Case-insensitive substring of any query of the session; each row's `match` names the first such turn. */
    q: z.string().max(500).optional(),
    /** Case-insensitive prefix of the user id ("u00" matches u0012 and U0099; "" matches everyone). */
    userId: z.string().max(256).optional(),
    hasSwitch: z.boolean().optional(),
    split: z.enum(SPLITS).optional(),
    offset: z.number().int().min(0).max(100_000_000).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type SessionQuery = z.output<typeof sessionQuery>;

export const contract = {
  'app.info': method<AppInfo>()(z.object({}).strict()),
  'workspace.stats': method<WorkspaceStats>()(z.object({}).strict()),

  'sessions.list': method<SessionPage>()(sessionQuery),
  'sessions.get': method<SessionDetail>()(z.object({ sessionId: id }).strict()),

  'import.sessions': method<ImportReport>()(z.object({ path }).strict(), { job: true }),
  'import.trecRun': method<ImportReport>()(z.object({ path }).strict(), { job: true }),
  'import.qrels': method<ImportReport>()(z.object({ path, setName: id }).strict(), { job: true }),

  'export.trecRun': method<ExportReport>()(z.object({ tag: id, path }).strict(), { job: true }),
  /** TREC qrels from any grades source: a qrels set, `labels:task:<id>`, `labels:annotator:<id>` or `labels:consensus:<id>:<rule>` (label values; docs/training-export.md, docs/agreement.md). */
  'export.qrels': method<ExportReport>()(z.object({ setName: id, path }).strict(), { job: true }),
  /** The query-conditioned training export of a grades source: a folder `name` inside `outDir` with manifest.json + training.jsonl. */
  'export.training': method<TrainingExportReport>()(
    z
      .object({
        source: id,
        outDir: path,
        name: z.string().min(1).max(100).default('training-export'),
        overwrite: z.boolean().default(false),
        /** Take the feature groups from this model (the model the new one should replace); default: from the logged features. */
        featureGroupsFrom: sha256Ref.optional(),
      })
      .strict(),
    { job: true },
  ),
  /**
   * The loop: export a grades source as training data, train a model of the base model's family on it
   * (trainer/ as a child process), register it, batch-score both and compare them on the labelled turns.
   */
  'train.fromLabels': method<TrainFromLabelsReport>()(
    z
      .object({
        source: id,
        baseModel: sha256Ref,
        encoder: z.enum(['linear', 'softmax', 'flattened']).optional(),
        epochs: z.number().int().min(1).max(50).default(6),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(1),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    { job: true },
  ),
  /** turns, results (with features), labels and scores as Parquet files in a folder `name` inside `outDir`. */
  'export.parquet': method<ParquetExportReport>()(
    z
      .object({
        outDir: path,
        name: z.string().min(1).max(100).default('parquet-export'),
        overwrite: z.boolean().default(false),
        /** Grades sources added to labels.parquet (e.g. `labels:consensus:<task>:adjudicated`), one row per judged item. */
        sources: z.array(z.string().min(1).max(256)).max(20).default([]),
      })
      .strict(),
    { job: true },
  ),

  'demo.generate': method<DemoReport>()(
    z
      .object({
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(7),
        sessions: z.number().int().min(1).max(10_000_000),
        outDir: path,
        gzip: z.boolean().default(false),
      })
      .strict(),
    { job: true },
  ),
  'models.list': method<ModelSummary[]>()(z.object({}).strict()),
  'models.add': method<ModelAddResult>()(z.object({ path, name: z.string().min(1).max(200).optional() }).strict()),
  'models.rename': method<ModelSummary>()(z.object({ sha256: sha256Ref, name: z.string().min(1).max(200) }).strict()),
  'models.remove': method<{ sha256: string; name: string; scoresDeleted: number }>()(
    z.object({ sha256: sha256Ref }).strict(),
  ),
  /** Registers the models shipped in resources/models (the demo workspace's). Idempotent. */
  'models.registerShipped': method<ModelAddResult[]>()(z.object({}).strict()),

  'inference.status': method<InferenceStatus>()(z.object({}).strict()),
  'inference.configure': method<InferenceStatus>()(
    z
      .object({
        provider: z.enum(PROVIDER_SETTINGS).optional(),
        threads: z.number().int().min(1).max(64).optional(),
        maxHistory: z.number().int().min(0).max(8192).optional(),
      })
      .strict(),
  ),

  /** Score one stored turn with one or two models. Writes nothing. */
  'score.turn': method<TurnScoring>()(
    z
      .object({
        turnId,
        models: z.array(sha256Ref).min(1).max(2),
        maxHistory: z.number().int().min(0).max(8192).optional(),
      })
      .strict(),
  ),
  /** Score an edited copy of a stored turn (query text, history steps removed, feature values). Writes nothing. */
  'score.counterfactual': method<TurnScoring>()(
    z
      .object({
        turnId,
        models: z.array(sha256Ref).min(1).max(2),
        edit: turnEdit,
        maxHistory: z.number().int().min(0).max(8192).optional(),
      })
      .strict(),
  ),
  /** Score every turn (or one split) with a model into the workspace; resumable, re-running is a no-op. */
  'score.batch': method<BatchScoreReport>()(
    z
      .object({
        model: sha256Ref,
        split: z.enum(SPLITS).optional(),
        /** Forget this model's stored scores first and score everything again. */
        rescore: z.boolean().default(false),
      })
      .strict(),
    { job: true },
  ),
  /** Scores a batch job stored for one turn. */
  'score.stored': method<StoredTurnScores>()(z.object({ turnId, model: sha256Ref }).strict()),

  /** Graded relevance of one turn's candidates in a judgment set (qrels). Set names: workspace.stats.qrelsSets. */
  'qrels.turn': method<TurnGrades>()(z.object({ turnId, setName: id }).strict()),
  /** Save a named counterfactual edit of a turn (the edit score.counterfactual takes). Names are unique per turn. */
  'variants.save': method<Variant>()(
    z.object({ turnId, name: z.string().trim().min(1).max(200), edit: turnEdit }).strict(),
  ),
  /** Saved variants of a turn, oldest first. */
  'variants.list': method<Variant[]>()(z.object({ turnId }).strict()),
  'variants.delete': method<{ variantId: number; deleted: true }>()(
    z.object({ variantId: z.number().int().min(1) }).strict(),
  ),
  /** Per-turn NDCG@k / MRR and a chosen measure of two models from their stored batch scores, sorted by delta (B − A) of that measure. */
  'metrics.turns': method<TurnMetricsPage>()(
    z
      .object({
        modelA: sha256Ref,
        modelB: sha256Ref,
        setName: id,
        k: z.number().int().min(1).max(1000).default(10),
        /** What valueA / valueB / delta, the sort and the summary use (trec_eval names; k applies to ndcg_cut, P, err, judged). */
        measure: z.enum(TURN_MEASURES).default('ndcg_cut'),
        split: z.enum(SPLITS).optional(),
        boundary: z.enum(TURN_KINDS).optional(),
        /** Case-insensitive substring of the turn's query. */
        q: z.string().max(500).optional(),
        userId: id.optional(),
        /** `delta`: most negative valueB − valueA first (worst regressions of B); `-delta`: best first. Ties in turn order. */
        sort: z.enum(['delta', '-delta']).default('delta'),
        offset: z.number().int().min(0).max(100_000_000).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  /** A TREC run file against a qrels file, measured as trec_eval measures them (docs/evaluation.md). Reads files only. */
  'evaluate.run': method<RunEvaluation>()(
    z
      .object({
        run: path,
        qrels: path,
        /** trec_eval -m names: map, P.5,10, ndcg_cut.10, err.20, judged.10, Rprec, recip_rank, ndcg, num_ret, … */
        measures: z.array(z.string().min(1).max(200)).max(50).optional(),
        /** trec_eval -l: lowest grade counted as relevant. */
        relevanceLevel: z.number().int().min(-1000).max(1000).default(1),
        /** trec_eval -q: also return each topic's values. */
        perTopic: z.boolean().default(false),
      })
      .strict(),
    { job: true },
  ),

  // ---- Labeling (docs/labeling.md) ----
  'scales.list': method<L.Scale[]>()(z.object({}).strict()),
  /** A custom scale: name, and per level the key, value, gain and description shown while judging. */
  'scales.create': method<L.Scale>()(L.scaleCreateInput),
  /** A label task from a session filter, a regression table, a stratified sample or a turn list; pools are frozen now. */
  'tasks.create': method<L.TaskSummary>()(L.taskCreateInput),
  /** Every task with its progress per annotator, newest first. */
  'tasks.list': method<L.TaskSummary[]>()(z.object({}).strict()),
  'tasks.get': method<L.TaskSummary>()(z.object({ taskId: z.number().int().min(1) }).strict()),
  /** Judge mode's payload for one turn of a task (default: this annotator's first unfinished turn). */
  'tasks.turn': method<L.JudgeTurn>()(
    z
      .object({
        taskId: z.number().int().min(1),
        ordinal: z.number().int().min(0).optional(),
        annotatorId: z.string().min(1).max(64).optional(),
      })
      .strict(),
  ),
  /** Append a grade / skip / flag event; idempotent by eventId. Acknowledged after the commit is durable. */
  'labels.record': method<L.LabelAck>()(L.labelRecordInput),
  /** Append an undo event for the annotator's latest event in effect on the turn. */
  'labels.undo': method<L.LabelAck & { undid: string }>()(L.labelUndoInput),
  /** Current labels of a turn (every annotator and task unless filtered), optionally with the raw events. */
  'labels.forTurn': method<L.TurnLabels>()(L.labelsForTurnInput),
  'annotator.get': method<L.Annotator & { all: L.Annotator[] }>()(z.object({}).strict()),
  'annotator.set': method<L.Annotator>()(L.annotatorSetInput),
  /** The arena's next (or given) turn: two models' top k, anonymised, placed left/right at random (seeded). */
  'arena.next': method<L.ArenaTurn>()(L.arenaNextInput),
  'arena.record': method<L.LabelAck & { outcome: L.ArenaOutcome }>()(L.arenaRecordInput),
  /** Win rate per model pair (Wilson 95% interval), split by turn kind. */
  'arena.stats': method<L.ArenaPairStats[]>()(L.arenaStatsInput),
  // ---- Agreement and adjudication (docs/agreement.md) ----
  /** Per annotator pair Cohen's κ (unweighted, quadratic), overall Krippendorff's α (nominal, ordinal), a pair's confusion table. */
  'agreement.task': method<L.TaskAgreement>()(L.agreementTaskInput),
  /** The task's items where annotators differ, sorted by how much, with each annotator's grade and any adjudication. */
  'disagreements.list': method<L.DisagreementPage>()(L.disagreementsListInput),
  /** A lead's final grade (value + note) for one item of a task; idempotent by eventId, acknowledged after the durable commit. */
  'labels.adjudicate': method<L.AdjudicateAck>()(L.labelAdjudicateInput),

  // ---- Feature spec (docs/features.md) ----
  /** The workspace's feature spec (which features depend on the query, and how). */
  'features.spec': method<FeatureSpecInfo>()(z.object({}).strict()),
  /** Validate a feature spec file (docs/schema/feature-spec-v2.schema.json) and make it the workspace's; on error nothing changes. */
  'features.setSpec': method<FeatureSpecInfo>()(z.object({ path }).strict()),
  // ---- Team: label-event files and team sync (docs/team.md) ----
  /** Write label events (mine, one annotator's or everyone's) as a versioned JSONL file another workspace can import. */
  'labels.exportEvents': method<L.LabelsExportReport>()(L.labelsExportEventsInput, { job: true }),
  /** Import a label-event file: all or nothing, idempotent by event id; reports events for turns or items this workspace lacks. */
  'labels.importEvents': method<L.LabelsImportReport>()(L.labelsImportEventsInput, { job: true }),
  /** Point this workspace at a team PostgreSQL database (migrating its schema); the password is kept in memory only. */
  'team.connect': method<L.TeamStatus>()(L.teamConnectInput),
  'team.disconnect': method<L.TeamStatus>()(z.object({}).strict()),
  /** Sync state: pending events, last synced, last error, paused reason. */
  'team.status': method<L.TeamStatus>()(z.object({}).strict()),
  /** Push and pull now (also retries a paused sync); the background loop does this on its own. */
  'team.syncNow': method<L.TeamSyncReport>()(z.object({}).strict()),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodResult<M extends MethodName> = Contract[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events a transport carries for one call. `progress` only for job methods. */
export type CallEvent =
  | { type: 'progress'; progress: import('./types.ts').Progress }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: import('../errors.ts').ApiErrorJson };

// ---- Feature spec and counterfactual feature provenance (docs/features.md) ----

/** Where a feature value of a counterfactual came from. */
export type FeatureProvenance =
  /** Recomputed from the edited query and the candidate's title by the feature module (src-common/features.ts). */
  | 'recomputed'
  /** Depends on the query, but the app cannot recompute it (or does not know it depends): the logged value. */
  | 'from-log'
  /** Set by the user in the edit (edit.features); wins over recomputation. */
  | 'edited'
  /** The logged value, still right: the feature does not depend on the query, or the query is not edited. */
  | 'unchanged';

export interface FeatureValueInfo {
  /** The value fed to the models (null: neither logged nor computed; the model fills it). */
  value: number | null;
  /** The logged value (null when the log lacks the feature for this candidate). */
  logged: number | null;
  provenance: FeatureProvenance;
}

export interface CounterfactualFeatures {
  /** The workspace's feature spec says which features depend on the query (a v2 spec is set). */
  specKnown: boolean;
  /** The edit changes the query text. */
  queryEdited: boolean;
  /** One line for the user when something about the features needs saying (no spec, features kept from the log). */
  note: string | null;
  /** Provenance of each feature for every candidate (before per-candidate edits, which `candidates` shows). */
  byFeature: Record<string, Exclude<FeatureProvenance, 'edited'>>;
  /** Features recomputed from the edited query, and query-dependent ones kept from the log. */
  recomputed: string[];
  fromLog: string[];
  /** Per candidate (logged order): every feature whose provenance is not `unchanged`. */
  candidates: { itemId: string; features: Record<string, FeatureValueInfo> }[];
}

export const QUERY_DEPENDENCE = ['qgs-text-v1', 'logged'] as const;
export type QueryDependence = (typeof QUERY_DEPENDENCE)[number];

/** features.spec / features.setSpec: the workspace's feature spec, summarised (the df table is left out). */
export interface FeatureSpecInfo {
  /** null when the workspace has no spec. */
  spec: {
    /** 1: groups only (query dependence unknown); 2: with queryDependence and textStats. */
    version: 1 | 2;
    groups: { name: string; features: string[] }[];
    /** Feature → how it depends on the query; null for a v1 spec (unknown). */
    queryDependence: Record<string, QueryDependence> | null;
    textStats: { version: string; docs: number; avgLen: number; tokens: number } | null;
  } | null;
  /** The file it was imported from, and when. */
  source: string | null;
  importedAt: string | null;
  /** One line: what the app does with it when a counterfactual edits the query. */
  summary: string;
}
