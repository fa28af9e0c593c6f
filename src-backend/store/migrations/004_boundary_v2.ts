// Migration 4: boundary rule v2 (docs/segmentation.md, "Existing workspaces"). Append-only: never
// edit once shipped; add 005_….ts.
// Workspaces store each turn's boundary and each session's switch count at import. Rule v2 decides
// differently (intent-only follow-ups, word forms, sibling topics), so this step recomputes both for
// every stored session from the stored queries and times, in the same transaction as the version
// bump: a workspace is either wholly on v1 or wholly on v2. No schema change.
import type { DatabaseSync } from 'node:sqlite';
import { recomputeBoundaries } from '../sessions.ts';

export default function boundaryV2(db: DatabaseSync): void {
  recomputeBoundaries(db);
}
