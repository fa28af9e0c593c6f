// Where a call may read and write files. The CLI runs as the user on their own machine, so it may
// use any path. Browser mode (`serve`) may be reached by anyone holding the token, so imports may only
// read from, and exports only write into, folders chosen when the server was started.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep, basename } from 'node:path';
import { ApiError } from '../../src-common/errors.ts';

export interface PathPolicy {
  /** null = unrestricted (CLI, Electron with native dialogs). Otherwise absolute real paths. */
  roots: string[] | null;
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function describeRoots(policy: PathPolicy): string {
  return (policy.roots ?? []).join(', ') || '(none)';
}

/** Resolve a file to read; symlinks are followed before the check so they cannot escape a root. */
export function resolveReadable(policy: PathPolicy, p: string, field = 'path'): string {
  const abs = resolve(p);
  if (!existsSync(abs)) throw new ApiError('not_found', `${field}: no such file: ${abs}`, [{ where: field, message: 'file does not exist' }]);
  const real = realpathSync(abs);
  if (policy.roots && !policy.roots.some((r) => within(r, real))) {
    throw new ApiError('unauthorized', `${field}: ${abs} is outside the folders this server may read (${describeRoots(policy)})`, [
      { where: field, message: 'outside allowed folders' },
    ]);
  }
  return real;
}

/** Resolve a file to write: its folder must exist and lie inside a root; the name must be plain. */
export function resolveWritable(policy: PathPolicy, p: string, field = 'path'): string {
  if (!isAbsolute(p) && policy.roots) {
    throw new ApiError('invalid_input', `${field}: give an absolute path`, [{ where: field, message: 'must be absolute' }]);
  }
  const abs = resolve(p);
  const dir = dirname(abs);
  if (!existsSync(dir)) throw new ApiError('not_found', `${field}: folder does not exist: ${dir}`, [{ where: field, message: 'folder does not exist' }]);
  const realDir = realpathSync(dir);
  const target = resolve(realDir, basename(abs));
  if (existsSync(target) && realpathSync(target) !== target) {
    throw new ApiError('unauthorized', `${field}: ${target} is a symbolic link; refusing to write through it`, [{ where: field, message: 'symlink' }]);
  }
  if (policy.roots && !policy.roots.some((r) => within(r, realDir))) {
    throw new ApiError('unauthorized', `${field}: ${abs} is outside the folders this server may write (${describeRoots(policy)})`, [
      { where: field, message: 'outside allowed folders' },
    ]);
  }
  return target;
}

export function makePolicy(roots: string[] | null): PathPolicy {
  return { roots: roots ? roots.map((r) => realpathSync(resolve(r))) : null };
}

/** Resolve a folder to write files into (created if missing when its parent is allowed). */
export function resolveWritableDir(policy: PathPolicy, p: string, field = 'outDir'): string {
  const abs = resolve(p);
  if (!existsSync(abs)) {
    resolveWritable(policy, abs, field); // parent must exist and be allowed
    mkdirSync(abs);
  }
  const real = realpathSync(abs);
  if (policy.roots && !policy.roots.some((r) => within(r, real))) {
    throw new ApiError('unauthorized', `${field}: ${abs} is outside the folders this server may write (${describeRoots(policy)})`, [
      { where: field, message: 'outside allowed folders' },
    ]);
  }
  return real;
}
