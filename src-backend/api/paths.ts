// Where a call may read and write files (docs/security.md, "File access by grant").
// - CLI: runs as the user on their own machine, so any path (roots and grants both null).
// - Browser mode (`serve`): anyone holding the token can call, so only paths under the folders
//   chosen at start (`--allow-dir`, the workspace folder, the bundled demo) — `roots`.
// - Desktop app: only paths the user chose in a native dialog, opened from the command line or the
//   recent list — `grants`, filled by the main process over the utility process's parent port.
// In every mode, writes may never land on the open workspace database (or its -wal/-shm/-journal),
// the registered models folder or the app's shipped resources — `protect`.
// Order matters: the lexical check against roots/grants/protect comes before any file-system probe,
// so an error never reveals whether a file outside the allowed places exists. Symlinks are then
// resolved and the real path checked again, so a link cannot escape either.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Grant, GrantMode } from '../../src-common/desktop-bridge.ts';
import { ApiError } from '../../src-common/errors.ts';

export interface ProtectedPaths {
  /** Files never written (compared exactly). */
  files: string[];
  /** Folders nothing is written into (or replaced). */
  dirs: string[];
}

export interface PathPolicy {
  /** null = no folder restriction. Otherwise each root as given and as its real path. */
  roots: string[] | null;
  /** null = no grant restriction (CLI, serve). Desktop: only granted paths. */
  grants: GrantList | null;
  protect: ProtectedPaths;
}

// Windows and macOS file systems are case-insensitive by default: compare folded there.
const fold = process.platform === 'linux' ? (p: string) => p : (p: string) => p.toLowerCase();

function within(root: string, p: string): boolean {
  const r = fold(root);
  const q = fold(p);
  return q === r || q.startsWith(r.endsWith(sep) ? r : r + sep);
}

/** Paths the desktop user granted. A folder grant covers everything inside it. */
export class GrantList {
  private readonly files = new Map<string, GrantMode>();
  private readonly folders: string[] = [];

  add(grant: Grant): void {
    if (!isAbsolute(grant.path)) throw new Error(`grant: expected an absolute path, got ${JSON.stringify(grant.path)}`);
    const abs = resolve(grant.path);
    const forms = [abs, realOrSelf(abs)];
    for (const p of forms) {
      if (grant.mode === 'folder') this.folders.push(p);
      // A write grant (save dialog) also lets the user read back what they saved.
      else if (this.files.get(fold(p)) !== 'write') this.files.set(fold(p), grant.mode);
    }
  }

  /** Lexical: no file-system access. */
  allows(abs: string, need: 'read' | 'write' | 'folder'): boolean {
    if (this.folders.some((f) => within(f, abs))) return true;
    if (need === 'folder') return false;
    const mode = this.files.get(fold(abs));
    return mode === 'write' || (mode === 'read' && need === 'read');
  }

  get size(): number {
    return this.files.size + this.folders.length;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // Not there yet (a save target): its folder's real path plus the name.
    try {
      return join(realpathSync(dirname(p)), basename(p));
    } catch {
      return p;
    }
  }
}

function describeRoots(policy: PathPolicy): string {
  return (policy.roots ?? []).filter((r, i, a) => a.indexOf(r) === i).join(', ') || '(none)';
}

function outside(policy: PathPolicy, field: string, abs: string, verb: 'read' | 'write'): ApiError {
  if (policy.grants) {
    return new ApiError(
      'unauthorized',
      `${field}: ${abs} was not chosen in a file dialog; pick it with File ▸ Open… (or the dialog) first`,
      [{ where: field, message: 'not granted' }],
    );
  }
  return new ApiError(
    'unauthorized',
    `${field}: ${abs} is outside the folders this server may ${verb} (${describeRoots(policy)})`,
    [{ where: field, message: 'outside allowed folders' }],
  );
}

function allowed(policy: PathPolicy, p: string, need: 'read' | 'write' | 'folder'): boolean {
  if (policy.roots && !policy.roots.some((r) => within(r, p))) return false;
  if (policy.grants && !policy.grants.allows(p, need)) return false;
  return true;
}

/** Throws if writing `p` (a file, or a folder to fill) would touch a protected path. */
function checkProtected(policy: PathPolicy, p: string, field: string, isFolder: boolean): void {
  // A folder to fill may not be a protected file or lie inside a protected folder.
  const hitFile = isFolder ? undefined : policy.protect.files.find((f) => fold(f) === fold(p));
  const hitDir =
    policy.protect.dirs.find((d) => within(d, p)) ??
    (isFolder ? policy.protect.files.find((f) => fold(f) === fold(p)) : undefined);
  const hit = hitFile ?? hitDir;
  if (hit !== undefined) {
    throw new ApiError(
      'unauthorized',
      `${field}: refusing to write ${p}: it is ${hitFile ? 'part of the open workspace database' : `inside ${hit}, which the app manages (workspace models or shipped resources)`}`,
      [{ where: field, message: 'protected path' }],
    );
  }
}

/** Resolve a file to read; symlinks are followed before the second check so they cannot escape. */
export function resolveReadable(policy: PathPolicy, p: string, field = 'path'): string {
  if (!isAbsolute(p) && (policy.roots || policy.grants)) {
    throw new ApiError('invalid_input', `${field}: give an absolute path`, [
      { where: field, message: 'must be absolute' },
    ]);
  }
  const abs = resolve(p);
  if (!allowed(policy, abs, 'read')) throw outside(policy, field, abs, 'read');
  if (!existsSync(abs))
    throw new ApiError('not_found', `${field}: no such file: ${abs}`, [
      { where: field, message: 'file does not exist' },
    ]);
  const real = realpathSync(abs);
  // A file grant names what the user picked, even if that is a link; roots and folders are re-checked.
  const exactGrant = policy.grants?.allows(abs, 'read') && !policy.grants.allows(abs, 'folder');
  if (!allowed(policy, real, 'read') && !(exactGrant && (!policy.roots || policy.roots.some((r) => within(r, real))))) {
    throw outside(policy, field, abs, 'read');
  }
  return real;
}

/** Resolve a file to write: its folder must exist and be allowed; the name must not be a link. */
export function resolveWritable(policy: PathPolicy, p: string, field = 'path'): string {
  if (!isAbsolute(p) && (policy.roots || policy.grants)) {
    throw new ApiError('invalid_input', `${field}: give an absolute path`, [
      { where: field, message: 'must be absolute' },
    ]);
  }
  const abs = resolve(p);
  if (!allowed(policy, abs, 'write')) throw outside(policy, field, abs, 'write');
  checkProtected(policy, abs, field, false);
  const dir = dirname(abs);
  if (!existsSync(dir))
    throw new ApiError('not_found', `${field}: folder does not exist: ${dir}`, [
      { where: field, message: 'folder does not exist' },
    ]);
  const realDir = realpathSync(dir);
  const target = resolve(realDir, basename(abs));
  if (existsSync(target) && realpathSync(target) !== target) {
    throw new ApiError('unauthorized', `${field}: ${target} is a symbolic link; refusing to write through it`, [
      { where: field, message: 'symlink' },
    ]);
  }
  const exactGrant = policy.grants?.allows(abs, 'write') && !policy.grants.allows(abs, 'folder');
  if (
    !allowed(policy, target, 'write') &&
    !(exactGrant && (!policy.roots || policy.roots.some((r) => within(r, realDir))))
  ) {
    throw outside(policy, field, abs, 'write');
  }
  checkProtected(policy, target, field, false);
  return target;
}

/** Resolve a folder to write files into (created if missing when its parent is allowed). */
export function resolveWritableDir(policy: PathPolicy, p: string, field = 'outDir'): string {
  if (!isAbsolute(p) && (policy.roots || policy.grants)) {
    throw new ApiError('invalid_input', `${field}: give an absolute path`, [
      { where: field, message: 'must be absolute' },
    ]);
  }
  const abs = resolve(p);
  if (!allowed(policy, abs, 'folder')) throw outside(policy, field, abs, 'write');
  checkProtected(policy, abs, field, true);
  if (!existsSync(abs)) {
    const parent = dirname(abs);
    if (!existsSync(parent))
      throw new ApiError('not_found', `${field}: folder does not exist: ${parent}`, [
        { where: field, message: 'folder does not exist' },
      ]);
    // Check where the new folder would really be before creating it (the parent may be a link).
    const planned = join(realpathSync(parent), basename(abs));
    if (!allowed(policy, planned, 'folder')) throw outside(policy, field, abs, 'write');
    checkProtected(policy, planned, field, true);
    mkdirSync(abs);
  }
  const real = realpathSync(abs);
  if (!allowed(policy, real, 'folder')) throw outside(policy, field, abs, 'write');
  checkProtected(policy, real, field, true);
  return real;
}

export interface PolicyOptions {
  /** Desktop: the grant list the main process fills. */
  grants?: GrantList | null;
  /** The open workspace database: it and its -wal/-shm/-journal are never written. */
  workspacePath?: string;
  /** Other open databases (the labels file next to the workspace): the same protection. */
  databases?: string[];
  /** Folders the app manages (registered models, shipped resources): nothing is written inside. */
  protectDirs?: string[];
}

export function makePolicy(roots: string[] | null, opts: PolicyOptions = {}): PathPolicy {
  const files: string[] = [];
  for (const path of [opts.workspacePath, ...(opts.databases ?? [])]) {
    if (!path) continue;
    for (const db of new Set([resolve(path), realOrSelf(resolve(path))])) {
      files.push(db, `${db}-wal`, `${db}-shm`, `${db}-journal`);
    }
  }
  const dirs = (opts.protectDirs ?? []).flatMap((d) => [resolve(d), realOrSelf(resolve(d))]);
  return {
    roots: roots ? roots.flatMap((r) => [resolve(r), realpathSync(resolve(r))]) : null,
    grants: opts.grants ?? null,
    protect: { files, dirs },
  };
}
