// The one API contract. Every method is declared here once: its name, its input schema (validated
// at every boundary by the backend's dispatcher), its result type, and whether it is a long job
// (streams progress, cancellable). Electron (MessagePort), browser mode (HTTP) and the CLI are thin
// transports over this map; the renderer's client is typed from it. Runs anywhere (no Node imports).
import { z } from 'zod';
import type {
  ImportReport,
  SessionDetail,
  SessionPage,
  WorkspaceStats,
} from './types.ts';

/** A method: its input schema, a phantom result type, and whether it streams progress. */
export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  job: boolean;
  /** Type-level only: never read at run time. */
  readonly _result?: O;
}
function method<O>() {
  return <I extends z.ZodType>(input: I, opts: { job?: boolean } = {}): MethodSpec<I, O> => ({
    input,
    job: opts.job ?? false,
  });
}

const id = z.string().min(1).max(256);
/** A file-system path on the backend's machine; hosts may restrict where it may point. */
const path = z.string().min(1).max(4096);

export interface AppInfo {
  name: string;
  version: string;
  /** Which host serves this backend: the Electron app, `serve` (browser mode) or the CLI. */
  host: 'electron' | 'serve' | 'cli';
  workspacePath: string;
  schemaVersion: number;
  nodeVersion: string;
}

export interface ExportReport {
  path: string;
  rows: number;
}

export interface DemoReport {
  sessions: number;
  turns: number;
  resultRows: number;
  users: number;
  topics: number;
  switches: number;
  files: { sessions: string; qrels: string; features: string };
}

export const contract = {
  'app.info': method<AppInfo>()(z.object({}).strict()),
  'workspace.stats': method<WorkspaceStats>()(z.object({}).strict()),

  'sessions.list': method<SessionPage>()(
    z
      .object({
        q: z.string().max(500).optional(),
        userId: id.optional(),
        hasSwitch: z.boolean().optional(),
        split: z.enum(['train', 'valid', 'test']).optional(),
        offset: z.number().int().min(0).max(100_000_000).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
  ),
  'sessions.get': method<SessionDetail>()(z.object({ sessionId: id }).strict()),

  'import.sessions': method<ImportReport>()(z.object({ path }).strict(), { job: true }),
  'import.trecRun': method<ImportReport>()(z.object({ path }).strict(), { job: true }),
  'import.qrels': method<ImportReport>()(z.object({ path, setName: id }).strict(), { job: true }),

  'export.trecRun': method<ExportReport>()(z.object({ tag: id, path }).strict(), { job: true }),
  'export.qrels': method<ExportReport>()(z.object({ setName: id, path }).strict(), { job: true }),

  'demo.generate': method<DemoReport>()(
    z
      .object({
        seed: z.number().int().min(0).max(2 ** 31 - 1).default(7),
        sessions: z.number().int().min(1).max(10_000_000),
        outDir: path,
        gzip: z.boolean().default(false),
      })
      .strict(),
    { job: true },
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodResult<M extends MethodName> =
  Contract[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Events a transport carries for one call. `progress` only for job methods. */
export type CallEvent =
  | { type: 'progress'; progress: import('./types.ts').Progress }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: import('../errors.ts').ApiErrorJson };
