// Owner of `inference_settings` (migration 002): the workspace's key → JSON value settings, and the
// workspace's feature spec (docs/features.md), kept in the same table under its own key.
import type { DatabaseSync } from 'node:sqlite';
import { transaction } from './store.ts';

/**
 * The key of the feature spec. It is a document (with corpus statistics it can be hundreds of KB),
 * not a setting: readSettings leaves it out so reading the settings stays cheap on every request.
 */
const FEATURE_SPEC_KEY = 'feature_spec';
/** A short tag that changes with every stored spec: readers check it instead of re-reading the document. */
const FEATURE_SPEC_REV_KEY = 'feature_spec_rev';
const DOCUMENT_KEYS = [FEATURE_SPEC_KEY, FEATURE_SPEC_REV_KEY];

/** Every stored setting, values parsed from JSON (the feature spec is not a setting: see readFeatureSpecText). */
export function readSettings(db: DatabaseSync): Record<string, unknown> {
  const rows = db
    .prepare('SELECT key, value FROM inference_settings WHERE key NOT IN (?, ?)')
    .all(...DOCUMENT_KEYS) as {
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
    if (DOCUMENT_KEYS.includes(k)) throw new Error(`"${k}" is not a setting: use writeFeatureSpecText`);
    if (v !== undefined) put.run(k, JSON.stringify(v));
  }
}

/** The stored feature spec as its JSON text (as validated and normalised on import), or null. */
export function readFeatureSpecText(db: DatabaseSync): string | null {
  const row = db.prepare('SELECT value FROM inference_settings WHERE key = ?').get(FEATURE_SPEC_KEY) as
    { value: string } | undefined;
  return row?.value ?? null;
}

/** The stored spec's revision tag (a few bytes), or null when there is no spec. */
export function readFeatureSpecRev(db: DatabaseSync): string | null {
  const row = db.prepare('SELECT value FROM inference_settings WHERE key = ?').get(FEATURE_SPEC_REV_KEY) as
    { value: string } | undefined;
  return row?.value ?? null;
}

/** Replaces the stored feature spec and its revision tag in one transaction (the old pair stays on failure). */
export function writeFeatureSpecText(db: DatabaseSync, json: string, rev: string): void {
  const put = db.prepare(
    'INSERT INTO inference_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  transaction(db, () => {
    put.run(FEATURE_SPEC_KEY, json);
    put.run(FEATURE_SPEC_REV_KEY, rev);
  });
}
