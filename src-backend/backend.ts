// Assembles the backend: opens the workspace store and binds every contract method to its
// implementation. Hosts (Electron utility process, `serve`, CLI) call openBackend and then only
// talk to `dispatcher`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../src-common/api/contract.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './api/dispatch.ts';
import { makePolicy, resolveReadable, resolveWritable, resolveWritableDir } from './api/paths.ts';
import { openStore, type Store } from './store/store.ts';
import { getSession, listSessions, workspaceStats } from './store/queries.ts';
import { importSessionLog } from './data/session-log.ts';
import { exportQrels, exportTrecRun, importQrels, importTrecRun } from './data/trec.ts';
import { generateDemo } from './data/demo/generate.ts';
import { SCHEMA_VERSION } from './store/migrations/index.ts';

/** The folder holding package.json: the repo in development, the app folder when bundled. */
export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export interface BackendOptions {
  workspacePath: string;
  host: AppInfo['host'];
  /** Folders that path arguments may point into; null = anywhere (CLI, Electron). */
  pathRoots: string[] | null;
}

export interface Backend {
  dispatcher: Dispatcher;
  store: Store;
  close(): void;
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function openBackend(opts: BackendOptions): Backend {
  const store = openStore(opts.workspacePath);
  const policy = makePolicy(opts.pathRoots);
  const version = appVersion();

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'QGS Workbench',
      version,
      host: opts.host,
      workspacePath: opts.workspacePath,
      schemaVersion: SCHEMA_VERSION,
      nodeVersion: process.versions.node,
    }),
    'workspace.stats': () => ({ ...workspaceStats(store), fileBytes: statSync(opts.workspacePath).size }),
    'sessions.list': (input) => listSessions(store, input),
    'sessions.get': (input) => getSession(store, input.sessionId),
    'import.sessions': (input, ctx) =>
      importSessionLog(store, resolveReadable(policy, input.path), { signal: ctx.signal, onProgress: ctx.progress }),
    'import.trecRun': (input, ctx) =>
      importTrecRun(store, resolveReadable(policy, input.path), { signal: ctx.signal, onProgress: ctx.progress }),
    'import.qrels': (input, ctx) =>
      importQrels(store, resolveReadable(policy, input.path), {
        setName: input.setName,
        signal: ctx.signal,
        onProgress: ctx.progress,
      }),
    'export.trecRun': async (input) => {
      const path = resolveWritable(policy, input.path);
      return { path, rows: await exportTrecRun(store, input.tag, path) };
    },
    'export.qrels': async (input) => {
      const path = resolveWritable(policy, input.path);
      return { path, rows: await exportQrels(store, input.setName, path) };
    },
    'demo.generate': (input, ctx) =>
      generateDemo(
        { seed: input.seed, sessions: input.sessions, outDir: resolveWritableDir(policy, input.outDir), gzip: input.gzip },
        (done, total) => ctx.progress({ phase: 'generate', done, total, unit: 'sessions' }),
        ctx.signal,
      ),
  };

  return {
    dispatcher: createDispatcher(handlers),
    store,
    close: () => store.close(),
  };
}
