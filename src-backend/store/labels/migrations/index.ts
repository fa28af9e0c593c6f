// Ordered migrations of the labels database (`<workspace>.labels.db`), separate from the workspace's.
// Migration N upgrades version N-1 to N (PRAGMA user_version). Append only.
import m001 from './001_labels.ts';
import m002 from './002_adjudication.ts';
import m003 from './003_team_sync.ts';

export const LABELS_MIGRATIONS: readonly string[] = [m001, m002, m003];
export const LABELS_SCHEMA_VERSION = LABELS_MIGRATIONS.length;
