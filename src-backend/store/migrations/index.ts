// Ordered list of migrations. Migration N (1-based) upgrades schema version N-1 to N; the schema
// version lives in PRAGMA user_version. Append only.
import m001 from './001_init.ts';
import m002 from './002_inference.ts';
import m003 from './003_variants.ts';
import m004 from './004_boundary_v2.ts';
import type { Migration } from '../store.ts';

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004];
export const SCHEMA_VERSION = MIGRATIONS.length;
