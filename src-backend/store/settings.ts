// Owner of `inference_settings` (migration 002): the workspace's key → JSON value settings, and the
// workspace's feature spec (docs/features.md), kept in the same table under its own key.
import type { DatabaseSync } from 'node:sqlite';

/**
 * The key of the feature spec. It is a document (with corpus statistics it can be hundreds of KB),
 * not a setting: readSettings leaves it out so reading the settings stays cheap on every request.
 */
const FEATURE_SPEC_KEY = 'feature_spec';

/** Every stored setting, values parsed from JSON (the feature spec is not a setting: see readFeatureSpecText). */
export function readSettings(db: DatabaseSync): Record<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM inference_settings WHERE key <> ?').all(FEATURE_SPEC_KEY) as {
    key: string;
    value: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

/** Stores each defined value of the patch (as JSON); undefined values leave a setting as it is. */
export function writeSettings(db: DatabaseSync, patch: Record<string, unknown>): void {
  const put = db.prepare(
    'INSERT INTO inference_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const [k, v] of Object.entries(patch)) {
    if (k === FEATURE_SPEC_KEY) throw new Error(`"${FEATURE_SPEC_KEY}" is not a setting: use writeFeatureSpecText`);
    if (v !== undefined) put.run(k, JSON.stringify(v));
  }
}

/** The stored feature spec as its JSON text (as validated and normalised on import), or null. */
export function readFeatureSpecText(db: DatabaseSync): string | null {
  const row = db.prepare('SELECT value FROM inference_settings WHERE key = ?').get(FEATURE_SPEC_KEY) as
    { value: string } | undefined;
  return row?.value ?? null;
}

/** Replaces the stored feature spec (one statement: the old one stays until this commits). */
export function writeFeatureSpecText(db: DatabaseSync, json: string): void {
  db.prepare(
    'INSERT INTO inference_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(FEATURE_SPEC_KEY, json);
}
