// The model contract validator (docs/model-contract.md). Reads an ONNX file's inputs, outputs and
// metadata_props and returns every way it breaks the contract, each problem naming the input,
// output or metadata key at fault. The inference engine refuses a model unless `ok`.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { TokenizerParams } from '../../src-common/tokenizer.ts';
import { ONNX_DTYPES, readOnnxHeader, type OnnxDim, type OnnxModelHeader } from './onnx-proto.ts';

/** Contract versions this build understands. */
export const SUPPORTED_CONTRACT_VERSIONS = ['1'];
export const MIN_OPSET = 17;
export const ENCODER_KINDS = ['linear', 'softmax', 'flattened'] as const;
export type EncoderKind = (typeof ENCODER_KINDS)[number];

/** metadata_props keys (docs/model-contract.md, "Metadata"). */
export const META_KEYS = {
  contractVersion: 'qgs.contract_version',
  modelName: 'qgs.model_name',
  modelVersion: 'qgs.model_version',
  encoderKind: 'qgs.encoder_kind',
  featureGroups: 'qgs.feature_groups',
  tokenizer: 'qgs.tokenizer',
  trainingDataSha256: 'qgs.training_data_sha256',
} as const;

export interface FeatureGroup {
  name: string;
  features: string[];
}

export interface ModelMeta {
  contractVersion: string;
  modelName: string;
  modelVersion: string;
  encoderKind: EncoderKind;
  featureGroups: FeatureGroup[];
  /** All feature names in candidate_features order (the groups concatenated). */
  featureNames: string[];
  tokenizer: TokenizerParams;
  trainingDataSha256: string;
  opset: number;
  /** Every metadata_props entry as stored (includes keys this build does not know). */
  metadata: Record<string, string>;
}

export interface ValidationResult {
  ok: boolean;
  problems: string[];
  meta?: ModelMeta;
}

type Dim = number | 'B' | 'L' | 'C' | 'Tq' | 'Ti' | 'F' | 'G';
interface TensorSpec {
  name: string;
  dtype: string;
  dims: Dim[];
}

export const CONTRACT_INPUTS: TensorSpec[] = [
  { name: 'history_query_tokens', dtype: 'int64', dims: ['B', 'L', 'Tq'] },
  { name: 'history_item_tokens', dtype: 'int64', dims: ['B', 'L', 'Ti'] },
  { name: 'history_item_ids', dtype: 'int64', dims: ['B', 'L'] },
  { name: 'history_actions', dtype: 'int64', dims: ['B', 'L'] },
  { name: 'history_mask', dtype: 'bool', dims: ['B', 'L'] },
  { name: 'target_query_tokens', dtype: 'int64', dims: ['B', 'Tq'] },
  { name: 'candidate_item_ids', dtype: 'int64', dims: ['B', 'C'] },
  { name: 'candidate_item_tokens', dtype: 'int64', dims: ['B', 'C', 'Ti'] },
  { name: 'candidate_features', dtype: 'float32', dims: ['B', 'C', 'F'] },
  { name: 'candidate_mask', dtype: 'bool', dims: ['B', 'C'] },
];
export const CONTRACT_OUTPUTS: TensorSpec[] = [
  { name: 'score', dtype: 'float32', dims: ['B', 'C'] },
  { name: 'group_weight', dtype: 'float32', dims: ['B', 'C', 'G'] },
  { name: 'history_weight', dtype: 'float32', dims: ['B', 'L'] },
];
const DYNAMIC = new Set<Dim>(['B', 'L', 'C']);

/** Validates the ONNX file at `path` against the model contract. Never throws for a bad file. */
export async function validateModelFile(
  path: string,
  opts: { loadWithRuntime?: boolean } = {},
): Promise<ValidationResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    return { ok: false, problems: [`cannot read the file: ${(err as Error).message}`] };
  }
  const result = validateModelBytes(bytes);
  // The header can be intact while the rest is not: let onnxruntime load the whole graph.
  if (result.ok && opts.loadWithRuntime !== false) {
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        graphOptimizationLevel: 'disabled',
      });
      await session.release();
    } catch (err) {
      return {
        ok: false,
        problems: [`onnxruntime cannot load the model: ${firstLine((err as Error).message)}`],
        meta: result.meta,
      };
    }
  }
  return result;
}

/** The same checks on bytes already in memory (no onnxruntime load). */
export function validateModelBytes(bytes: Uint8Array): ValidationResult {
  let header: OnnxModelHeader;
  try {
    header = readOnnxHeader(bytes);
  } catch (err) {
    return {
      ok: false,
      problems: [`not a readable ONNX model (truncated or corrupt protobuf): ${(err as Error).message}`],
    };
  }
  const problems: string[] = [];
  // External data makes onnxruntime open files named inside the model (any path, relative to the
  // model's folder): a model must be one self-contained file. Refuse before anything loads it.
  if (header.externalTensors.length > 0) {
    const names = header.externalTensors
      .slice(0, 5)
      .map((n) => `"${n}"`)
      .join(', ');
    const more = header.externalTensors.length > 5 ? ` and ${header.externalTensors.length - 5} more` : '';
    problems.push(
      `${header.externalTensors.length > 1 ? 'tensors' : 'tensor'} ${names}${more}: stored in an external data file (data_location = EXTERNAL); the app accepts only self-contained .onnx files — re-export with the weights inside the model (onnx.save(model, path, save_as_external_data=False))`,
    );
  }
  const opset = header.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < MIN_OPSET)
    problems.push(`opset: the model uses ONNX opset ${opset || 'none'}, the contract needs ≥ ${MIN_OPSET}`);

  const meta = readMeta(header, problems);
  const sizes: Partial<Record<Dim, number>> = meta
    ? {
        Tq: meta.tokenizer.queryTokens,
        Ti: meta.tokenizer.titleTokens,
        F: meta.featureNames.length,
        G: meta.featureGroups.length,
      }
    : {};

  // Graph inputs that are initializers (old exporters list them) are not things the app feeds.
  const inputs = header.inputs.filter((i) => !header.initializerNames.has(i.name));
  checkTensors('input', CONTRACT_INPUTS, inputs, sizes, problems);
  checkTensors('output', CONTRACT_OUTPUTS, header.outputs, sizes, problems);
  for (const i of inputs)
    if (!CONTRACT_INPUTS.some((s) => s.name === i.name))
      problems.push(`input "${i.name}": not part of the contract (the app cannot feed it)`);

  if (problems.length === 0 && meta) return { ok: true, problems, meta: { ...meta, opset } };
  return meta ? { ok: false, problems, meta: { ...meta, opset } } : { ok: false, problems };
}

function checkTensors(
  kind: 'input' | 'output',
  specs: TensorSpec[],
  actual: OnnxModelHeader['inputs'],
  sizes: Partial<Record<Dim, number>>,
  problems: string[],
) {
  for (const spec of specs) {
    const got = actual.find((a) => a.name === spec.name);
    if (!got) {
      problems.push(`${kind} "${spec.name}": missing (expected ${spec.dtype} [${spec.dims.join(',')}])`);
      continue;
    }
    const dtype = got.elemType === null ? 'unknown' : (ONNX_DTYPES[got.elemType] ?? `type ${got.elemType}`);
    if (dtype !== spec.dtype) problems.push(`${kind} "${spec.name}": dtype is ${dtype}, expected ${spec.dtype}`);
    if (got.dims === null) continue; // no declared shape: onnxruntime checks at run time
    if (got.dims.length !== spec.dims.length) {
      problems.push(
        `${kind} "${spec.name}": rank is ${got.dims.length} [${got.dims.map(showDim).join(',')}], expected ${spec.dims.length} [${spec.dims.join(',')}]`,
      );
      continue;
    }
    spec.dims.forEach((want, axis) => {
      const d = got.dims![axis]!;
      if (DYNAMIC.has(want)) {
        if (d.value !== undefined && d.param === undefined)
          problems.push(
            `${kind} "${spec.name}": axis ${axis} (${want}) is fixed to ${d.value}, the contract needs it dynamic`,
          );
        return;
      }
      const size = typeof want === 'number' ? want : sizes[want];
      if (size !== undefined && d.value !== undefined && d.value !== size) {
        problems.push(`${kind} "${spec.name}": axis ${axis} (${want}) is ${d.value}, but the metadata says ${size}`);
      }
    });
  }
}

function showDim(d: OnnxDim): string {
  return d.param ?? (d.value !== undefined ? String(d.value) : '?');
}

function readMeta(header: OnnxModelHeader, problems: string[]): Omit<ModelMeta, 'opset'> | null {
  const m = header.metadata;
  const before = problems.length;
  const text = (key: string): string | null => {
    const v = m.get(key);
    if (v === undefined) {
      problems.push(`metadata "${key}": missing`);
      return null;
    }
    if (v.trim() === '') {
      problems.push(`metadata "${key}": empty`);
      return null;
    }
    return v;
  };
  const json = (key: string): unknown => {
    const v = text(key);
    if (v === null) return undefined;
    try {
      return JSON.parse(v);
    } catch (err) {
      problems.push(`metadata "${key}": not valid JSON (${(err as Error).message})`);
      return undefined;
    }
  };

  const contractVersion = text(META_KEYS.contractVersion);
  if (contractVersion !== null && !SUPPORTED_CONTRACT_VERSIONS.includes(contractVersion)) {
    problems.push(
      `metadata "${META_KEYS.contractVersion}": version "${contractVersion}" is not supported (this build reads ${SUPPORTED_CONTRACT_VERSIONS.join(', ')})`,
    );
  }
  const modelName = text(META_KEYS.modelName);
  const modelVersion = text(META_KEYS.modelVersion);
  const encoderKind = text(META_KEYS.encoderKind);
  if (encoderKind !== null && !(ENCODER_KINDS as readonly string[]).includes(encoderKind)) {
    problems.push(`metadata "${META_KEYS.encoderKind}": "${encoderKind}" is not one of ${ENCODER_KINDS.join(', ')}`);
  }
  const sha = text(META_KEYS.trainingDataSha256);
  if (sha !== null && !/^[0-9a-f]{64}$/.test(sha))
    problems.push(
      `metadata "${META_KEYS.trainingDataSha256}": expected 64 lower-case hex digits, got "${sha.slice(0, 80)}"`,
    );

  const groups = parseGroups(json(META_KEYS.featureGroups), problems);
  const tokenizer = parseTokenizer(json(META_KEYS.tokenizer), problems);
  if (problems.length > before || !groups || !tokenizer) return null;
  return {
    contractVersion: contractVersion!,
    modelName: modelName!,
    modelVersion: modelVersion!,
    encoderKind: encoderKind as EncoderKind,
    featureGroups: groups,
    featureNames: groups.flatMap((g) => g.features),
    tokenizer,
    trainingDataSha256: sha!,
    metadata: Object.fromEntries(m),
  };
}

function parseGroups(v: unknown, problems: string[]): FeatureGroup[] | null {
  if (v === undefined) return null;
  const where = `metadata "${META_KEYS.featureGroups}"`;
  if (!Array.isArray(v) || v.length === 0) {
    problems.push(`${where}: expected a non-empty array of {"name", "features"}`);
    return null;
  }
  const groups: FeatureGroup[] = [];
  const seen = new Set<string>();
  let bad = false;
  v.forEach((g: unknown, i) => {
    const o = g as { name?: unknown; features?: unknown };
    if (!o || typeof o !== 'object' || typeof o.name !== 'string' || o.name === '') {
      problems.push(`${where}[${i}]: "name" must be a non-empty string`);
      bad = true;
      return;
    }
    // An empty list is allowed: a model trained on logs without features has one group that is a
    // learned token (trainer/model.py _NoFeatures), and candidate_features is then [B,C,0].
    if (!Array.isArray(o.features) || !o.features.every((f) => typeof f === 'string' && f !== '')) {
      problems.push(`${where}[${i}] ("${o.name}"): "features" must be an array of feature names`);
      bad = true;
      return;
    }
    for (const f of o.features as string[]) {
      if (seen.has(f)) {
        problems.push(`${where}[${i}] ("${o.name}"): feature "${f}" appears more than once`);
        bad = true;
      }
      seen.add(f);
    }
    groups.push({ name: o.name, features: o.features as string[] });
  });
  return bad ? null : groups;
}

function parseTokenizer(v: unknown, problems: string[]): TokenizerParams | null {
  if (v === undefined) return null;
  const where = `metadata "${META_KEYS.tokenizer}"`;
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    problems.push(`${where}: expected an object {tokenBuckets, itemBuckets, queryTokens, titleTokens}`);
    return null;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, number> = {};
  let bad = false;
  for (const [key, min] of [
    ['tokenBuckets', 2],
    ['itemBuckets', 2],
    ['queryTokens', 1],
    ['titleTokens', 1],
  ] as const) {
    const x = o[key];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
      problems.push(`${where}: "${key}" must be an integer ≥ ${min}, got ${JSON.stringify(x)}`);
      bad = true;
    } else out[key] = x;
  }
  return bad ? null : (out as unknown as TokenizerParams);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
