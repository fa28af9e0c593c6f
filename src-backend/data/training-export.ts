// The training export (docs/training-export.md): one query-conditioned example per judged turn —
// the history up to the turn as (query, item, action) steps with boundary kinds, the target query,
// the candidates with features and labels — plus a manifest, written as a folder that appears
// whole or not at all. trainer/training_export.py reads it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../../src-common/errors.ts';
import { historySteps } from '../../src-common/history.ts';
import type { Progress, TrainingExportReport } from '../../src-common/api/types.ts';
import type { Turn } from '../../src-common/api/types.ts';
import { readSession } from '../store/sessions.ts';
import { splitTurnId } from '../store/turn-ids.ts';
import type { Store } from '../store/store.ts';
import { writeLinesAtomically } from './atomic-write.ts';
import { Yielder } from './import-common.ts';
import type { Judgments } from './judgments.ts';

export const TRAINING_SCHEMA_VERSION = 1;

export interface TrainingExportOptions {
  /** Folder the user chose (already checked against the path policy). */
  outDir: string;
  /** Name of the export folder created inside it. */
  name: string;
  /** Replace an earlier export of that name (only once the new one is complete). */
  overwrite: boolean;
  /** Feature groups of the model the export is meant for; else derived from the logged features. */
  featureGroups: { name: string; features: string[] }[] | null;
  workspacePath: string;
  appVersion: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

/** Checks the chosen folder for an export: not the workspace's own folder; the export name free. */
export function checkExportTarget(
  outDir: string,
  name: string,
  workspacePath: string,
  overwrite: boolean,
  field = 'outDir',
): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.endsWith('.partial')) {
    throw new ApiError(
      'invalid_input',
      `name: expected a folder name of letters, digits, '.', '_' and '-' (up to 100), got ${JSON.stringify(name)}`,
      [{ where: 'name', message: 'not a plain folder name' }],
    );
  }
  const wsDir = dirname(existsSync(workspacePath) ? realpathSync(workspacePath) : workspacePath);
  if (realpathSync(outDir) === wsDir) {
    throw new ApiError(
      'invalid_input',
      `${field}: ${outDir} is the workspace's own folder; choose another folder for exports`,
      [{ where: field, message: "the workspace's own folder" }],
    );
  }
  const target = join(outDir, name);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory())
      throw new ApiError('conflict', `${field}: ${target} exists and is not a folder`, [
        { where: 'name', message: 'exists' },
      ]);
    if (!overwrite)
      throw new ApiError('conflict', `${target} already exists; choose another name or overwrite it`, [
        { where: 'name', message: 'exists' },
      ]);
  }
  return target;
}

/** Builds the export in a hidden sibling folder, then renames it into place (replacing an old one last). */
export async function writeFolderAtomically(
  target: string,
  build: (dir: string) => Promise<void>,
  field = 'outDir',
): Promise<void> {
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(8).toString('hex')}.partial`);
  try {
    await mkdir(partial);
  } catch (err) {
    throw new ApiError(
      'invalid_input',
      `${field}: cannot write into ${dirname(target)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      [{ where: field, message: 'not writable' }],
    );
  }
  try {
    await build(partial);
    if (existsSync(target)) {
      const old = `${partial}.old`;
      await rename(target, old);
      await rename(partial, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(partial, target);
    }
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

export async function exportTraining(
  store: Store,
  judgments: Judgments,
  opts: TrainingExportOptions,
): Promise<TrainingExportReport> {
  const started = performance.now();
  const target = checkExportTarget(opts.outDir, opts.name, opts.workspacePath, opts.overwrite);
  // Judged turns grouped by session, so each session is read once.
  const bySession = new Map<string, Map<number, string>>();
  const malformed: string[] = [];
  for (const turnId of judgments.byTurn.keys()) {
    const parts = splitTurnId(turnId);
    if (!parts) {
      malformed.push(turnId);
      continue;
    }
    let m = bySession.get(parts.sessionId);
    if (!m) bySession.set(parts.sessionId, (m = new Map()));
    m.set(parts.index, turnId);
  }
  if (judgments.byTurn.size === 0) {
    throw new ApiError('invalid_input', `${judgments.source} has no judgments: label some turns first`, [
      { where: 'source', message: 'no judgments' },
    ]);
  }

  const report: TrainingExportReport = {
    path: target,
    files: { examples: join(target, 'training.jsonl'), manifest: join(target, 'manifest.json') },
    examples: 0,
    candidates: 0,
    labelledCandidates: 0,
    source: judgments.source,
    featureGroups: [],
    turnsNotInWorkspace: 0,
    turnsNotInWorkspaceSample: [],
    itemsNotInTurn: 0,
    examplesSha256: '',
    durationMs: 0,
  };
  const missing = (...turnIds: string[]) => {
    report.turnsNotInWorkspace += turnIds.length;
    report.turnsNotInWorkspaceSample.push(
      ...turnIds.slice(0, Math.max(0, 20 - report.turnsNotInWorkspaceSample.length)),
    );
  };
  missing(...malformed);
  const featureNames = new Set<string>();
  const hash = createHash('sha256');
  const yielder = new Yielder();
  const total = bySession.size;
  let done = 0;

  async function* lines(): AsyncGenerator<string> {
    for (const [sessionId, judgedTurns] of bySession) {
      if (opts.signal?.aborted)
        throw new ApiError('cancelled', 'the training export was cancelled; nothing was written');
      await yielder.maybe();
      opts.onProgress?.({ phase: 'exporting', done: done++, total, unit: 'sessions' });
      const s = readSession(store.db, sessionId);
      if (!s) {
        missing(...judgedTurns.values());
        continue;
      }
      const steps = historySteps(s.turns, (t: Turn) =>
        t.results
          .filter((r) => r.click)
          .map((r) => ({ itemId: r.itemId, title: r.title, position: r.position, dwellMs: r.dwellMs })),
      );
      const byIndex = new Map(s.turns.map((t, pos) => [t.index, pos] as const));
      for (const [index, turnId] of [...judgedTurns].sort((a, b) => a[0] - b[0])) {
        const pos = byIndex.get(index);
        if (pos === undefined) {
          missing(turnId);
          continue;
        }
        const turn = s.turns[pos]!;
        const judged = judgments.byTurn.get(turnId)!;
        const logged = new Set(turn.results.map((r) => r.itemId));
        for (const itemId of judged.keys()) if (!logged.has(itemId)) report.itemsNotInTurn++;
        if (!turn.results.some((r) => judged.has(r.itemId))) continue;
        const candidates = turn.results.map((r) => {
          const j = judged.get(r.itemId);
          for (const f of Object.keys(r.features)) featureNames.add(f);
          if (j) report.labelledCandidates++;
          return {
            item_id: r.itemId,
            title: r.title,
            position: r.position,
            click: r.click,
            dwell_ms: r.dwellMs,
            features: r.features,
            label: j?.label ?? null,
            gain: j?.gain ?? null,
            ...(j ? { judgments: { annotators: j.annotators, values: j.values, adjudicated: false } } : {}),
          };
        });
        report.candidates += candidates.length;
        const example = {
          v: TRAINING_SCHEMA_VERSION,
          turn_id: turnId,
          session_id: s.sessionId,
          user_id: s.userId,
          split: s.split,
          turn: turn.index,
          ts: turn.ts,
          boundary: turn.boundary,
          query: turn.query,
          history: steps
            .filter((st) => st.turnPos < pos)
            .map((st) => {
              const from = s.turns[st.turnPos]!;
              return {
                turn: st.turnIndex,
                step: st.step,
                query: from.query,
                boundary: from.boundary,
                item_id: st.itemId,
                title: st.itemId === null ? null : st.title,
                position: st.position,
                action: st.action,
                dwell_ms: st.dwellMs,
              };
            }),
          candidates,
        };
        const line = JSON.stringify(example);
        hash.update(line + '\n');
        report.examples++;
        yield line;
      }
    }
  }

  await writeFolderAtomically(target, async (dir) => {
    await writeLinesAtomically(join(dir, 'training.jsonl'), lines());
    if (report.examples === 0) {
      throw new ApiError(
        'invalid_input',
        `${judgments.source}: none of its judged turns is in this workspace with a judged logged candidate; nothing was exported`,
        [
          {
            where: 'source',
            message: `${report.turnsNotInWorkspace} turns not in the workspace, ${report.itemsNotInTurn} judged items not among their turn's results`,
          },
        ],
      );
    }
    report.examplesSha256 = hash.digest('hex');
    const names = [...featureNames].sort();
    report.featureGroups =
      opts.featureGroups ??
      (names.length ? [{ name: 'features', features: names }] : [{ name: 'ids_only', features: [] }]);
    const manifest = {
      v: TRAINING_SCHEMA_VERSION,
      kind: 'qgs-training-export',
      created_at: new Date().toISOString(),
      app_version: opts.appVersion,
      workspace: basename(opts.workspacePath),
      grades_source: judgments.source,
      scale: judgments.scale,
      annotators: judgments.annotators,
      feature_groups: report.featureGroups,
      examples: report.examples,
      candidates: report.candidates,
      labelled_candidates: report.labelledCandidates,
      turns_not_in_workspace: report.turnsNotInWorkspace,
      items_not_in_turn: report.itemsNotInTurn,
      examples_sha256: report.examplesSha256,
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n', { flag: 'wx' });
  });
  opts.onProgress?.({ phase: 'exporting', done: total, total, unit: 'sessions' });
  report.durationMs = performance.now() - started;
  return report;
}
