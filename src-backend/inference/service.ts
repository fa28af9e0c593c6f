// The inference service behind the API (docs/inference.md): settings, the model registry, turn and
// counterfactual scoring, batch scoring into the workspace. Handlers in backend.ts call it; it owns
// the InferenceEngine (worker thread) and closes it with the backend.
import os from 'node:os';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import * as ort from 'onnxruntime-node';
import type {
  BatchScoreReport,
  InferenceSettings,
  InferenceStatus,
  ModelRuntime,
  ModelTurnScores,
  ProviderSettingName,
  StoredTurnScores,
  TurnEdit,
  TurnScoring,
} from '../../src-common/api/contract.ts';
import type { Split } from '../../src-common/api/types.ts';
import type { Progress } from '../../src-common/api/types.ts';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type { Store } from '../store/store.ts';
import { readSettings, writeSettings } from '../store/settings.ts';
import { forgetModelScores, openScoreWriter, scoredTurnPks, storedTurnScores } from '../store/scores.ts';
import {
  assembleTurn,
  featureOrder,
  historySteps,
  TokenCache,
  type AssembledTurn,
  type Candidate,
  type TurnTensors,
} from './assemble.ts';
import { nonFinite, type TurnOutputs } from './batch.ts';
import { InferenceEngine, type EngineOptions, type LoadInfo } from './engine.ts';
import { defaultCpuThreads, providerPlan, type ProviderName, type ProviderSetting } from './providers.ts';
import { inputSpec, ModelRegistry, type ModelInfo, type Validator } from './registry.ts';
import { TurnReader, type StoredTurn } from './turn-source.ts';

/**
 * Default history bound: 64, what the shipped models were trained with (docs/model-contract.md), so
 * the app reproduces the trainer's scores. Configurable per workspace (inference.configure) and per
 * request (score.turn maxHistory).
 */
export const DEFAULT_MAX_HISTORY = 64;
/** Most candidates one turn may have to be scored interactively. */
export const MAX_CANDIDATES = 20_000;
/** Turns per model run in a batch job. */
export const BATCH_TURNS = 64;
/** Turns per SQLite commit in a batch job (the unit of resumption). */
export const COMMIT_TURNS = 512;
/** Stored turns kept in memory for repeated interactive scoring. */
const TURN_CACHE = 32;
/** A turn with more candidates than this is run as a batch of its own. */
const LARGE_TURN = 512;

export interface ServiceOptions {
  modelsDir: string;
  shippedDir: string;
  validate?: Validator;
  engine?: EngineOptions;
}

export class InferenceService {
  readonly registry: ModelRegistry;
  readonly engine: InferenceEngine;
  private readonly store: Store;
  private readonly reader: TurnReader;
  private readonly tokens = new TokenCache();
  private readonly verified = new Set<string>();
  /**
   * Recently scored turns as read from the store (LRU). Interactive use scores the same turn again
   * and again (second model, counterfactual edits); a stored turn never changes after import, and
   * each hit is still checked against the store's turn_pk.
   */
  private readonly turnCache = new Map<string, StoredTurn>();

  constructor(store: Store, opts: ServiceOptions) {
    this.store = store;
    this.registry = new ModelRegistry(store, {
      modelsDir: opts.modelsDir,
      shippedDir: opts.shippedDir,
      ...(opts.validate ? { validate: opts.validate } : {}),
    });
    const s = this.settings();
    this.engine = new InferenceEngine({ provider: s.provider, threads: s.threads, ...opts.engine });
    this.reader = new TurnReader(store.db);
  }

  // ---- settings and status ----

  settings(): InferenceSettings {
    const v = readSettings(this.store.db);
    return {
      provider: (v.provider as ProviderSettingName | undefined) ?? 'auto',
      threads: (v.threads as number | undefined) ?? defaultCpuThreads(),
      maxHistory: (v.maxHistory as number | undefined) ?? DEFAULT_MAX_HISTORY,
    };
  }

  configure(patch: Partial<InferenceSettings>): InferenceStatus {
    writeSettings(this.store.db, patch);
    const s = this.settings();
    this.engine.configure({ provider: s.provider as ProviderSetting, threads: s.threads });
    return this.status();
  }

  status(): InferenceStatus {
    const loaded: ModelRuntime[] = [];
    for (const [sha, info] of this.engine.loaded()) {
      if (!info) continue;
      let name = sha;
      try {
        name = this.registry.get(sha).name;
      } catch {
        // removed meanwhile
      }
      loaded.push(runtimeOf(sha, name, info));
    }
    let backends: { name: string; bundled: boolean }[] = [];
    try {
      backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
    } catch {
      // older onnxruntime-node: no listing
    }
    return {
      settings: this.settings(),
      platform: `${os.platform()}-${os.arch()}`,
      backends,
      autoPlan: providerPlan('auto'),
      loaded,
    };
  }

  // ---- models ----

  private async ensureLoaded(m: ModelInfo): Promise<LoadInfo> {
    if (!this.verified.has(m.sha256)) {
      this.registry.verifiedPath(m);
      this.verified.add(m.sha256);
    }
    return this.engine.load(m.sha256, m.filePath, `${m.name} (${m.sha256.slice(0, 12)})`);
  }

  removeModel(ref: string): { sha256: string; name: string; scoresDeleted: number } {
    const r = this.registry.remove(ref);
    this.engine.unload(r.sha256);
    this.verified.delete(r.sha256);
    return r;
  }

  // ---- one turn ----

  async scoreTurn(
    turnId: string,
    modelRefs: string[],
    opts: { maxHistory?: number; edit?: TurnEdit; signal?: AbortSignal },
  ): Promise<TurnScoring> {
    const models = modelRefs.map((ref, i) => this.registry.get(ref, `models[${i}]`));
    const turn = this.readTurnCached(turnId);
    const maxHistory = opts.maxHistory ?? this.settings().maxHistory;
    const warnings: string[] = [];
    let query = turn.query;
    let candidates: Candidate[] = turn.candidates;
    let removeSteps: Set<number> | undefined;
    const edit = opts.edit;
    if (edit) {
      const problems: Problem[] = [];
      if (edit.query !== undefined) query = edit.query;
      if (edit.removeHistorySteps?.length) {
        const total = historySteps(turn.earlier).steps.length;
        edit.removeHistorySteps.forEach((s, i) => {
          if (s >= total)
            problems.push({
              where: `edit.removeHistorySteps[${i}]`,
              message: `step ${s} does not exist: turn ${turnId} has ${total} history steps (0–${total - 1})`,
            });
        });
        removeSteps = new Set(edit.removeHistorySteps);
      }
      if (edit.features?.length) {
        candidates = turn.candidates.map((c) => ({ ...c, features: { ...c.features } }));
        const used = new Set(models.flatMap((m) => featureOrder(inputSpec(m))));
        edit.features.forEach((f, i) => {
          const targets = candidates.filter((c) => c.itemId === f.itemId);
          if (!targets.length)
            problems.push({
              where: `edit.features[${i}].itemId`,
              message: `turn ${turnId} has no candidate ${JSON.stringify(f.itemId)}`,
            });
          for (const c of targets) c.features[f.feature] = f.value;
          if (!used.has(f.feature))
            warnings.push(
              `feature "${f.feature}" is not an input of ${models.map((m) => m.name).join(' or ')}: changing it has no effect`,
            );
        });
      }
      if (problems.length)
        throw new ApiError(
          'invalid_input',
          `cannot apply the edit to turn ${turnId}: ${problems[0]!.where}: ${problems[0]!.message}`,
          problems,
        );
    }
    if (candidates.length > MAX_CANDIDATES) {
      throw new ApiError(
        'invalid_input',
        `turn ${turnId} has ${candidates.length.toLocaleString('en')} candidates; at most ${MAX_CANDIDATES.toLocaleString('en')} can be scored in one request`,
        [{ where: 'turnId', message: `${candidates.length} candidates > ${MAX_CANDIDATES}` }],
      );
    }
    if (candidates.length === 0)
      warnings.push(`turn ${turnId} has no candidates: nothing to rank (history weights are still shown)`);

    const assembled = models.map((m) =>
      assembleTurn(turn.earlier, query, candidates, inputSpec(m), {
        maxHistory,
        cache: this.tokens,
        omittedSteps: turn.omittedSteps,
        ...(removeSteps ? { removeSteps } : {}),
      }),
    );
    const first = assembled[0]!;
    if (first.report.truncatedSteps > 0) {
      warnings.push(
        `history has ${first.report.historySteps.toLocaleString('en')} steps; the oldest ${first.report.truncatedSteps.toLocaleString('en')} were left out (max history ${maxHistory})`,
      );
    }
    const results = await Promise.all(
      models.map((m, i) => this.runOne(m, assembled[i]!, candidates, turnId, opts.signal)),
    );
    models.forEach((m, i) => {
      const missing = assembled[i]!.report.missingFeatures;
      if (missing.length) {
        warnings.push(
          `${m.name}: ${missing.length} of its ${featureOrder(inputSpec(m)).length} features are missing from the log, filled with ${missing[0]!.fill}: ` +
            missing.map((f) => `${f.feature} (${f.candidates} of ${candidates.length} candidates)`).join(', '),
        );
      }
    });
    return {
      turnId: turn.turnId,
      query,
      counterfactual: !!edit,
      history: first.steps.map((s) => ({ ...s })),
      models: results,
      warnings,
    };
  }

  private readTurnCached(turnId: string): StoredTurn {
    const hit = this.turnCache.get(turnId);
    if (hit && this.reader.turnPk(turnId) === hit.turnPk) {
      this.turnCache.delete(turnId);
      this.turnCache.set(turnId, hit);
      return hit;
    }
    const turn = this.reader.readTurn(turnId);
    // Huge turns (10k candidates, 100k-step histories) are not kept: the cache stays small.
    const size = turn.candidates.length + turn.earlier.reduce((n, t) => n + 1 + t.clicks.length, 0);
    if (size > 5_000) return turn;
    this.turnCache.set(turnId, turn);
    if (this.turnCache.size > TURN_CACHE) this.turnCache.delete(this.turnCache.keys().next().value!);
    return turn;
  }

  /** Forget cached turns (the bench uses it to time first visits). */
  clearTurnCache(): void {
    this.turnCache.clear();
  }

  private async runOne(
    m: ModelInfo,
    a: AssembledTurn,
    candidates: readonly Candidate[],
    turnId: string,
    signal: AbortSignal | undefined,
  ): Promise<ModelTurnScores> {
    const info = await this.ensureLoaded(m);
    const out = await this.engine.score(m.sha256, [a.tensors], dimsOf(m), signal);
    const o = out.outputs[0]!;
    assertFinite(m, o, [turnId]);
    const G = m.groups.length;
    const order = rankOrder(o.score, (i) => candidates[i]!.position);
    const ranked = order.map((i, r) => ({
      itemId: candidates[i]!.itemId,
      title: candidates[i]!.title,
      position: candidates[i]!.position,
      rank: r + 1,
      score: o.score[i]!,
      groupWeight: Array.from(o.groupWeight.subarray(i * G, (i + 1) * G)),
    }));
    return {
      model: { sha256: m.sha256, name: m.name, version: m.version, encoder: m.encoder },
      runtime: runtimeOf(m.sha256, m.name, info),
      groups: m.groups.map((g) => g.name),
      candidates: ranked,
      historyWeight: Array.from(o.historyWeight),
      assembly: a.report,
      runMs: out.runMs,
      batchTurns: out.batchTurns,
    };
  }

  // ---- batch ----

  async batch(
    input: { model: string; split?: Split | undefined; rescore: boolean },
    ctx: { signal: AbortSignal; progress: (p: Progress) => void },
  ): Promise<BatchScoreReport> {
    let started = performance.now();
    const m = this.registry.get(input.model, 'model');
    const info = await this.ensureLoaded(m);
    const maxHistory = this.settings().maxHistory;
    const spec = inputSpec(m);
    const dims = dimsOf(m);
    const db = this.store.db;
    let forgetMs = 0;
    if (input.rescore) {
      forgetModelScores(db, m.sha256);
      // turnsPerSecond measures scoring; forgetting the old scores is reported on its own.
      forgetMs = performance.now() - started;
      started = performance.now();
    }
    const sessions = this.reader.sessions(input.split);
    const total = sessions.reduce((n, s) => n + s.turns, 0);
    const done = scoredTurnPks(db, m.sha256);
    const report: BatchScoreReport = {
      model: { sha256: m.sha256, name: m.name },
      provider: info.provider,
      fallback: info.fallback,
      split: input.split ?? null,
      turns: total,
      scored: 0,
      alreadyScored: 0,
      candidatesScored: 0,
      zeroCandidateTurns: 0,
      truncatedTurns: 0,
      missingFeatures: {},
      maxHistory,
      durationMs: 0,
      turnsPerSecond: 0,
      forgetMs,
    };
    const progress = () =>
      ctx.progress({ phase: 'score', done: report.scored + report.alreadyScored, total, unit: 'turns' });

    const writer = openScoreWriter(this.store, {
      modelSha256: m.sha256,
      groups: m.groups.length,
      maxHistory,
      provider: info.provider,
    });
    type Done = { turn: StoredTurn; a: AssembledTurn; o: TurnOutputs };
    let toWrite: Done[] = [];
    const commit = () => {
      if (!toWrite.length) return;
      writer.write(
        toWrite.map(({ turn, a, o }) => ({
          turnPk: turn.turnPk,
          itemPks: turn.candidates.map((c) => c.itemPk),
          score: o.score,
          groupWeight: o.groupWeight,
          historyWeight: o.historyWeight,
          truncatedSteps: a.report.truncatedSteps,
          filledFeatures: a.report.missingFeatures.reduce((n, f) => n + f.candidates, 0),
        })),
      );
      toWrite = [];
    };

    let pending: { turn: StoredTurn; a: AssembledTurn }[] = [];
    const inflight: Promise<void>[] = [];
    let failure: unknown = null;
    const launch = () => {
      const batch = pending;
      pending = [];
      const p = this.engine
        .score(
          m.sha256,
          batch.map((b) => b.a.tensors),
          dims,
          ctx.signal,
        )
        .then((out) => {
          batch.forEach((b, i) => {
            const o = out.outputs[i]!;
            assertFinite(m, o, [b.turn.turnId]);
            toWrite.push({ ...b, o });
            report.scored++;
            report.candidatesScored += b.turn.candidates.length;
          });
          if (toWrite.length >= COMMIT_TURNS) commit();
          progress();
        })
        .catch((err: unknown) => {
          failure ??= err;
        });
      inflight.push(p);
    };

    try {
      progress();
      let sinceYield = 0;
      for (const s of sessions) {
        if (ctx.signal.aborted || failure) break;
        if (++sinceYield >= 256) {
          sinceYield = 0;
          await yieldLoop();
        }
        if (done.size && this.reader.sessionTurnPks(s.sessionPk).every((pk) => done.has(pk))) {
          report.alreadyScored += s.turns;
          continue;
        }
        for (const turn of this.reader.readSessionTurns(s.sessionPk, s.sessionId, maxHistory)) {
          if (done.has(turn.turnPk)) {
            report.alreadyScored++;
            continue;
          }
          const a = assembleTurn(turn.earlier, turn.query, turn.candidates, spec, {
            maxHistory,
            cache: this.tokens,
            omittedSteps: turn.omittedSteps,
          });
          if (turn.candidates.length === 0) report.zeroCandidateTurns++;
          if (a.report.truncatedSteps > 0) report.truncatedTurns++;
          for (const f of a.report.missingFeatures)
            report.missingFeatures[f.feature] = (report.missingFeatures[f.feature] ?? 0) + f.candidates;
          // A turn with very many candidates runs alone: batching pads every turn to the largest C.
          if (turn.candidates.length > LARGE_TURN && pending.length) launch();
          pending.push({ turn, a });
          if (pending.length >= BATCH_TURNS || turn.candidates.length > LARGE_TURN) {
            launch();
            // Two batches in flight: the worker runs one while this thread assembles the next.
            while (inflight.length >= 2) await inflight.shift();
          }
        }
      }
      if (pending.length && !ctx.signal.aborted && !failure) launch();
      await Promise.all(inflight);
      if (failure) throw failure;
      commit();
      if (ctx.signal.aborted) throw cancelled(report);
    } catch (err) {
      // Keep whatever finished: a later run resumes after it.
      try {
        commit();
      } catch {
        // the original error is the one to report
      }
      if (ctx.signal.aborted) throw cancelled(report);
      throw err;
    } finally {
      writer.close();
    }
    report.durationMs = performance.now() - started;
    report.turnsPerSecond = report.scored / Math.max(1e-9, report.durationMs / 1000);
    return report;
  }

  stored(turnId: string, modelRef: string): StoredTurnScores {
    const m = this.registry.get(modelRef, 'model');
    const turn = this.reader.readTurn(turnId);
    const { scored, rows } = storedTurnScores(this.store.db, m.sha256, turn.turnPk);
    rows.sort((a, b) => b.score - a.score);
    return {
      turnId: turn.turnId,
      model: { sha256: m.sha256, name: m.name },
      scored,
      candidates: rows.map((r, i) => ({
        itemId: r.item_id,
        rank: i + 1,
        score: r.score,
        groupWeight: r.group_weights ? Array.from(new Float32Array(r.group_weights.slice().buffer)) : [],
      })),
    };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

function dimsOf(m: ModelInfo): { Tq: number; Ti: number; F: number } {
  return { Tq: m.tokenizer.queryTokens, Ti: m.tokenizer.titleTokens, F: featureOrder(inputSpec(m)).length };
}

function runtimeOf(sha256: string, name: string, info: LoadInfo): ModelRuntime {
  return {
    sha256,
    name,
    provider: info.provider,
    fallback: info.fallback,
    attempts: info.attempts,
    loadMs: info.loadMs,
  };
}

/** Candidate indexes best first: score descending, ties by logged position. */
export function rankOrder(score: Float32Array, position: (i: number) => number): number[] {
  return Array.from({ length: score.length }, (_, i) => i).sort(
    (a, b) => score[b]! - score[a]! || position(a) - position(b),
  );
}

function assertFinite(m: ModelInfo, o: TurnOutputs, turnIds: string[]): void {
  const bad = nonFinite(o);
  if (!bad.length) return;
  throw new ApiError(
    'invalid_file',
    `model ${m.name} (${m.sha256.slice(0, 12)}) produced non-finite outputs for turn ${turnIds.join(', ')}: ${bad.map((b) => `${b.output} (${b.message})`).join('; ')}. Its weights are likely broken (NaN/Inf); retrain or re-export it.`,
    bad.map((b) => ({ where: `${m.name}: output ${b.output}`, message: b.message })),
  );
}

function cancelled(r: BatchScoreReport): ApiError {
  return new ApiError(
    'cancelled',
    `score.batch cancelled: ${(r.scored + r.alreadyScored).toLocaleString('en')} of ${r.turns.toLocaleString('en')} turns are scored and stored; run it again to resume`,
  );
}

export type { TurnTensors, ProviderName };
