// Data shapes that cross the API boundary (backend ⇄ renderer/CLI). Plain JSON only.
import type { BoundaryKind } from '../segmentation.ts';

/** Data splits a session may belong to (the one list; the contract's z.enum and the importer use it). */
export const SPLITS = ['train', 'valid', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Where a text search hit a session: its first turn whose query contains the search. */
export interface SessionMatch {
  /** 0-based turn index, the `<n>` of turn id `<session>#<n>`. */
  turn: number;
  /** That turn's query as logged. */
  query: string;
}

export interface SessionSummary {
  sessionId: string;
  userId: string;
  split: Split | null;
  turns: number;
  /** Query switches (topic jumps) inside the session, per src-common/segmentation.ts. */
  switches: number;
  clicks: number;
  firstQuery: string;
  startedAt: string;
  /** With a text search (`q`): the first turn whose query contains it; null without one. */
  match: SessionMatch | null;
}

export type { SessionQuery } from './contract.ts';

export interface SessionPage {
  total: number;
  offset: number;
  rows: SessionSummary[];
}

export interface ResultRow {
  itemId: string;
  title: string;
  position: number;
  click: boolean;
  dwellMs: number | null;
  /** Feature name → value, as logged (unknown names included). */
  features: Record<string, number>;
}

export interface Turn {
  /** `<session_id>#<event index>`; also the TREC qid. */
  turnId: string;
  index: number;
  ts: string;
  query: string;
  boundary: BoundaryKind;
  results: ResultRow[];
}

export interface SessionDetail {
  sessionId: string;
  userId: string;
  split: Split | null;
  turns: Turn[];
}

export interface ImportReport {
  file: string;
  kind: 'sessions' | 'trec-run' | 'qrels';
  /** True when this exact file (by sha256) had already been imported: nothing was written. */
  alreadyImported: boolean;
  sessions: number;
  /** Sessions already present with identical content (idempotent re-import). */
  skippedSessions: number;
  turns: number;
  resultRows: number;
  /** Feature names never seen before this import (accepted and recorded). */
  newFeatureNames: string[];
  warnings: string[];
  durationMs: number;
}

export interface WorkspaceStats {
  path: string;
  schemaVersion: number;
  sessions: number;
  users: number;
  turns: number;
  resultRows: number;
  items: number;
  featureNames: string[];
  imports: number;
  runs: string[];
  qrelsSets: string[];
  /** Bytes on disk: the database file plus its write-ahead log. */
  fileBytes: number;
}

export interface Progress {
  phase: string;
  done: number;
  total: number | null;
  unit: string;
}

/** `evaluate.run`: a TREC run scored against a qrels file with trec_eval's definitions (docs/evaluation.md). */
export interface RunEvaluation {
  runTag: string;
  relevanceLevel: number;
  /** Output measure names in the order asked (`map`, `P_10`, …). */
  measures: string[];
  /** Per-topic values, in trec_eval's topic order; empty unless asked for. */
  topics: { topic: string; values: Record<string, number> }[];
  /** The `all` line: means over the evaluated topics (sums for num_*), plus num_q. */
  all: Record<string, number>;
  /** Topics in the run without judgments (not evaluated, as in trec_eval). */
  topicsRunOnly: number;
  /** Judged topics the run does not answer (not evaluated; trec_eval -c would count them as 0). */
  topicsQrelsOnly: number;
  lines: { run: number; qrels: number };
  durationMs: number;
}

/** `export.training` (docs/training-export.md). */
export interface TrainingExportReport {
  path: string;
  files: { examples: string; manifest: string };
  examples: number;
  candidates: number;
  labelledCandidates: number;
  source: string;
  featureGroups: { name: string; features: string[] }[];
  /** Judged turns the workspace does not have (reported, not silently dropped): how many, and the first 20. */
  turnsNotInWorkspace: number;
  turnsNotInWorkspaceSample: string[];
  /** Judged items that are not among their turn's logged results (they cannot be candidates). */
  itemsNotInTurn: number;
  examplesSha256: string;
  durationMs: number;
}

/** `export.parquet` (docs/training-export.md). */
export interface ParquetExportReport {
  path: string;
  files: { turns: string; results: string; labels: string; scores: string };
  rows: { turns: number; results: number; labels: number; scores: number };
  featureColumns: string[];
  durationMs: number;
}

/** `train.fromLabels`: the loop from labels back to a model, compared with the one it should replace. */
export interface TrainFromLabelsReport {
  model: import('./contract.ts').ModelSummary;
  base: { sha256: string; name: string };
  source: string;
  exportPath: string;
  /** Examples per split as the trainer used them. */
  examples: Record<string, number>;
  epochs: { epoch: number; loss: number; validNdcg10: number | null }[];
  /** metrics.turns of base (A) vs the new model (B) on the source's grades: all labelled turns. */
  comparison: {
    turns: number;
    ndcgA: number | null;
    ndcgB: number | null;
    mrrA: number | null;
    mrrB: number | null;
    k: number;
  };
  durationMs: number;
}
