// Export temp files: created exclusively, under an unpredictable name, never through a symlink.
// Before this, the temp file was `<target>.partial-<pid>`: a link planted under that name sent the
// export's bytes to whatever file the link named, outside the allowed folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempNameFor, writeLinesAtomically } from '../../../src-backend/data/atomic-write.ts';
import { openBackend } from '../../../src-backend/backend.ts';

let dir: string;
let allowed: string;
let outside: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-atomic-'));
  allowed = join(dir, 'allowed');
  mkdirSync(allowed);
  outside = join(dir, 'outside-secret.txt');
  writeFileSync(outside, 'precious\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeLinesAtomically', () => {
  it('writes every line and leaves no temp file behind', async () => {
    const target = join(allowed, 'run.txt');
    const n = await writeLinesAtomically(target, ['a', 'b', 'c']);
    expect(n).toBe(3);
    expect(readFileSync(target, 'utf8')).toBe('a\nb\nc\n');
    expect(readdirSync(allowed)).toEqual(['run.txt']);
  });

  it('temp names are unpredictable (random, not the pid)', () => {
    const target = join(allowed, 'run.txt');
    const names = new Set(Array.from({ length: 50 }, () => tempNameFor(target)));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).not.toContain(String(process.pid));
  });

  it('a symlink planted under the old predictable temp name does not redirect the export', async () => {
    const target = join(allowed, 'run.txt');
    for (const guess of [`${target}.partial-${process.pid}`, `${target}.partial`, `${target}.tmp`])
      symlinkSync(outside, guess);
    await writeLinesAtomically(target, ['x y z']);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(readFileSync(target, 'utf8')).toBe('x y z\n');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
  });

  it('a failing row source leaves neither a temp file nor a changed target', async () => {
    const target = join(allowed, 'run.txt');
    writeFileSync(target, 'old\n');
    function* rows() {
      yield 'one';
      throw new Error('row source failed');
    }
    await expect(writeLinesAtomically(target, rows())).rejects.toThrow('row source failed');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    expect(readdirSync(allowed)).toEqual(['run.txt']);
  });
});

describe('through the API (browser-mode policy)', () => {
  it('export.trecRun with a planted link next to the target writes only the target', async () => {
    const backend = openBackend({ workspacePath: join(allowed, 'ws.db'), host: 'serve', pathRoots: [allowed] });
    try {
      writeFileSync(
        join(allowed, 's.jsonl'),
        readFileSync(join(import.meta.dirname, '../../fixtures/tiny-sessions.jsonl')),
      );
      await backend.dispatcher.call('import.sessions', { path: join(allowed, 's.jsonl') });
      writeFileSync(join(allowed, 'run.txt'), 't-001#0 Q0 i-1 1 2.5 mine\n');
      await backend.dispatcher.call('import.trecRun', { path: join(allowed, 'run.txt') });
      const target = join(allowed, 'export.txt');
      symlinkSync(outside, `${target}.partial-${process.pid}`);
      const r = (await backend.dispatcher.call('export.trecRun', { tag: 'mine', path: target })) as { rows: number };
      expect(r.rows).toBe(1);
      expect(readFileSync(outside, 'utf8')).toBe('precious\n');
      expect(readFileSync(target, 'utf8')).toMatch(/ Q0 .* 1 2\.5 mine\n$/);
    } finally {
      await backend.close();
    }
  });
});
