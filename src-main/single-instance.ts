// Single instance: a second launch hands its command line to the first (Electron's
// 'second-instance' event) and exits. The first focuses its window and opens the file it was
// given. Files from the command line count as chosen by the user (granted to the backend), so the
// classification here is deliberately narrow: known extensions only, flags ignored.
import { isAbsolute, resolve } from 'node:path';

export type LaunchFile =
  { kind: 'workspace'; path: string } | { kind: 'sessions'; path: string } | { kind: 'model'; path: string };

export function classifyLaunchFile(path: string): LaunchFile | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.db') || lower.endsWith('.sqlite')) return { kind: 'workspace', path };
  if (lower.endsWith('.jsonl') || lower.endsWith('.jsonl.gz')) return { kind: 'sessions', path };
  if (lower.endsWith('.onnx')) return { kind: 'model', path };
  return null;
}

/**
 * The files a command line names. argv[0] is the executable; in development argv[1] is the app
 * folder. Flags (`--x`, `-x`) and Chromium switches are skipped; `--workspace=PATH` is honoured.
 */
export function filesFromArgv(argv: readonly string[], cwd: string): LaunchFile[] {
  const out: LaunchFile[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('--workspace=')) {
      const p = arg.slice('--workspace='.length);
      if (p) out.push({ kind: 'workspace', path: isAbsolute(p) ? p : resolve(cwd, p) });
      continue;
    }
    if (arg.startsWith('-') || arg.includes('\0')) continue;
    const f = classifyLaunchFile(arg);
    if (f) out.push({ ...f, path: isAbsolute(arg) ? resolve(arg) : resolve(cwd, arg) });
  }
  return out;
}

export interface SingleInstanceDeps {
  requestLock(): boolean;
  quit(): void;
  onSecondInstance(listener: (argv: string[], cwd: string) => void): void;
  focus(): void;
  open(files: LaunchFile[]): void;
}

/** Returns false when another instance owns the lock (this one quits). */
export function setupSingleInstance(deps: SingleInstanceDeps): boolean {
  if (!deps.requestLock()) {
    deps.quit();
    return false;
  }
  deps.onSecondInstance((argv, cwd) => {
    deps.focus();
    const files = filesFromArgv(argv, cwd);
    if (files.length) deps.open(files);
  });
  return true;
}
