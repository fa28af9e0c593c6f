// Data shapes that cross the API boundary (backend ⇄ renderer/CLI). Plain JSON only.
import type { BoundaryKind } from '../segmentation.ts';

export type Split = 'train' | 'valid' | 'test';

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
  /** With a search (`q`): the first turn whose query contains it, and that query; else null. */
  match: { turn: number; query: string } | null;
}

export interface SessionQuery {
  /** Substring of any query in the session (case-insensitive). */
  q?: string;
  userId?: string;
  hasSwitch?: boolean;
  split?: Split;
  offset: number;
  limit: number;
}

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
