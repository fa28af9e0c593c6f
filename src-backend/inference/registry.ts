// The model registry (docs/inference.md, "Model registry"): models are identified by the sha256 of
// their ONNX file, validated against the model contract before they are accepted (the validator's
// problems come back as an ApiError), kept in the workspace's `models` table with their metadata.
// A user-added file is copied into <workspace folder>/models/<sha256>.onnx so a later edit or move
// of the original cannot change what a sha256 means; the shipped models are referenced in place.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ApiError, type Problem } from '../../src-common/errors.ts';
import type { ModelSummary } from '../../src-common/api/contract.ts';
import type { TokenizerParams } from '../../src-common/tokenizer.ts';
import type { Store } from '../store/store.ts';
import {
  deleteModelRow,
  insertModelRow,
  listModelRows,
  modelRow,
  modelRowsByPrefix,
  renameModelRow,
  type ModelRow,
} from '../store/models.ts';
import type { ModelInputSpec } from './assemble.ts';
import type { ValidationResult } from './contract.ts';

export type { ValidationResult };

/** A registered model, exactly as the API reports it. */
export type ModelInfo = ModelSummary;

export type Validator = (path: string) => ValidationResult | Promise<ValidationResult>;

/** The validator from contract.ts, loaded on first use. */
async function defaultValidator(path: string): Promise<ValidationResult> {
  const { validateModelFile } = await import('./contract.ts');
  return validateModelFile(path);
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function problemOf(p: string, file: string): Problem {
  // The validator's problems read 'input "x": …' / 'metadata "k": …': keep that as the where.
  const m = /^([^:]{1,160}): (.+)$/s.exec(p);
  return m ? { where: `${file}: ${m[1]}`, message: m[2]! } : { where: file, message: p };
}

function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function pick(o: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

/**
 * The validator's `meta` → what the registry stores. Accepts the parsed form (camelCase fields) or
 * the raw metadata_props map (`qgs.*` keys, JSON values).
 */
export function describeMeta(meta: unknown): Omit<ModelInfo, 'sha256' | 'filePath' | 'bytes' | 'addedAt' | 'shipped'> {
  const o = (meta && typeof meta === 'object' ? meta : {}) as Record<string, unknown>;
  const raw = (pick(o, 'metadata', 'metadataProps', 'props', 'raw') ?? o) as Record<string, unknown>;
  const get = (...keys: string[]) => parseMaybeJson(pick(o, ...keys) ?? pick(raw, ...keys.map((k) => `qgs.${k}`)));
  const groupsRaw = get('featureGroups', 'feature_groups', 'groups');
  const groups = Array.isArray(groupsRaw)
    ? groupsRaw.map((g) =>
        Array.isArray(g)
          ? { name: String(g[0]), features: (g[1] as unknown[]).map(String) }
          : {
              name: String((g as { name: unknown }).name),
              features: ((g as { features: unknown[] }).features ?? []).map(String),
            },
      )
    : [];
  const tok = (get('tokenizer') ?? {}) as Record<string, unknown>;
  const tokenizer: TokenizerParams = {
    tokenBuckets: Number(pick(tok, 'tokenBuckets', 'token_buckets')),
    itemBuckets: Number(pick(tok, 'itemBuckets', 'item_buckets')),
    queryTokens: Number(pick(tok, 'queryTokens', 'query_tokens')),
    titleTokens: Number(pick(tok, 'titleTokens', 'title_tokens')),
  };
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') metadata[k] = v;
  return {
    name: String(get('modelName', 'model_name', 'name') ?? ''),
    version: String(get('modelVersion', 'model_version', 'version') ?? ''),
    encoder: String(get('encoderKind', 'encoder_kind', 'encoder') ?? ''),
    contractVersion: String(get('contractVersion', 'contract_version') ?? ''),
    groups,
    tokenizer,
    metadata,
  };
}

export function inputSpec(m: ModelInfo): ModelInputSpec {
  return { tokenizer: m.tokenizer, groups: m.groups };
}

export class ModelRegistry {
  private readonly store: Store;
  private readonly modelsDir: string;
  private readonly shippedDir: string;
  private readonly validate: Validator;

  constructor(store: Store, opts: { modelsDir: string; shippedDir: string; validate?: Validator }) {
    this.store = store;
    this.modelsDir = opts.modelsDir;
    this.shippedDir = opts.shippedDir;
    this.validate = opts.validate ?? defaultValidator;
  }

  /** Parsed rows by sha256: every score request looks its models up; parse JSON and stat once per row version. */
  private readonly infoCache = new Map<string, { row: ModelRow; info: ModelInfo }>();

  private toInfo(r: ModelRow): ModelInfo {
    const hit = this.infoCache.get(r.sha256);
    if (
      hit &&
      hit.row.name === r.name &&
      hit.row.metadata === r.metadata &&
      hit.row.file_path === r.file_path &&
      hit.row.version === r.version &&
      hit.row.encoder === r.encoder &&
      hit.row.added_at === r.added_at
    )
      return hit.info;
    const info = this.parseRow(r);
    this.infoCache.set(r.sha256, { row: r, info });
    return info;
  }

  private parseRow(r: ModelRow): ModelInfo {
    const stored = JSON.parse(r.metadata) as {
      info: Omit<ModelInfo, 'sha256' | 'filePath' | 'bytes' | 'addedAt' | 'shipped' | 'name'>;
      bytes: number;
      shipped: boolean;
    };
    let filePath = r.file_path ?? join(this.modelsDir, `${r.sha256}.onnx`);
    if (!existsSync(filePath) && existsSync(join(this.modelsDir, `${r.sha256}.onnx`)))
      filePath = join(this.modelsDir, `${r.sha256}.onnx`);
    return {
      ...stored.info,
      sha256: r.sha256,
      name: r.name,
      version: r.version,
      encoder: r.encoder,
      filePath,
      bytes: stored.bytes,
      addedAt: r.added_at,
      shipped: stored.shipped,
    };
  }

  list(): ModelInfo[] {
    return listModelRows(this.store.db).map((r) => this.toInfo(r));
  }

  /** A model by full sha256 or a unique prefix of ≥ 8 hex digits. */
  get(ref: string, where = 'model'): ModelInfo {
    const key = ref.toLowerCase();
    if (!/^[0-9a-f]{8,64}$/.test(key)) {
      throw new ApiError(
        'invalid_input',
        `${where}: ${JSON.stringify(ref)} is not a model sha256 (64 hex digits, or a unique prefix of at least 8)`,
        [{ where, message: `expected a sha256 or a prefix of ≥ 8 hex digits, got ${JSON.stringify(ref)}` }],
      );
    }
    const rows = modelRowsByPrefix(this.store.db, key, 2);
    if (rows.length === 0)
      throw new ApiError(
        'not_found',
        `${where}: no model ${ref} in this workspace (models.list shows the registered ones)`,
        [{ where, message: `unknown model ${ref}` }],
      );
    if (rows.length > 1)
      throw new ApiError('invalid_input', `${where}: ${ref} matches more than one model; give more digits`, [
        { where, message: `ambiguous prefix ${ref}` },
      ]);
    return this.toInfo(rows[0]!);
  }

  /** Validates and registers a model file. Adding a file already registered returns it unchanged. */
  async add(
    path: string,
    opts: { name?: string; shipped?: boolean } = {},
  ): Promise<ModelInfo & { alreadyRegistered: boolean }> {
    let bytes: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a regular file');
      bytes = st.size;
    } catch (err) {
      throw new ApiError('not_found', `model file ${path} cannot be read: ${(err as Error).message}`, [
        { where: 'path', message: (err as Error).message },
      ]);
    }
    const sha256 = sha256File(path);
    const existing = modelRow(this.store.db, sha256);
    if (existing) return { ...this.toInfo(existing), alreadyRegistered: true };

    let result: ValidationResult;
    try {
      result = await this.validate(path);
    } catch (err) {
      throw new ApiError('invalid_file', `${basename(path)} is not a readable ONNX model: ${(err as Error).message}`, [
        { where: path, message: (err as Error).message },
      ]);
    }
    if (!result.ok) {
      const problems = (result.problems.length ? result.problems : ['rejected by the contract validator']).map((p) =>
        problemOf(p, basename(path)),
      );
      throw new ApiError(
        'invalid_file',
        `${basename(path)} does not fit the model contract (docs/model-contract.md): ${problems.length} problem${problems.length === 1 ? '' : 's'}, first: ${problems[0]!.where}: ${problems[0]!.message}`,
        problems,
      );
    }
    const info = describeMeta(result.meta);
    const missing: Problem[] = [];
    if (!info.groups.length) missing.push({ where: 'metadata qgs.feature_groups', message: 'no feature groups' });
    for (const [k, v] of Object.entries(info.tokenizer))
      if (!Number.isInteger(v) || v < 1)
        missing.push({ where: `metadata qgs.tokenizer.${k}`, message: `expected a positive integer, got ${v}` });
    if (missing.length)
      throw new ApiError(
        'invalid_file',
        `${basename(path)}: the validator accepted it but its metadata lacks what scoring needs`,
        missing,
      );

    let filePath = path;
    if (!opts.shipped) {
      mkdirSync(this.modelsDir, { recursive: true });
      filePath = join(this.modelsDir, `${sha256}.onnx`);
      if (!existsSync(filePath)) {
        copyFileSync(path, `${filePath}.partial`);
        renameSync(`${filePath}.partial`, filePath);
      }
    }
    const name = opts.name?.trim() || info.name || basename(path).replace(/\.onnx$/i, '');
    const { name: _n, version, encoder, ...rest } = info;
    const addedAt = new Date().toISOString();
    insertModelRow(this.store.db, {
      sha256,
      name,
      version,
      encoder,
      metadata: JSON.stringify({ info: { version, encoder, ...rest }, bytes, shipped: !!opts.shipped }),
      file_path: filePath,
      added_at: addedAt,
    });
    return { ...this.get(sha256), alreadyRegistered: false };
  }

  rename(ref: string, name: string): ModelInfo {
    const m = this.get(ref, 'sha256');
    renameModelRow(this.store.db, m.sha256, name);
    return this.get(m.sha256);
  }

  /** Removes a model and (by cascade) its stored scores; the copied file is deleted too. */
  remove(ref: string): { sha256: string; name: string; scoresDeleted: number } {
    const m = this.get(ref, 'sha256');
    const { scoresDeleted } = deleteModelRow(this.store.db, m.sha256);
    // The copy is content-addressed and may be shared by another workspace in the same folder: keep it.
    return { sha256: m.sha256, name: m.name, scoresDeleted };
  }

  /** Registers every resources/models/*.onnx not registered yet (the demo workspace's models). */
  async registerShipped(): Promise<(ModelInfo & { alreadyRegistered: boolean })[]> {
    if (!existsSync(this.shippedDir)) return [];
    const files = readdirSync(this.shippedDir)
      .filter((f) => f.endsWith('.onnx'))
      .sort();
    const out: (ModelInfo & { alreadyRegistered: boolean })[] = [];
    for (const f of files) out.push(await this.add(join(this.shippedDir, f), { shipped: true }));
    return out;
  }

  /** The file to load for a model, checked against its sha256 (a changed file is refused). */
  verifiedPath(m: ModelInfo): string {
    if (!existsSync(m.filePath)) {
      throw new ApiError(
        'not_found',
        `model ${m.name} (${m.sha256.slice(0, 12)}): its file ${m.filePath} is missing; add the model again`,
        [{ where: m.filePath, message: 'file missing' }],
      );
    }
    const actual = sha256File(m.filePath);
    if (actual !== m.sha256) {
      throw new ApiError(
        'conflict',
        `model ${m.name}: ${m.filePath} changed on disk since it was registered (sha256 ${actual.slice(0, 12)}…, registered ${m.sha256.slice(0, 12)}…); add the new file as a new model`,
        [{ where: m.filePath, message: 'sha256 mismatch' }],
      );
    }
    return m.filePath;
  }
}

export function defaultModelsDir(workspacePath: string): string {
  return join(dirname(workspacePath), 'models');
}
