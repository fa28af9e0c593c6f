// Test helpers: temp workspaces and a content snapshot of every table, to prove that a failed
// import changed nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach } from 'vitest';

const dirs: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'qgs-store-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export interface Snapshot {
  counts: Record<string, number>;
  hash: string;
}

/** Row counts and a sha256 over every row of every table, read through a fresh connection. */
export function snapshot(dbPath: string): Snapshot {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const tables = (
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .all() as { name: string }[]
    ).map((r) => r.name);
    const h = createHash('sha256');
    const counts: Record<string, number> = {};
    h.update(`user_version=${(db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version}\n`);
    for (const t of tables) {
      const rows = db.prepare(`SELECT * FROM "${t}"`).all();
      counts[t] = rows.length;
      h.update(`${t}\n`);
      for (const r of rows)
        h.update(JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)) + '\n');
    }
    return { counts, hash: h.digest('hex') };
  } finally {
    db.close();
  }
}

/** Awaits a promise expected to reject with an ApiError-like object and returns it. */
export async function rejection(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; problems: { where: string; message: string }[] }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; problems: { where: string; message: string }[] };
  }
  throw new Error('expected the promise to reject, but it resolved');
}
