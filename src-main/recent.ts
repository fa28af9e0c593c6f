// Recently opened workspaces (userData/recent-workspaces.json): newest first, no duplicates,
// absolute paths only (the file is untrusted input), at most MAX_RECENT.
import { isAbsolute } from 'node:path';

export const MAX_RECENT = 10;

export function parseRecent(text: string | null): string[] {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.filter((p): p is string => typeof p === 'string' && p.length < 4096 && isAbsolute(p)).slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

export function addRecent(list: readonly string[], path: string): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

export function removeRecent(list: readonly string[], path: string): string[] {
  return list.filter((p) => p !== path);
}
