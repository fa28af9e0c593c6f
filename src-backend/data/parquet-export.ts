// Parquet export for data tools (Spark, Pandas, DuckDB): turns, logged results with their features,
// labels (every qrels set and every current label) and every model's stored scores, one file each
// in a folder that appears whole or not at all (docs/training-export.md). Written with
// hyparquet-writer: pure JavaScript (no native module to unpack from the app archive), streamed
// in row groups so memory stays flat whatever the workspace size.
import { join } from 'node:path';
import { ParquetWriter, schemaFromColumnData, type BasicType } from 'hyparquet-writer';
import { fileWriter } from 'hyparquet-writer/src/node.js';
import { ApiError } from '../../src-common/errors.ts';
import type { ParquetExportReport, Progress } from '../../src-common/api/types.ts';
import type { ModelSummary } from '../../src-common/api/contract.ts';
import { FeatureSetReader, featureNames } from '../store/features.ts';
import { qrelsEntries, qrelsSetNames } from '../store/qrels.ts';
import { eachStoredScore } from '../store/scores.ts';
import { eachResultForExport, sessionCounts } from '../store/sessions.ts';
import { allAdjudications, labelRows } from '../store/labels/labels.ts';
import type { Judgments } from './judgments.ts';
import { parseGradesSource } from '../../src-common/api/labeling-types.ts';
import type { LabelsDb } from '../store/labels/db.ts';
import { formatTurnId } from '../store/turn-ids.ts';
import type { Store } from '../store/store.ts';
import { Yielder } from './import-common.ts';
import { checkExportTarget, writeFolderAtomically } from './training-export.ts';

const ROW_GROUP = 50_000;

type Cell = string | number | boolean | null;
interface Column {
  name: string;
  type: BasicType;
  nullable: boolean;
}

/** One Parquet file written a row group at a time. */
class ParquetTable {
  private readonly writer: ParquetWriter;
  private readonly columns: Column[];
  private buffers: Cell[][];
  rows = 0;
  constructor(path: string, columns: Column[], kv: Record<string, string>) {
    this.columns = columns;
    this.buffers = columns.map(() => []);
    const schema = schemaFromColumnData({
      columnData: columns.map((c) => ({ name: c.name, data: [], type: c.type, nullable: c.nullable })),
    });
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema,
      kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
      createdBy: 'qgs-workbench (hyparquet-writer)',
    });
  }
  push(row: Cell[]): void {
    for (let i = 0; i < row.length; i++) this.buffers[i]!.push(row[i]!);
    this.rows++;
    if (this.buffers[0]!.length >= ROW_GROUP) this.flush();
  }
  private flush(): void {
    if (this.buffers[0]!.length === 0) return;
    this.writer.write({
      columnData: this.columns.map((c, i) => ({
        name: c.name,
        data: this.buffers[i]!,
        type: c.type,
        nullable: c.nullable,
      })),
      rowGroupSize: this.buffers[0]!.length,
    });
    this.buffers = this.columns.map(() => []);
  }
  finish(): void {
    this.flush();
    this.writer.finish();
  }
}

const col = (name: string, type: BasicType, nullable = false): Column => ({ name, type, nullable });

export interface ParquetExportOptions {
  outDir: string;
  name: string;
  overwrite: boolean;
  workspacePath: string;
  models: ModelSummary[];
  labels: LabelsDb;
  /** Extra grades sources (e.g. a task's consensus), resolved before anything is written: one labels row per judged item. */
  judgments?: Judgments[];
  signal?: AbortSignal | undefined;
  onProgress?: ((p: Progress) => void) | undefined;
}

/** Feature columns are `f_<name>` (DOUBLE, null where the result has no value). */
export const FEATURE_PREFIX = 'f_';

export async function exportParquet(store: Store, opts: ParquetExportOptions): Promise<ParquetExportReport> {
  const started = performance.now();
  const target = checkExportTarget(opts.outDir, opts.name, opts.workspacePath, opts.overwrite);
  const kv = { 'qgs.export': 'parquet-v1', 'qgs.workspace': opts.workspacePath.split(/[\\/]/).pop() ?? '' };
  const yielder = new Yielder();
  const cancelled = () => {
    if (opts.signal?.aborted) throw new ApiError('cancelled', 'the Parquet export was cancelled; nothing was written');
  };
  const report: ParquetExportReport = {
    path: target,
    files: {
      turns: join(target, 'turns.parquet'),
      results: join(target, 'results.parquet'),
      labels: join(target, 'labels.parquet'),
      scores: join(target, 'scores.parquet'),
    },
    rows: { turns: 0, results: 0, labels: 0, scores: 0 },
    featureColumns: [],
    durationMs: 0,
  };
  const totalRows = sessionCounts(store.db).resultRows;
  await writeFolderAtomically(target, async (dir) => {
    // turns + results in one pass over the log.
    const names = featureNames(store.db);
    report.featureColumns = names.map((n) => FEATURE_PREFIX + n);
    const slot = new Map(names.map((n, i) => [n, i] as const));
    const turns = new ParquetTable(
      join(dir, 'turns.parquet'),
      [
        col('turn_id', 'STRING'),
        col('session_id', 'STRING'),
        col('user_id', 'STRING'),
        col('split', 'STRING', true),
        col('turn', 'INT32'),
        col('ts', 'STRING'),
        col('query', 'STRING'),
        col('boundary', 'STRING'),
        col('results', 'INT32'),
        col('clicks', 'INT32'),
      ],
      kv,
    );
    const results = new ParquetTable(
      join(dir, 'results.parquet'),
      [
        col('turn_id', 'STRING'),
        col('item_id', 'STRING'),
        col('title', 'STRING'),
        col('position', 'INT32'),
        col('click', 'BOOLEAN'),
        col('dwell_ms', 'INT32', true),
        ...names.map((n) => col(FEATURE_PREFIX + n, 'DOUBLE', true)),
      ],
      kv,
    );
    const fs = new FeatureSetReader(store.db);
    interface TurnAcc {
      id: string;
      row: Cell[];
      results: number;
      clicks: number;
    }
    let turn: TurnAcc | null = null;
    const endTurn = (t: TurnAcc | null) => {
      if (t) turns.push([...t.row, t.results, t.clicks]);
    };
    // Per feature set: which column each stored value goes to (decoded in place, no object per row).
    const slotsOf = new Map<number, number[]>();
    const slots = (setId: number) => {
      let s = slotsOf.get(setId);
      if (!s) slotsOf.set(setId, (s = fs.names(setId).map((name) => slot.get(name)!)));
      return s;
    };
    let n = 0;
    let lastSession = '';
    let lastIdx = -1;
    for (const r of eachResultForExport(store.db)) {
      if (turn === null || r.session_id !== lastSession || r.idx !== lastIdx) {
        endTurn(turn);
        lastSession = r.session_id;
        lastIdx = r.idx;
        const id = formatTurnId(r.session_id, r.idx);
        turn = {
          id,
          row: [id, r.session_id, r.user_id, r.split, r.idx, r.ts, r.query, r.boundary],
          results: 0,
          clicks: 0,
        };
      }
      if (r.position === null) continue;
      turn.results++;
      if (r.click === 1) turn.clicks++;
      const row: Cell[] = [turn.id, r.item_id!, r.title ?? '', r.position, r.click === 1, r.dwell_ms];
      for (let i = 0; i < names.length; i++) row.push(null);
      const blob = r.features!;
      if (blob.byteLength > 0) {
        const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
        const to = slots(r.feature_set!);
        for (let i = 0; i < to.length; i++) row[6 + to[i]!] = view.getFloat64(i * 8, true);
      }
      results.push(row);
      if (++n % 5000 === 0) {
        cancelled();
        opts.onProgress?.({ phase: 'results', done: n, total: totalRows, unit: 'rows' });
        await yielder.maybe();
      }
    }
    endTurn(turn);
    turns.finish();
    results.finish();
    report.rows.turns = turns.rows;
    report.rows.results = results.rows;

    // labels: every qrels set, then every current label.
    const labels = new ParquetTable(
      join(dir, 'labels.parquet'),
      [
        col('source', 'STRING'),
        col('turn_id', 'STRING'),
        col('item_id', 'STRING'),
        col('value', 'INT32'),
        col('gain', 'DOUBLE'),
        col('annotator_id', 'STRING', true),
        col('task_id', 'INT32', true),
        col('scale', 'STRING'),
        col('labelled_at', 'STRING', true),
      ],
      kv,
    );
    for (const set of qrelsSetNames(store.db)) {
      for (const q of qrelsEntries(store.db, set))
        labels.push([`qrels:${set}`, q.qid, q.docno, q.grade, Math.max(q.grade, 0), null, null, `qrels:${set}`, null]);
      cancelled();
      await yielder.maybe();
    }
    for (const l of labelRows(opts.labels, 'all'))
      labels.push(['labels', l.turnId, l.itemId, l.value, l.gain, l.annotatorId, l.taskId, l.scale, l.at]);
    // A lead's final grades (docs/agreement.md): annotator_id is the lead.
    for (const a of allAdjudications(opts.labels))
      labels.push(['adjudication', a.turnId, a.itemId, a.value, a.gain, a.annotatorId, a.taskId, a.scale, a.at]);
    for (const j of opts.judgments ?? []) {
      const p = parseGradesSource(j.source);
      const taskId = p.kind === 'task' || p.kind === 'consensus' ? p.taskId : null;
      for (const [turnId, items] of j.byTurn)
        for (const [itemId, g] of items)
          labels.push([j.source, turnId, itemId, g.label, g.gain, null, taskId, j.scale.name, null]);
      cancelled();
      await yielder.maybe();
    }
    labels.finish();
    report.rows.labels = labels.rows;

    // scores: every registered model's stored batch scores, with the model's rank per turn.
    const scores = new ParquetTable(
      join(dir, 'scores.parquet'),
      [
        col('model_sha256', 'STRING'),
        col('model_name', 'STRING'),
        col('turn_id', 'STRING'),
        col('item_id', 'STRING'),
        col('score', 'DOUBLE'),
        col('rank', 'INT32'),
      ],
      kv,
    );
    for (const m of opts.models) {
      let last = '';
      let rank = 0;
      for (const s of eachStoredScore(store.db, m.sha256)) {
        const id = formatTurnId(s.session_id, s.idx);
        rank = id === last ? rank + 1 : 1;
        last = id;
        scores.push([m.sha256, m.name, id, s.item_id, s.score, rank]);
        if (scores.rows % 5000 === 0) {
          cancelled();
          await yielder.maybe();
        }
      }
    }
    scores.finish();
    report.rows.scores = scores.rows;
    cancelled();
  });
  report.durationMs = performance.now() - started;
  return report;
}
