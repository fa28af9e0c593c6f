// File access by grant (docs/security.md): roots in browser mode, grants in the desktop app,
// protected paths in both, and no file-system probe before the check (errors do not reveal
// whether a file outside the allowed places exists).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GrantList,
  makePolicy,
  resolveReadable,
  resolveWritable,
  resolveWritableDir,
} from '../../../src-backend/api/paths.ts';
import { openBackend } from '../../../src-backend/backend.ts';
import { ApiError } from '../../../src-common/errors.ts';

let dir: string;
let allowed: string;
let outsideDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-paths-'));
  allowed = join(dir, 'allowed');
  outsideDir = join(dir, 'outside');
  mkdirSync(allowed);
  mkdirSync(outsideDir);
  writeFileSync(join(allowed, 'in.txt'), 'in\n');
  writeFileSync(join(outsideDir, 'secret.txt'), 'secret\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(f: () => unknown): ApiError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('browser mode: only under --allow-dir roots', () => {
  it('reads inside, refuses outside with the same message whether or not the file exists', () => {
    const policy = makePolicy([allowed]);
    expect(resolveReadable(policy, join(allowed, 'in.txt'))).toMatch(/in\.txt$/);
    const existing = refusal(() => resolveReadable(policy, join(outsideDir, 'secret.txt')));
    const missing = refusal(() => resolveReadable(policy, join(outsideDir, 'nothing.txt')));
    expect(existing.code).toBe('unauthorized');
    expect(missing.code).toBe('unauthorized');
    expect(missing.message.replace('nothing', 'secret')).toBe(existing.message);
    // …also for a missing folder outside (the old order answered "folder does not exist").
    expect(refusal(() => resolveWritable(policy, join(dir, 'no-such-dir', 'x.txt'))).code).toBe('unauthorized');
  });

  it('a symlink inside a root that points outside is refused', () => {
    symlinkSync(join(outsideDir, 'secret.txt'), join(allowed, 'link.txt'));
    expect(refusal(() => resolveReadable(makePolicy([allowed]), join(allowed, 'link.txt'))).code).toBe('unauthorized');
  });

  it('.. segments cannot climb out', () => {
    expect(
      refusal(() => resolveReadable(makePolicy([allowed]), join(allowed, '..', 'outside', 'secret.txt'))).code,
    ).toBe('unauthorized');
  });
});

describe('desktop: only granted paths', () => {
  it('refuses anything not granted, before probing', () => {
    const grants = new GrantList();
    const policy = makePolicy(null, { grants });
    const a = refusal(() => resolveReadable(policy, join(allowed, 'in.txt')));
    const b = refusal(() => resolveReadable(policy, join(allowed, 'missing.txt')));
    expect([a.code, b.code]).toEqual(['unauthorized', 'unauthorized']);
    expect(a.message).toMatch(/not chosen in a file dialog/);
  });

  it('a read grant allows reading that file only, not writing it nor its neighbours', () => {
    const grants = new GrantList();
    grants.add({ path: join(allowed, 'in.txt'), mode: 'read' });
    const policy = makePolicy(null, { grants });
    expect(resolveReadable(policy, join(allowed, 'in.txt'))).toMatch(/in\.txt$/);
    expect(refusal(() => resolveWritable(policy, join(allowed, 'in.txt'))).code).toBe('unauthorized');
    expect(refusal(() => resolveReadable(policy, join(allowed, 'other.txt'))).code).toBe('unauthorized');
  });

  it('a write grant (save dialog) allows writing that file and reading it back', () => {
    const grants = new GrantList();
    grants.add({ path: join(allowed, 'out.txt'), mode: 'write' });
    const policy = makePolicy(null, { grants });
    expect(resolveWritable(policy, join(allowed, 'out.txt'))).toMatch(/out\.txt$/);
    expect(refusal(() => resolveWritable(policy, join(allowed, 'out2.txt'))).code).toBe('unauthorized');
  });

  it('a folder grant covers its contents (demo output)', () => {
    const grants = new GrantList();
    grants.add({ path: allowed, mode: 'folder' });
    const policy = makePolicy(null, { grants });
    expect(resolveWritableDir(policy, join(allowed, 'demo'))).toMatch(/demo$/);
    expect(resolveReadable(policy, join(allowed, 'in.txt'))).toMatch(/in\.txt$/);
    expect(refusal(() => resolveWritableDir(policy, outsideDir)).code).toBe('unauthorized');
  });

  it('grants must be absolute paths', () => {
    expect(() => new GrantList().add({ path: 'relative.txt', mode: 'read' })).toThrow(/absolute/);
  });
});

describe('protected paths: never overwritten, in any mode', () => {
  const cases = [
    ['the workspace database', (ws: string) => ws],
    ['its -wal', (ws: string) => `${ws}-wal`],
    ['its -shm', (ws: string) => `${ws}-shm`],
    ['the labels database next to it', (ws: string) => `${ws}.labels.db`],
    ["the labels database's -wal", (ws: string) => `${ws}.labels.db-wal`],
    ['a file in the registered models folder', (ws: string) => join(ws, '..', 'models', 'm.onnx')],
  ] as const;

  it.each(cases)('export onto %s is refused and the file is unchanged (browser mode)', async (_what, target) => {
    const ws = join(allowed, 'ws.db');
    const backend = openBackend({ workspacePath: ws, host: 'serve', pathRoots: [allowed] });
    try {
      mkdirSync(join(allowed, 'models'), { recursive: true });
      writeFileSync(
        join(allowed, 's.jsonl'),
        readFileSync(join(import.meta.dirname, '../../fixtures/tiny-sessions.jsonl')),
      );
      await backend.dispatcher.call('import.sessions', { path: join(allowed, 's.jsonl') });
      writeFileSync(join(allowed, 'run.txt'), 't-001#0 Q0 i-1 1 2.5 mine\n');
      await backend.dispatcher.call('import.trecRun', { path: join(allowed, 'run.txt') });
      const path = target(ws);
      const before = existsSync(path) ? readFileSync(path) : null;
      const err = await backend.dispatcher.call('export.trecRun', { tag: 'mine', path }).then(
        () => null,
        (e: unknown) => e as ApiError,
      );
      expect(err?.code).toBe('unauthorized');
      expect(err?.message).toMatch(/refusing to write/);
      expect(existsSync(path) ? readFileSync(path) : null).toEqual(before);
      // The workspace still answers: nothing was clobbered.
      expect(((await backend.dispatcher.call('sessions.list', {})) as { total: number }).total).toBe(3);
    } finally {
      await backend.close();
    }
  });

  it('the shipped resources folder is protected (CLI policy: no roots, no grants)', () => {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'models'), { recursive: true });
    const policy = makePolicy(null, { workspacePath: join(allowed, 'ws.db'), protectDirs: [resources] });
    expect(refusal(() => resolveWritable(policy, join(resources, 'models', 'qgs-linear.onnx'))).message).toMatch(
      /manages/,
    );
    expect(refusal(() => resolveWritableDir(policy, join(resources, 'demo'))).code).toBe('unauthorized');
    expect(refusal(() => resolveWritable(policy, join(allowed, 'ws.db-wal'))).message).toMatch(/workspace database/);
    expect(resolveWritable(policy, join(allowed, 'fine.txt'))).toMatch(/fine\.txt$/);
  });

  it('a symlink to the workspace database is refused as a write target', () => {
    const ws = join(allowed, 'ws.db');
    writeFileSync(ws, '');
    symlinkSync(ws, join(allowed, 'innocent.txt'));
    const policy = makePolicy([allowed], { workspacePath: ws });
    expect(refusal(() => resolveWritable(policy, join(allowed, 'innocent.txt'))).code).toBe('unauthorized');
  });
});

describe('folders to fill (demo output)', () => {
  it('a new folder under a linked parent that points outside is refused before anything is created', () => {
    symlinkSync(outsideDir, join(allowed, 'sneaky'));
    const e = refusal(() => resolveWritableDir(makePolicy([allowed]), join(allowed, 'sneaky', 'demo')));
    expect(e.code).toBe('unauthorized');
    expect(existsSync(join(outsideDir, 'demo'))).toBe(false);
  });
});
