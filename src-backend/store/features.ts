// Compact feature storage: results.features is a float64 little-endian array aligned to the
// ordered name list of its feature_sets row (docs/store.md, "Feature values").
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
        | { feature_ids: Uint8Array }
        | undefined;
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
