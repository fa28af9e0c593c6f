// Owner of `inference_settings` (migration 002): the workspace's key → JSON value settings.
import type { DatabaseSync } from 'node:sqlite';

/** Every stored setting, values parsed from JSON. */
export function readSettings(db: DatabaseSync): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM inference_settings').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

/** Stores each defined value of the patch (as JSON); undefined values leave a setting as it is. */
export function writeSettings(db: DatabaseSync, patch: Record<string, unknown>): void {
  const put = db.prepare(
    'INSERT INTO inference_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(v));
}
