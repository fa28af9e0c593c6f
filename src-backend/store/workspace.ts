// workspace.stats: each figure from the module that owns its table; no SQL of its own.
import { statSync } from 'node:fs';
import type { WorkspaceStats } from '../../src-common/api/types.ts';
import { featureNames } from './features.ts';
import { importCount } from './imports.ts';
import { SCHEMA_VERSION } from './migrations/index.ts';
import { qrelsSetNames } from './qrels.ts';
import { runTags } from './runs.ts';
import { sessionCounts } from './sessions.ts';
import type { Store } from './store.ts';

export function workspaceStats(store: Store): WorkspaceStats {
  const db = store.db;
  let fileBytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      fileBytes += statSync(store.path + suffix).size;
    } catch {
      // no WAL file right now
    }
  }
  const { sessions, users, turns, resultRows, items } = sessionCounts(db);
  return {
    path: store.path,
    schemaVersion: SCHEMA_VERSION,
    sessions,
    users,
    turns,
    resultRows,
    items,
    featureNames: featureNames(db),
    imports: importCount(db),
    runs: runTags(db),
    qrelsSets: qrelsSetNames(db),
    fileBytes,
  };
}
