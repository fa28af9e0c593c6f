// The command-line host: every command is a call through the typed ApiClient the renderer uses, over
// an in-process transport to the same dispatcher, so results are typed by the contract (no casts).
//   node src-backend/hosts/cli.ts <command> [options]      (npm run cli -- <command> …)
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { openBackend, REPO_ROOT, type Backend } from '../backend.ts';
import { startHttpServer } from './http-server.ts';
import { ApiError } from '../../src-common/errors.ts';
import { ApiClient, inProcessTransport } from '../../src-common/api/client.ts';
import { formatTrecEvalLine } from '../../src-common/metrics.ts';
import {
  SPLITS,
  type ImportReport,
  type Progress,
  type RunEvaluation,
  type Split,
  type WorkspaceStats,
} from '../../src-common/api/types.ts';
import {
  isMethodName,
  CUT_TURN_MEASURES,
  TURN_KINDS,
  TURN_MEASURES,
  type BatchScoreReport,
  type FeatureSpecInfo,
  type MethodInput,
  type MethodName,
  type MethodResult,
  type ModelSummary,
  type TurnMetricsPage,
  type TurnScoring,
} from '../../src-common/api/contract.ts';
import type { LabelsImportReport, TeamStatus } from '../../src-common/api/labeling-types.ts';

const DEFAULT_WORKSPACE = join(REPO_ROOT, '.workspace', 'demo.db');
const DEMO_DIR = join(REPO_ROOT, 'resources', 'demo');

const USAGE = `QGS Workbench CLI

usage: node src-backend/hosts/cli.ts <command> [options]     (or: npm run cli -- <command> …)

commands:
  demo    [--sessions N --seed S]          set up the demo workspace: import the bundled demo
                                           (resources/demo) or generate N sessions and import them,
                                           with its feature spec (features.json)
  serve   [--port N] [--host H] [--token T] [--static DIR] [--allow-dir DIR]…
                                           browser mode: API + renderer on 127.0.0.1 with a token
  import  sessions|run|qrels FILE [--set NAME]
                                           import a session log (.jsonl/.jsonl.gz), a TREC run, or
                                           TREC qrels (into judgment set NAME)
  export  run --tag TAG FILE | qrels --set SOURCE FILE | training --source SOURCE DIR | parquet DIR
                                           [--name N] [--overwrite]; SOURCE: a qrels set,
                                           labels:task:<id> or labels:annotator:<id>
                                           (docs/training-export.md)
  train   --source SOURCE --base MODEL [--epochs N] [--seed S] [--name N]
                                           train a model on labels (trainer/ in Debian's python3),
                                           register it and compare it with MODEL on the labelled turns
  evaluate RUN QRELS [-q] [-m MEASURE]… [-l N]
                                           a TREC run against qrels, printed as trec_eval prints it:
                                           -q per topic, -m map | P.5,10 | ndcg_cut.10 | err.20 |
                                           judged.10 | Rprec | recip_rank | ndcg (repeatable),
                                           -l lowest relevant grade (docs/evaluation.md)
  stats                                    workspace summary
  features spec FILE | show                set the workspace's feature spec (which features depend on
                                           the query; docs/features.md) from FILE, or show it
  models  list | add FILE [--name N] | remove MODEL | shipped
                                           the model registry (MODEL: name, sha256 or a prefix)
  score   MODEL [--split S] [--rescore]    batch-score every turn (or one split) into the workspace;
                                           resumable, re-running is a no-op; Ctrl-C cancels
  score   turn TURN_ID MODEL [MODEL2] [--max-history N]
                                           rank one turn's candidates with one or two models
  regressions MODEL_A MODEL_B [--set NAME] [--kind switch|continuation|start] [--split S] [--limit N]
                [--measure ndcg_cut|P|map|recip_rank|err|judged|Rprec] [--k N]
                                           per-turn NDCG@10 / MRR of two batch-scored models: means by
                                           turn kind, then the turns where B is worst against A
  labels  export-events FILE [--all | --annotator ID] | import-events FILE
                                           label events as a versioned JSONL file (docs/team.md):
                                           export mine (or everyone's / one annotator's), import
                                           another annotator's file (all or nothing, idempotent)
  team    connect URL | status | sync | disconnect
                                           team sync on PostgreSQL (docs/team.md): URL is
                                           postgres://user[:password]@host:5432/database; the
                                           password is never stored (the CLI then needs PGPASSWORD
                                           or ~/.pgpass for later syncs)
  call    METHOD [JSON]                    call any API method (see src-common/api/contract.ts)

common options:
  --workspace PATH   workspace database (default: $QGS_WORKSPACE or .workspace/demo.db)
  --json             print results as JSON
`;

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workspace: { type: 'string' },
    json: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    static: { type: 'string' },
    'allow-dir': { type: 'string', multiple: true },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    set: { type: 'string' },
    source: { type: 'string' },
    base: { type: 'string' },
    epochs: { type: 'string' },
    overwrite: { type: 'boolean', default: false },
    tag: { type: 'string' },
    name: { type: 'string' },
    split: { type: 'string' },
    rescore: { type: 'boolean', default: false },
    'max-history': { type: 'string' },
    kind: { type: 'string' },
    limit: { type: 'string' },
    measure: { type: 'string' },
    k: { type: 'string' },
    all: { type: 'boolean', default: false },
    annotator: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    // evaluate: trec_eval's own option letters
    q: { type: 'boolean', short: 'q', default: false },
    m: { type: 'string', short: 'm', multiple: true },
    l: { type: 'string', short: 'l' },
  },
});

const [command, ...args] = positionals;
if (!command || opt.help) {
  process.stdout.write(USAGE);
  process.exit(command || opt.help ? 0 : 2);
}

const workspacePath = resolve(opt.workspace ?? process.env.QGS_WORKSPACE ?? DEFAULT_WORKSPACE);

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

function int(name: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) fail(`--${name} is required`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isInteger(n)) fail(`--${name} must be an integer, got "${v}"`);
  return n;
}

/** Progress on stderr, one updating line on a terminal, a line per phase otherwise. */
function progressPrinter(): (p: Progress) => void {
  let lastPhase = '';
  return (p) => {
    const pct = p.total ? ` (${((100 * p.done) / p.total).toFixed(0)}%)` : '';
    const text = `${p.phase}: ${p.done.toLocaleString('en')}${p.total ? ` / ${p.total.toLocaleString('en')}` : ''} ${p.unit}${pct}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
    else if (p.phase !== lastPhase) process.stderr.write(`${text}\n`);
    lastPhase = p.phase;
  };
}

/** One API call with progress on stderr; Ctrl-C cancels it. */
async function call<M extends MethodName>(
  backend: Backend,
  method: M,
  input: MethodInput<M>,
): Promise<MethodResult<M>> {
  const abort = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling…\n');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    const result = await new ApiClient(inProcessTransport(backend.dispatcher)).call(method, input, {
      signal: abort.signal,
      onProgress: progressPrinter(),
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    return result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function print<T>(result: T, human: (r: T) => string): void {
  process.stdout.write(opt.json ? JSON.stringify(result, null, 2) + '\n' : human(result) + '\n');
}

function oneOf<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

/** --split, checked against the contract's list. */
function splitOption(): Split | undefined {
  const split = opt.split;
  if (split === undefined) return undefined;
  if (!oneOf(SPLITS, split)) fail(`--split must be ${SPLITS.join(', ')}, got "${split}"`);
  return split;
}

function open(host: 'cli' | 'serve', pathRoots: string[] | null = null): Backend {
  mkdirSync(dirname(workspacePath), { recursive: true });
  return openBackend({ workspacePath, host, pathRoots });
}

async function main(): Promise<void> {
  switch (command) {
    case 'demo': {
      const backend = open('cli');
      let sessionsFile: string;
      let qrelsFile: string;
      let specFile: string;
      if (opt.sessions) {
        const outDir = join(dirname(workspacePath), 'demo-generated');
        mkdirSync(outDir, { recursive: true });
        const r = await call(backend, 'demo.generate', {
          sessions: int('sessions', opt.sessions),
          seed: int('seed', opt.seed, 7),
          outDir,
        });
        sessionsFile = r.files.sessions;
        qrelsFile = r.files.qrels;
        specFile = r.files.features;
      } else {
        sessionsFile = join(DEMO_DIR, 'sessions.jsonl.gz');
        qrelsFile = existsSync(join(DEMO_DIR, 'qrels.txt'))
          ? join(DEMO_DIR, 'qrels.txt')
          : join(DEMO_DIR, 'qrels.txt.gz');
        specFile = join(DEMO_DIR, 'features.json');
      }
      // The spec first: a bad one stops the setup before anything is imported.
      const spec = await call(backend, 'features.setSpec', { path: specFile });
      const imported = await call(backend, 'import.sessions', { path: sessionsFile });
      const judged = await call(backend, 'import.qrels', { path: qrelsFile, setName: 'ground-truth' });
      // The demo workspace opens with the shipped models (resources/models) registered.
      const models = await call(backend, 'models.registerShipped', {});
      print({ workspace: workspacePath, sessions: imported, qrels: judged, models, featureSpec: spec }, (r) =>
        [
          `workspace ${workspacePath}`,
          describeImport(r.sessions),
          describeImport(r.qrels),
          `feature spec: ${r.featureSpec.summary}`,
          r.models.length
            ? `models: ${r.models.map((m) => `${m.name} (${m.encoder}, ${m.sha256.slice(0, 12)})`).join(', ')}`
            : 'models: none shipped in resources/models',
        ].join('\n'),
      );
      await backend.close();
      return;
    }
    case 'serve': {
      const staticDir = resolve(opt.static ?? join(REPO_ROOT, 'out', 'renderer'));
      const roots = [dirname(workspacePath), DEMO_DIR, ...(opt['allow-dir'] ?? []).map((d) => resolve(d))];
      const backend = open('serve', roots);
      const server = await startHttpServer({
        dispatcher: backend.dispatcher,
        staticDir,
        host: opt.host ?? '127.0.0.1',
        port: int('port', opt.port, 0),
        ...(opt.token ? { token: opt.token } : {}),
      });
      if (!['127.0.0.1', 'localhost', '::1'].includes(opt.host ?? '127.0.0.1')) {
        process.stderr.write(
          `warning: listening on ${opt.host}, reachable from other machines; anyone with the token can use it\n`,
        );
      }
      process.stdout.write(`QGS Workbench serving at ${server.openUrl}\n`);
      process.stdout.write(`workspace ${workspacePath}; files may be read/written under: ${roots.join(', ')}\n`);
      const stop = () => {
        // Await the backend: the inference worker exits between model runs (docs/inference.md).
        void server
          .close()
          .then(() => backend.close())
          .then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'import': {
      const [kind, file] = args;
      if (!kind || !file) fail('usage: import sessions|run|qrels FILE [--set NAME]');
      const backend = open('cli');
      const path = resolve(file);
      const report =
        kind === 'sessions'
          ? await call(backend, 'import.sessions', { path })
          : kind === 'run'
            ? await call(backend, 'import.trecRun', { path })
            : kind === 'qrels'
              ? await call(backend, 'import.qrels', {
                  path,
                  setName: opt.set ?? fail('--set NAME is required for qrels'),
                })
              : fail(`unknown import kind "${kind}" (sessions, run or qrels)`);
      print(report, describeImport);
      backend.close();
      return;
    }
    case 'export': {
      const [kind, target] = args;
      const usage =
        'usage: export run --tag TAG FILE | qrels --set SOURCE FILE | training --source SOURCE DIR [--name N] [--overwrite] | parquet DIR [--name N] [--overwrite]';
      if (!kind || !target) fail(usage);
      const backend = open('cli');
      const where = resolve(target);
      const named = { ...(opt.name ? { name: opt.name } : {}), overwrite: opt.overwrite };
      switch (kind) {
        case 'run':
          print(
            await call(backend, 'export.trecRun', { tag: opt.tag ?? fail('--tag TAG is required'), path: where }),
            (x) => `wrote ${x.rows.toLocaleString('en')} rows to ${x.path}`,
          );
          break;
        case 'qrels':
          // SOURCE: a qrels set, labels:task:<id> or labels:annotator:<id>
          print(
            await call(backend, 'export.qrels', {
              setName: opt.set ?? opt.source ?? fail('--set SOURCE is required'),
              path: where,
            }),
            (x) => `wrote ${x.rows.toLocaleString('en')} rows to ${x.path}`,
          );
          break;
        case 'training':
          print(
            await call(backend, 'export.training', {
              source: opt.source ?? fail('--source SOURCE is required'),
              outDir: where,
              ...named,
            }),
            (x) =>
              [
                `wrote ${x.examples.toLocaleString('en')} examples (${x.labelledCandidates.toLocaleString('en')} labelled of ${x.candidates.toLocaleString('en')} candidates) to ${x.path}`,
                `feature groups: ${x.featureGroups.map((g) => `${g.name}[${g.features.length}]`).join(', ')}`,
                ...(x.turnsNotInWorkspace
                  ? [
                      `warning: ${x.turnsNotInWorkspace} judged turns are not in this workspace (e.g. ${x.turnsNotInWorkspaceSample.slice(0, 3).join(', ')})`,
                    ]
                  : []),
                ...(x.itemsNotInTurn
                  ? [`warning: ${x.itemsNotInTurn} judged items are not among their turn's logged results`]
                  : []),
              ].join('\n'),
          );
          break;
        case 'parquet':
          print(
            await call(backend, 'export.parquet', { outDir: where, ...named }),
            (x) =>
              `wrote ${Object.entries(x.rows)
                .map(([k, n]) => `${k} ${n.toLocaleString('en')}`)
                .join(', ')} rows to ${x.path} (${x.featureColumns.length} feature columns)`,
          );
          break;
        default:
          fail(`unknown export kind "${kind}"\n${usage}`);
      }
      await backend.close();
      return;
    }
    case 'train': {
      const backend = open('cli');
      const r = await call(backend, 'train.fromLabels', {
        source:
          opt.source ?? fail('--source SOURCE is required (labels:task:<id>, labels:annotator:<id> or a qrels set)'),
        baseModel: await modelRef(
          backend,
          opt.base ?? fail('--base MODEL is required: the model the new one should replace'),
        ),
        epochs: int('epochs', opt.epochs, 6),
        seed: int('seed', opt.seed, 1),
        ...(opt.name ? { name: opt.name } : {}),
      });
      const f = (n: number | null) => (n === null ? '—' : n.toFixed(4));
      print(r, (x) =>
        [
          `registered ${x.model.name} (${x.model.sha256.slice(0, 12)}), trained on ${Object.entries(x.examples)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')} examples from ${x.source}`,
          ...x.epochs.map((e) => `  epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, valid NDCG@10 ${f(e.validNdcg10)}`),
          `on the ${x.comparison.turns} labelled turns: NDCG@${x.comparison.k} ${x.base.name} ${f(x.comparison.ndcgA)} → ${x.model.name} ${f(x.comparison.ndcgB)}; MRR ${f(x.comparison.mrrA)} → ${f(x.comparison.mrrB)}`,
          `compare them: npm run cli -- regressions ${x.base.sha256.slice(0, 12)} ${x.model.sha256.slice(0, 12)} --set '${x.source}'`,
        ].join('\n'),
      );
      await backend.close();
      return;
    }
    case 'stats': {
      const backend = open('cli');
      print(await call(backend, 'workspace.stats', {}), (s: WorkspaceStats) =>
        Object.entries(s)
          .map(
            ([k, v]) =>
              `${k.padEnd(14)} ${Array.isArray(v) ? v.join(', ') || '-' : typeof v === 'number' ? v.toLocaleString('en') : String(v)}`,
          )
          .join('\n'),
      );
      backend.close();
      return;
    }
    case 'features': {
      const [sub, file] = args;
      if (sub !== 'spec') fail('usage: features spec FILE | features spec show');
      const backend = open('cli');
      const info =
        file === undefined || file === 'show'
          ? await call(backend, 'features.spec', {})
          : await call(backend, 'features.setSpec', { path: resolve(file) });
      print(info, describeFeatureSpec);
      await backend.close();
      return;
    }
    case 'models': {
      const [sub, arg] = args;
      const backend = open('cli');
      if (sub === 'list' || sub === undefined) {
        print(await call(backend, 'models.list', {}), (ms) =>
          ms.length ? ms.map(describeModel).join('\n') : 'no models registered (models add FILE, or models shipped)',
        );
      } else if (sub === 'add') {
        if (!arg) fail('usage: models add FILE [--name NAME]');
        const m = await call(backend, 'models.add', { path: resolve(arg), ...(opt.name ? { name: opt.name } : {}) });
        print(m, (x) => `${x.alreadyRegistered ? 'already registered' : 'added'}: ${describeModel(x)}`);
      } else if (sub === 'remove') {
        if (!arg) fail('usage: models remove MODEL');
        const sha = await modelRef(backend, arg);
        print(
          await call(backend, 'models.remove', { sha256: sha }),
          (r) => `removed ${r.name} and ${r.scoresDeleted.toLocaleString('en')} stored scores`,
        );
      } else if (sub === 'shipped') {
        print(
          await call(backend, 'models.registerShipped', {}),
          (ms) => ms.map(describeModel).join('\n') || 'no models in resources/models',
        );
      } else fail(`unknown models command "${sub}" (list, add, remove, shipped)`);
      await backend.close();
      return;
    }
    case 'score': {
      const backend = open('cli');
      if (args[0] === 'turn') {
        const [, turnId, ...refs] = args;
        if (!turnId || !refs.length) fail('usage: score turn TURN_ID MODEL [MODEL2]');
        const models = await Promise.all(refs.map((r) => modelRef(backend, r)));
        const input = {
          turnId,
          models,
          ...(opt['max-history'] ? { maxHistory: int('max-history', opt['max-history']) } : {}),
        };
        print(await call(backend, 'score.turn', input), describeTurn);
      } else {
        const [ref] = args;
        if (!ref)
          fail('usage: score MODEL [--split train|valid|test] [--rescore]   |   score turn TURN_ID MODEL [MODEL2]');
        const split = splitOption();
        const r = await call(backend, 'score.batch', {
          model: await modelRef(backend, ref),
          rescore: opt.rescore,
          ...(split ? { split } : {}),
        });
        print(r, (x: BatchScoreReport) =>
          [
            `${x.model.name}: scored ${x.scored.toLocaleString('en')} turns (${x.alreadyScored.toLocaleString('en')} already scored, ${x.turns.toLocaleString('en')} in scope) in ${(x.durationMs / 1000).toFixed(1)} s, ${x.turnsPerSecond.toFixed(0)} turns/s on ${x.provider}`,
            ...(x.fallback ? [`  provider fallback: ${x.fallback}`] : []),
            ...(x.zeroCandidateTurns ? [`  ${x.zeroCandidateTurns} turns had no candidates`] : []),
            ...(x.truncatedTurns ? [`  ${x.truncatedTurns} turns had their history truncated`] : []),
            ...Object.entries(x.missingFeatures).map(
              ([f, n]) =>
                `  feature ${f} missing from the log for ${n.toLocaleString('en')} candidates (filled with 0)`,
            ),
          ].join('\n'),
        );
      }
      await backend.close();
      return;
    }
    case 'regressions': {
      const [refA, refB] = args;
      if (!refA || !refB)
        fail(
          'usage: regressions MODEL_A MODEL_B [--set NAME] [--kind switch|continuation|start] [--split S] [--limit N] [--measure M] [--k N]',
        );
      const kind = opt.kind;
      if (kind !== undefined && !oneOf(TURN_KINDS, kind))
        fail(`--kind must be ${TURN_KINDS.join(', ')}, got "${kind}"`);
      const split = splitOption();
      const measure = opt.measure;
      if (measure !== undefined && !oneOf(TURN_MEASURES, measure))
        fail(`--measure must be ${TURN_MEASURES.join(', ')}, got "${measure}"`);
      const backend = open('cli');
      const input = {
        modelA: await modelRef(backend, refA),
        modelB: await modelRef(backend, refB),
        setName: opt.set ?? 'ground-truth',
        limit: int('limit', opt.limit, 20),
        ...(measure ? { measure } : {}),
        ...(opt.k !== undefined ? { k: int('k', opt.k, 10) } : {}),
        ...(kind ? { boundary: kind } : {}),
        ...(split ? { split } : {}),
      };
      print(await call(backend, 'metrics.turns', input), describeRegressions);
      await backend.close();
      return;
    }
    case 'evaluate': {
      const [run, qrels] = args;
      if (!run || !qrels || args.length > 2) fail('usage: evaluate RUN QRELS [-q] [-m MEASURE]… [-l N]');
      // Reads the two files only: a throwaway workspace, so evaluating touches no workspace.
      const scratch = mkdtempSync(join(tmpdir(), 'qgs-evaluate-'));
      const backend = openBackend({ workspacePath: join(scratch, 'scratch.db'), host: 'cli', pathRoots: null });
      try {
        const r = await call(backend, 'evaluate.run', {
          run: resolve(run),
          qrels: resolve(qrels),
          ...(opt.m ? { measures: opt.m.flatMap((m) => (m.includes('.') ? [m] : m.split(',')).filter(Boolean)) } : {}),
          relevanceLevel: int('l', opt.l, 1),
          perTopic: opt.q,
        });
        print(r, describeEvaluation);
      } finally {
        await backend.close();
        rmSync(scratch, { recursive: true, force: true });
      }
      return;
    }
    case 'labels': {
      const [sub, file] = args;
      const usage = 'usage: labels export-events FILE [--all | --annotator ID] | import-events FILE';
      if (!sub || !file) fail(usage);
      const backend = open('cli');
      try {
        if (sub === 'export-events') {
          const r = await call(backend, 'labels.exportEvents', {
            path: resolve(file),
            all: opt.all,
            ...(opt.annotator ? { annotatorId: opt.annotator } : {}),
          });
          print(
            r,
            (x) =>
              `wrote ${x.events.toLocaleString('en')} label events (format version ${x.version}; ${x.annotators} annotators, ${x.tasks} tasks, ${x.scales} scales) to ${x.path}`,
          );
        } else if (sub === 'import-events') {
          print(await call(backend, 'labels.importEvents', { path: resolve(file) }), describeLabelImport);
        } else fail(usage);
      } finally {
        await backend.close();
      }
      return;
    }
    case 'team': {
      const [sub, url] = args;
      const usage = 'usage: team connect URL | status | sync | disconnect';
      const backend = open('cli');
      try {
        if (sub === 'connect') {
          if (!url) fail(usage);
          print(await call(backend, 'team.connect', { url }), describeTeam);
        } else if (sub === 'status') print(await call(backend, 'team.status', {}), describeTeam);
        else if (sub === 'sync') {
          const r = await call(backend, 'team.syncNow', {});
          print(
            r,
            (x) =>
              `pushed ${x.round.pushedEvents} events and ${x.round.pushedTasks} tasks, pulled ${x.round.pulledEvents} events and ${x.round.pulledTasks} tasks\n${describeTeam(x)}`,
          );
        } else if (sub === 'disconnect') print(await call(backend, 'team.disconnect', {}), describeTeam);
        else fail(usage);
      } finally {
        await backend.close();
      }
      return;
    }
    case 'call': {
      const [method, json] = args;
      if (!method) fail('usage: call METHOD [JSON]');
      let input: unknown = {};
      if (json) {
        try {
          input = JSON.parse(json);
        } catch (err) {
          fail(`JSON argument: ${(err as Error).message}`);
        }
      }
      // Any method by name: the dispatcher validates the input against the contract.
      if (!isMethodName(method)) fail(`unknown API method "${method}" (see src-common/api/contract.ts)`);
      const backend = open('cli');
      process.stdout.write(
        JSON.stringify(await call(backend, method, input as MethodInput<typeof method>), null, 2) + '\n',
      );
      backend.close();
      return;
    }
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function describeRegressions(r: TurnMetricsPage): string {
  const f = (n: number | null) => (n === null ? '     —' : n.toFixed(4));
  const measureName = CUT_TURN_MEASURES.has(r.measure) ? `${r.measure}@${r.k}` : r.measure;
  const lines = [
    `A = ${r.modelA.name}, B = ${r.modelB.name}, grades: ${r.setName}, ${measureName}; Δ = B − A in ${measureName}`,
    `  turn kind        turns  ${`${measureName} A / B`.padEnd(15)}   NDCG A  NDCG B  MRR A   MRR B`,
  ];
  for (const k of ['start', 'switch', 'continuation', 'all'] as const) {
    const s = r.summary[k];
    lines.push(
      `  ${k.padEnd(15)} ${String(s.turns).padStart(6)}  ${f(s.valueA)} / ${f(s.valueB)}   ${f(s.ndcgA)}  ${f(s.ndcgB)}  ${f(s.mrrA)}  ${f(s.mrrB)}`,
    );
  }
  lines.push(`  ${r.skippedNoRelevant.toLocaleString('en')} turns left out (no relevant candidate)`);
  if (r.unscored.either)
    lines.push(
      `  ${r.unscored.either.toLocaleString('en')} turns not batch-scored (A: ${r.unscored.modelA}, B: ${r.unscored.modelB}) — run: score MODEL`,
    );
  lines.push(
    `\n${r.total.toLocaleString('en')} turns; worst for B first:`,
    '      Δ  value A value B  kind          turn  query',
  );
  for (const x of r.rows)
    lines.push(
      `  ${x.delta.toFixed(3).padStart(6)}  ${x.valueA.toFixed(3)}   ${x.valueB.toFixed(3)}   ${x.kind.padEnd(12)}  ${x.turnId}  ${x.query.slice(0, 50)}`,
    );
  return lines.join('\n');
}

/** trec_eval's output: per topic (-q) in topic order, then the `all` lines; `runid` first as trec_eval prints it. */
function describeEvaluation(r: RunEvaluation): string {
  const lines: string[] = [];
  for (const t of r.topics)
    for (const name of r.measures) lines.push(formatTrecEvalLine(name, t.topic, t.values[name]!));
  lines.push(`${'runid'.padEnd(22)}\tall\t${r.runTag}`);
  lines.push(formatTrecEvalLine('num_q', 'all', r.all.num_q!));
  for (const name of r.measures) lines.push(formatTrecEvalLine(name, 'all', r.all[name]!));
  if (r.topicsRunOnly || r.topicsQrelsOnly) {
    process.stderr.write(
      `note: ${r.topicsRunOnly} run topic(s) without judgments and ${r.topicsQrelsOnly} judged topic(s) missing from the run were not evaluated (as trec_eval)\n`,
    );
  }
  return lines.join('\n');
}

function describeFeatureSpec(x: FeatureSpecInfo): string {
  if (!x.spec) return x.summary;
  const lines = [`feature spec v${x.spec.version} from ${x.source} (${x.importedAt})`];
  for (const g of x.spec.groups)
    lines.push(
      `  ${g.name}: ${g.features.map((f) => (x.spec!.queryDependence?.[f] ? `${f} [${x.spec!.queryDependence[f]}]` : f)).join(', ')}`,
    );
  if (x.spec.textStats)
    lines.push(
      `  text stats: ${x.spec.textStats.docs.toLocaleString('en')} titles, mean length ${x.spec.textStats.avgLen.toFixed(2)} tokens, ${x.spec.textStats.tokens.toLocaleString('en')} distinct tokens`,
    );
  lines.push(x.summary);
  return lines.join('\n');
}

function describeModel(m: ModelSummary): string {
  return `${m.sha256.slice(0, 12)}  ${m.name} ${m.version} (${m.encoder}; groups: ${m.groups.map((g) => `${g.name}[${g.features.length}]`).join(', ')})`;
}

/** A model named on the command line: its name, sha256 or a sha256 prefix. */
async function modelRef(backend: Backend, ref: string): Promise<string> {
  const models = await call(backend, 'models.list', {});
  const byName = models.filter((m) => m.name === ref);
  if (byName.length === 1) return byName[0]!.sha256;
  if (byName.length > 1)
    fail(
      `more than one model is named "${ref}"; use its sha256: ${byName.map((m) => m.sha256.slice(0, 12)).join(', ')}`,
    );
  return ref;
}

function describeTurn(r: TurnScoring): string {
  const lines = [`turn ${r.turnId}: "${r.query}" (${r.history.length} history steps)`];
  for (const m of r.models) {
    lines.push(
      `\n${m.model.name} on ${m.runtime.provider}${m.runtime.fallback ? ` (fallback: ${m.runtime.fallback})` : ''}`,
    );
    lines.push(`  rank  pos  score      ${m.groups.join(' / ')}  item`);
    for (const c of m.candidates.slice(0, 20)) {
      lines.push(
        `  ${String(c.rank).padStart(4)}  ${String(c.position).padStart(3)}  ${c.score.toFixed(4).padStart(9)}  ${c.groupWeight.map((g) => g.toFixed(2)).join(' / ')}  ${c.itemId} ${c.title.slice(0, 50)}`,
      );
    }
    if (m.candidates.length > 20) lines.push(`  … ${m.candidates.length - 20} more`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function describeTeam(s: TeamStatus): string {
  if (!s.connected) return `not connected to a team database${s.lastError ? ` (last attempt: ${s.lastError})` : ''}`;
  const lines = [
    `team database ${s.url} (password: ${s.passwordSource === 'memory' ? 'given for this session' : s.passwordSource === 'environment' ? 'PGPASSWORD / ~/.pgpass' : 'none'})`,
    `state: ${s.state}; ${s.pending.toLocaleString('en')} events waiting to be pushed; last synced ${s.lastSyncedAt ?? 'never'}`,
  ];
  if (s.pausedReason) lines.push(`paused: ${s.pausedReason}`);
  else if (s.lastError) lines.push(`last error: ${s.lastError}`);
  return lines.join('\n');
}

function describeLabelImport(r: LabelsImportReport): string {
  const lines = [
    `${r.path}: ${r.events.toLocaleString('en')} events: ${r.inserted.toLocaleString('en')} new, ${r.duplicates.toLocaleString('en')} already here; ${r.annotatorsAdded} annotators, ${r.scalesAdded} scales and ${r.tasksAdded.length} tasks added`,
  ];
  for (const t of r.tasksAdded) lines.push(`  task ${t.taskId}: ${t.name}`);
  if (r.missingTurns.events)
    lines.push(
      `  warning: ${r.missingTurns.events} events are for ${r.missingTurns.turnIds.length}${r.missingTurns.turnIds.length === 100 ? '+' : ''} turns this workspace does not hold (stored; first: ${r.missingTurns.turnIds.slice(0, 5).join(', ')})`,
    );
  if (r.missingItems.events)
    lines.push(
      `  warning: ${r.missingItems.events} events grade items that are not candidates of their turn here (stored; first: ${r.missingItems.items
        .slice(0, 5)
        .map((i) => `${i.turnId} ${i.itemId}`)
        .join(', ')})`,
    );
  return lines.join('\n');
}

function describeImport(r: ImportReport): string {
  if (r.alreadyImported) return `${r.file}: already imported (nothing changed)`;
  const lines = [
    `${r.file}: imported ${r.kind}: ${r.sessions.toLocaleString('en')} sessions (${r.skippedSessions} unchanged), ` +
      `${r.turns.toLocaleString('en')} turns, ${r.resultRows.toLocaleString('en')} rows in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

main().catch((err: unknown) => {
  if (err instanceof ApiError) {
    process.stderr.write(`error (${err.code}): ${err.message}\n`);
    for (const p of err.problems.slice(0, 50)) process.stderr.write(`  ${p.where}: ${p.message}\n`);
    if (err.problems.length > 50) process.stderr.write(`  … and ${err.problems.length - 50} more\n`);
  } else {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
