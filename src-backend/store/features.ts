// Owner of feature_names and feature_sets. Compact feature storage: results.features is a float64
// little-endian array aligned to the ordered name list of its feature_sets row (docs/store.md,
// "Feature values").
import type { DatabaseSync } from 'node:sqlite';

export function packIds(ids: readonly number[]): Uint8Array {
  const a = new Uint32Array(ids);
  return new Uint8Array(a.buffer);
}

export function unpackIds(blob: Uint8Array): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: number[] = [];
  for (let i = 0; i < blob.byteLength; i += 4) out.push(view.getUint32(i, true));
  return out;
}

/** Reads feature_sets joined to names: set_id → ordered feature names. Cached per call site. */
export class FeatureSetReader {
  private readonly sets = new Map<number, string[]>();
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }
  names(setId: number): string[] {
    let names = this.sets.get(setId);
    if (!names) {
      const row = this.db.prepare('SELECT feature_ids FROM feature_sets WHERE set_id = ?').get(setId) as
        { feature_ids: Uint8Array } | undefined;
      if (!row) throw new Error(`feature set ${setId} is missing`);
      const byId = this.db.prepare('SELECT name FROM feature_names WHERE feature_id = ?');
      names = unpackIds(row.feature_ids).map((id) => (byId.get(id) as { name: string }).name);
      this.sets.set(setId, names);
    }
    return names;
  }
  /**
   * Feature values by name, read from the float64 blob in place (a DataView needs no 8-byte
   * alignment, so no copy): batch scoring runs this for every candidate of every turn.
   */
  decode(setId: number, blob: Uint8Array): Record<string, number> {
    const out: Record<string, number> = {};
    if (blob.byteLength === 0) return out; // nothing logged for this result
    const names = this.names(setId);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    for (let i = 0; i < names.length; i++) out[names[i]!] = view.getFloat64(i * 8, true);
    return out;
  }
}

/** Resolves ordered feature-name lists to feature_sets ids during one import, creating what is new. */
export class FeatureSets {
  private readonly names = new Map<string, number>();
  private readonly sets = new Map<string, number>();
  readonly newNames: string[] = [];
  private readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
    for (const r of db.prepare('SELECT feature_id, name FROM feature_names').all() as {
      feature_id: number;
      name: string;
    }[])
      this.names.set(r.name, r.feature_id);
  }
  // null until the first lookup: an empty first list must still get a real set id.
  private lastNames: string[] | null = null;
  private lastId = 0;
  /** set_id for this ordered list of names. */
  setId(names: string[]): number {
    // Logs almost always repeat the same names in the same order: compare with the last list
    // before building a cache key.
    const last = this.lastNames;
    if (last !== null && names.length === last.length && names.every((n, i) => n === last[i])) return this.lastId;
    const key = names.join('\n');
    let id = this.sets.get(key);
    if (id !== undefined) {
      this.lastNames = names;
      this.lastId = id;
      return id;
    }
    const ids = names.map((n) => {
      let fid = this.names.get(n);
      if (fid === undefined) {
        fid = Number(this.db.prepare('INSERT INTO feature_names (name) VALUES (?)').run(n).lastInsertRowid);
        this.names.set(n, fid);
        this.newNames.push(n);
      }
      return fid;
    });
    const blob = packIds(ids);
    const row = this.db.prepare('SELECT set_id FROM feature_sets WHERE feature_ids = ?').get(blob) as
      { set_id: number } | undefined;
    id = row
      ? row.set_id
      : Number(this.db.prepare('INSERT INTO feature_sets (feature_ids) VALUES (?)').run(blob).lastInsertRowid);
    this.sets.set(key, id);
    this.lastNames = names;
    this.lastId = id;
    return id;
  }
}

/** Every feature name ever recorded, in first-seen order. */
export function featureNames(db: DatabaseSync): string[] {
  return (db.prepare('SELECT name FROM feature_names ORDER BY feature_id').all() as { name: string }[]).map(
    (r) => r.name,
  );
}
