// Assembles the backend: opens the workspace store and binds every contract method to its
// implementation. Hosts (Electron utility process, `serve`, CLI) call openBackend and then only
// talk to `dispatcher`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppInfo } from '../src-common/api/contract.ts';
import { createDispatcher, type Dispatcher, type Handlers } from './api/dispatch.ts';
import { makePolicy, resolveReadable, resolveWritable, resolveWritableDir, type GrantList } from './api/paths.ts';
import { openStore, type Store } from './store/store.ts';
import { getSession, listSessions } from './store/sessions.ts';
import { turnGrades } from './store/qrels.ts';
import { workspaceStats } from './store/workspace.ts';
import { turnMetrics } from './ranking/turn-metrics.ts';
import { evaluateRunFile } from './ranking/evaluate.ts';
import { exportJudgmentsAsQrels, resolveJudgments } from './data/judgments.ts';
import { exportTraining } from './data/training-export.ts';
import { exportParquet } from './data/parquet-export.ts';
import { trainerCommand, trainFromLabels } from './training/train-from-labels.ts';
import { parseGradesSource } from '../src-common/api/labeling-types.ts';
import { deleteVariant, listVariants, saveVariant } from './store/variants.ts';
import { importSessionLog } from './data/session-log.ts';
import { exportQrels, exportTrecRun, importQrels, importTrecRun } from './data/trec.ts';
import { generateDemo } from './data/demo/generate.ts';
import { SCHEMA_VERSION } from './store/migrations/index.ts';
import { InferenceService } from './inference/service.ts';
import { featureSpecInfo, setWorkspaceFeatureSpec, workspaceFeatureSpec } from './inference/feature-spec.ts';
import { defaultModelsDir } from './inference/registry.ts';
import type { EngineOptions } from './inference/engine.ts';
import { LabelingService } from './labeling/service.ts';
import { labelsPathFor } from './store/labels/db.ts';
import { TeamSync, type TeamSyncOptions } from './team/sync.ts';
import { exportEvents, importEvents } from './team/exchange.ts';

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
  /** Inference engine overrides (tests: provider plan, batch size). */
  inference?: EngineOptions;
  /** Desktop: only paths granted by the main process (native dialogs, command line, recent list). */
  grants?: GrantList | null;
  /** Shipped resources (models, demo); default <repo>/resources. Packaged app: process.resourcesPath. */
  resourcesDir?: string;
  /** Team sync (docs/team.md): default a background loop except in the CLI, which syncs on request. */
  teamSync?: Partial<TeamSyncOptions>;
}

export interface Backend {
  dispatcher: Dispatcher;
  store: Store;
  inference: InferenceService;
  labeling: LabelingService;
  team: TeamSync;
  /** Closes the store; the inference worker is terminated (await the promise to know it is gone). */
  close(): Promise<void>;
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
  const resourcesDir = opts.resourcesDir ?? join(REPO_ROOT, 'resources');
  // Exports and generated files never overwrite the workspace, its models or the shipped resources.
  const policy = makePolicy(opts.pathRoots, {
    grants: opts.grants ?? null,
    workspacePath: opts.workspacePath,
    databases: [labelsPathFor(opts.workspacePath)],
    protectDirs: [defaultModelsDir(opts.workspacePath), resourcesDir],
  });
  const version = appVersion();
  const inference = new InferenceService(store, {
    modelsDir: defaultModelsDir(opts.workspacePath),
    shippedDir: join(resourcesDir, 'models'),
    ...(opts.inference ? { engine: opts.inference } : {}),
  });
  // Labels live in their own file next to the workspace (docs/labeling.md).
  const labeling = new LabelingService(store, {
    resolveModel: (ref, where) => {
      const m = inference.registry.get(ref, where);
      return { sha256: m.sha256, name: m.name };
    },
    regressions: async (q) => {
      const a = inference.registry.get(q.modelA, 'from.modelA');
      const b = inference.registry.get(q.modelB, 'from.modelB');
      const page = await turnMetrics(
        store,
        {
          ...q,
          modelA: a.sha256,
          modelB: b.sha256,
          nameA: a.name,
          nameB: b.name,
          sort: 'delta',
          offset: 0,
          limit: q.limit,
        },
        undefined,
        labeling.gradesByPk(q.setName, 'from.setName'),
      );
      return page.rows.map((r) => r.turnId);
    },
  });

  // The sync loop runs on timers beside the request handlers; a label never waits for it.
  const team = new TeamSync(labeling.labels, { background: opts.host !== 'cli', ...opts.teamSync });
  team.start();

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'QGS Workbench',
      version,
      host: opts.host,
      workspacePath: opts.workspacePath,
      schemaVersion: SCHEMA_VERSION,
      nodeVersion: process.versions.node,
    }),
    'workspace.stats': () => workspaceStats(store),
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
      if (parseGradesSource(input.setName).kind === 'qrels')
        return { path, rows: await exportQrels(store, input.setName, path) };
      return {
        path,
        rows: await exportJudgmentsAsQrels(resolveJudgments(store, labeling, input.setName, 'setName'), path),
      };
    },
    'export.training': (input, ctx) =>
      exportTraining(store, resolveJudgments(store, labeling, input.source), {
        outDir: resolveWritableDir(policy, input.outDir),
        name: input.name,
        overwrite: input.overwrite,
        featureGroups: input.featureGroupsFrom
          ? inference.registry.get(input.featureGroupsFrom, 'featureGroupsFrom').groups
          : null,
        workspacePath: opts.workspacePath,
        appVersion: version,
        signal: ctx.signal,
        onProgress: ctx.progress,
      }),
    'train.fromLabels': (input, ctx) => {
      const judgments = resolveJudgments(store, labeling, input.source);
      const base = inference.registry.get(input.baseModel, 'baseModel');
      return trainFromLabels(store, {
        judgments,
        base,
        encoder: input.encoder ?? base.encoder,
        epochs: input.epochs,
        seed: input.seed,
        name: input.name ?? `${base.name} · ${input.source}`,
        workspacePath: opts.workspacePath,
        appVersion: version,
        trainer: trainerCommand(REPO_ROOT),
        register: (path, name) => inference.registry.add(path, { name }),
        score: (sha256, progress) =>
          inference.batch({ model: sha256, rescore: false }, { signal: ctx.signal, progress }),
        compare: async (a, b) => {
          const [ma, mb] = [inference.registry.get(a), inference.registry.get(b)];
          const page = await turnMetrics(
            store,
            {
              modelA: a,
              modelB: b,
              nameA: ma.name,
              nameB: mb.name,
              setName: input.source,
              k: 10,
              sort: 'delta',
              offset: 0,
              limit: 1,
            },
            ctx.signal,
            labeling.gradesByPk(input.source, 'source'),
          );
          const s = page.summary.all;
          return { turns: s.turns, ndcgA: s.ndcgA, ndcgB: s.ndcgB, mrrA: s.mrrA, mrrB: s.mrrB, k: page.k };
        },
        signal: ctx.signal,
        onProgress: ctx.progress,
      });
    },
    'export.parquet': (input, ctx) =>
      exportParquet(store, {
        outDir: resolveWritableDir(policy, input.outDir),
        name: input.name,
        overwrite: input.overwrite,
        workspacePath: opts.workspacePath,
        models: inference.registry.list(),
        labels: labeling.labels,
        // Resolved first: an unknown source is refused before anything is written.
        judgments: input.sources.map((src, i) => resolveJudgments(store, labeling, src, `sources[${i}]`)),
        signal: ctx.signal,
        onProgress: ctx.progress,
      }),
    'demo.generate': (input, ctx) =>
      generateDemo(
        {
          seed: input.seed,
          sessions: input.sessions,
          outDir: resolveWritableDir(policy, input.outDir),
          gzip: input.gzip,
        },
        (done, total) => ctx.progress({ phase: 'generate', done, total, unit: 'sessions' }),
        ctx.signal,
      ),

    'models.list': () => inference.registry.list(),
    'models.add': (input) =>
      inference.registry.add(resolveReadable(policy, input.path), input.name ? { name: input.name } : {}),
    'models.rename': (input) => inference.registry.rename(input.sha256, input.name),
    'models.remove': (input) => inference.removeModel(input.sha256),
    'models.registerShipped': () => inference.registry.registerShipped(),
    'inference.status': () => inference.status(),
    'inference.configure': (input) => inference.configure(input),
    'score.turn': (input, ctx) =>
      inference.scoreTurn(input.turnId, input.models, {
        signal: ctx.signal,
        ...(input.maxHistory !== undefined ? { maxHistory: input.maxHistory } : {}),
      }),
    'score.counterfactual': (input, ctx) =>
      inference.scoreTurn(input.turnId, input.models, {
        signal: ctx.signal,
        edit: input.edit,
        ...(input.maxHistory !== undefined ? { maxHistory: input.maxHistory } : {}),
      }),
    'score.batch': (input, ctx) => inference.batch(input, ctx),
    'score.stored': (input) => inference.stored(input.turnId, input.model),
    'qrels.turn': (input) =>
      labeling.turnGradesFromLabels(input.setName, input.turnId, 'setName') ??
      turnGrades(store, input.turnId, input.setName),
    'features.spec': () => featureSpecInfo(workspaceFeatureSpec(store.db)),
    'features.setSpec': (input) => setWorkspaceFeatureSpec(store.db, resolveReadable(policy, input.path)),
    'variants.save': (input) => saveVariant(store, input.turnId, input.name, input.edit),
    'variants.list': (input) => listVariants(store, input.turnId),
    'variants.delete': (input) => deleteVariant(store, input.variantId),
    'metrics.turns': (input, ctx) => {
      const a = inference.registry.get(input.modelA, 'modelA');
      const b = inference.registry.get(input.modelB, 'modelB');
      return turnMetrics(
        store,
        { ...input, modelA: a.sha256, modelB: b.sha256, nameA: a.name, nameB: b.name },
        ctx.signal,
        labeling.gradesByPk(input.setName, 'setName'),
      );
    },
    'evaluate.run': (input, ctx) =>
      evaluateRunFile(resolveReadable(policy, input.run), resolveReadable(policy, input.qrels), {
        ...(input.measures ? { measures: input.measures } : {}),
        relevanceLevel: input.relevanceLevel,
        perTopic: input.perTopic,
        signal: ctx.signal,
        onProgress: ctx.progress,
      }),

    // ---- Labeling (docs/labeling.md) ----
    'scales.list': () => labeling.scalesList(),
    'scales.create': (input) => labeling.scalesCreate(input),
    'tasks.create': (input) => labeling.tasksCreate(input),
    'tasks.list': () => labeling.tasksList(),
    'tasks.get': (input) => labeling.tasksGet(input.taskId),
    'tasks.turn': (input) => labeling.tasksTurn(input),
    'labels.record': (input) => labeling.labelsRecord(input),
    'labels.undo': (input) => labeling.labelsUndo(input),
    'labels.forTurn': (input) => labeling.labelsForTurn(input),
    'annotator.get': () => labeling.annotatorGet(),
    'annotator.set': (input) => labeling.annotatorSet(input),
    'arena.next': (input) => labeling.arenaNext(input),
    'arena.record': (input) => labeling.arenaRecord(input),
    'arena.stats': (input) => labeling.arenaStats(input),
    'agreement.task': (input) => labeling.agreementTask(input),
    'disagreements.list': (input) => labeling.disagreementsList(input),
    'labels.adjudicate': (input) => labeling.labelsAdjudicate(input),

    // ---- Team (docs/team.md) ----
    'labels.exportEvents': (input, ctx) =>
      exportEvents(
        labeling.labels,
        resolveWritable(policy, input.path),
        input.all ? 'all' : { annotatorId: input.annotatorId ?? labeling.annotatorGet().annotatorId },
        `QGS Workbench ${version}`,
        { signal: ctx.signal, onProgress: ctx.progress },
      ),
    'labels.importEvents': (input, ctx) =>
      importEvents(labeling.labels, store, resolveReadable(policy, input.path), {
        signal: ctx.signal,
        onProgress: ctx.progress,
      }),
    'team.connect': (input) => team.connect(input.url),
    'team.disconnect': () => team.disconnect(),
    'team.status': () => team.status(),
    'team.syncNow': () => team.syncNow(),
  };

  return {
    dispatcher: createDispatcher(handlers),
    store,
    inference,
    labeling,
    team,
    // Synchronous part first (process 'exit' handlers cannot await): queued scoring is rejected,
    // the worker is told to terminate, the store is closed.
    close: () => {
      const stopped = inference.close();
      const synced = team.close();
      labeling.close();
      store.close();
      return Promise.all([stopped, synced]).then(() => {});
    },
  };
}
