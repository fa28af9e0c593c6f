// The workspace's feature spec (docs/features.md): the feature groups, which features depend on the
// query and how ("qgs-text-v1": the app recomputes them with src-common/features.ts; "logged": it
// cannot), and the corpus statistics BM25 needs. Parsed and validated here, with errors naming the
// file and the field; stored (normalised) in the workspace by the settings owner; read back (cached
// by its stored text) when a counterfactual edits a query.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import {
  TEXT_FEATURES,
  TEXT_FEATURES_VERSION,
  textStatsFromJson,
  textStatsToJson,
  type TextStats,
  type TextStatsJson,
} from '../../src-common/features.ts';
import { QUERY_DEPENDENCE, type FeatureSpecInfo, type QueryDependence } from '../../src-common/api/contract.ts';
import { ApiError } from '../../src-common/errors.ts';
import { readFeatureSpecRev, readFeatureSpecText, writeFeatureSpecText } from '../store/settings.ts';

/** The contract's formula name and the feature module's version are the same string. */
const FORMULA: QueryDependence = TEXT_FEATURES_VERSION satisfies QueryDependence;

export interface FeatureSpec {
  /** 1: groups only (the old `{groups}` form): which features depend on the query is unknown. */
  version: 1 | 2;
  groups: { name: string; features: string[] }[];
  /** Feature → how it depends on the query; features not listed do not. null for version 1 (unknown). */
  queryDependence: ReadonlyMap<string, QueryDependence> | null;
  /** Corpus statistics for the qgs-text-v1 features; null when none are listed. */
  textStats: TextStats | null;
}

/** A spec as the workspace keeps it: the spec and where it came from. */
export interface StoredFeatureSpec {
  spec: FeatureSpec;
  source: string;
  importedAt: string;
}

interface SpecJson {
  version: 1 | 2;
  groups: { name: string; features: string[] }[];
  queryDependence?: Record<string, QueryDependence>;
  textStats?: TextStatsJson;
}

const TOP_LEVEL = new Set(['version', 'groups', 'queryDependence', 'textStats']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a feature spec file's text. Accepts version 2 and the old `{groups}` form (version 1, or no
 * version): the latter is "no query dependence known". Throws ApiError('invalid_file') naming
 * `file: field` for the first thing that is wrong.
 */
export function parseFeatureSpec(text: string, file: string): FeatureSpec {
  const fail = (field: string, message: string): never => {
    throw new ApiError('invalid_file', `${file}: ${field}: ${message}`, [{ where: `${file}:${field}`, message }]);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const message = `not valid JSON (${err instanceof Error ? err.message : String(err)})`;
    throw new ApiError('invalid_file', `${file}: ${message}`, [{ where: file, message }]);
  }
  if (!isObject(raw)) return fail('(top level)', 'expected an object {"version": 2, "groups": [...], ...}');
  for (const key of Object.keys(raw))
    if (!TOP_LEVEL.has(key)) fail(key, `unknown field; a feature spec has ${[...TOP_LEVEL].join(', ')}`);
  const version = raw['version'] ?? 1;
  if (version !== 1 && version !== 2)
    fail('version', `expected 2 (or 1 for groups only), got ${JSON.stringify(version)}`);

  const groupsRaw = raw['groups'];
  if (!Array.isArray(groupsRaw) || groupsRaw.length === 0)
    fail('groups', 'must be a non-empty array of {name, features}');
  const groups: FeatureSpec['groups'] = [];
  const groupOf = new Map<string, string>();
  (groupsRaw as unknown[]).forEach((g, gi) => {
    const at = `groups[${gi}]`;
    if (!isObject(g)) fail(at, 'must be an object {name, features}');
    const { name, features } = g as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') fail(`${at}.name`, 'must be a non-empty string');
    if (groups.some((x) => x.name === name)) fail(`${at}.name`, `duplicate group name ${JSON.stringify(name)}`);
    if (!Array.isArray(features) || features.length === 0) fail(`${at}.features`, 'must be a non-empty array of names');
    const names: string[] = [];
    (features as unknown[]).forEach((f, fi) => {
      if (typeof f !== 'string' || f.trim() === '') fail(`${at}.features[${fi}]`, 'must be a non-empty string');
      const other = groupOf.get(f as string);
      if (other !== undefined)
        fail(`${at}.features[${fi}]`, `${JSON.stringify(f)} is already in group ${JSON.stringify(other)}`);
      groupOf.set(f as string, name as string);
      names.push(f as string);
    });
    groups.push({ name: name as string, features: names });
  });

  if (version === 1) {
    for (const k of ['queryDependence', 'textStats'])
      if (k in raw) fail(k, 'only in a version 2 spec: add "version": 2');
    return { version: 1, groups, queryDependence: null, textStats: null };
  }

  const qdRaw = raw['queryDependence'];
  if (!isObject(qdRaw))
    return fail(
      'queryDependence',
      'required in version 2: an object naming each query-dependent feature ({} when none depends on the query)',
    );
  const queryDependence = new Map<string, QueryDependence>();
  for (const [feature, formula] of Object.entries(qdRaw)) {
    const at = `queryDependence.${feature}`;
    if (!(QUERY_DEPENDENCE as readonly unknown[]).includes(formula))
      fail(
        at,
        `unknown formula ${JSON.stringify(formula)}; expected ${QUERY_DEPENDENCE.map((q) => `"${q}"`).join(' or ')}`,
      );
    if (!groupOf.has(feature)) fail(at, `${JSON.stringify(feature)} is not a feature of any group`);
    if (formula === FORMULA && !(TEXT_FEATURES as readonly string[]).includes(feature))
      fail(
        at,
        `"${FORMULA}" computes only ${TEXT_FEATURES.join(', ')}; a feature the app cannot compute from text is "logged"`,
      );
    queryDependence.set(feature, formula as QueryDependence);
  }
  const needsStats = [...queryDependence].filter(([, f]) => f === FORMULA).map(([n]) => n);
  let textStats: TextStats | null = null;
  if (raw['textStats'] !== undefined) {
    try {
      textStats = textStatsFromJson(raw['textStats'], 'textStats');
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const colon = msg.indexOf(': ');
      fail(colon > 0 ? msg.slice(0, colon) : 'textStats', colon > 0 ? msg.slice(colon + 2) : msg);
    }
  } else if (needsStats.length) {
    fail(
      'textStats',
      `required: ${needsStats.join(', ')} ${needsStats.length === 1 ? 'is' : 'are'} "${FORMULA}", whose BM25 needs the corpus statistics`,
    );
  }
  return { version: 2, groups, queryDependence, textStats };
}

function specToJson(spec: FeatureSpec): SpecJson {
  const out: SpecJson = { version: spec.version, groups: spec.groups };
  if (spec.queryDependence) out.queryDependence = Object.fromEntries(spec.queryDependence);
  if (spec.textStats) out.textStats = textStatsToJson(spec.textStats);
  return out;
}

/** Validates the file and makes it the workspace's spec; on any error nothing is stored. */
export function setWorkspaceFeatureSpec(db: DatabaseSync, path: string): FeatureSpecInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ApiError('not_found', `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, [
      { where: 'path', message: 'cannot be read' },
    ]);
  }
  const spec = parseFeatureSpec(text, path);
  const stored: StoredFeatureSpec = { spec, source: path, importedAt: new Date().toISOString() };
  const doc = JSON.stringify({ source: stored.source, importedAt: stored.importedAt, spec: specToJson(spec) });
  const rev = createHash('sha256').update(doc).digest('hex').slice(0, 16);
  writeFeatureSpecText(db, doc, rev);
  cache.set(db, { rev, stored });
  return featureSpecInfo(stored);
}

// Parsed spec per open database, keyed by the stored revision tag: the document (up to MBs with a
// large df table) is read and parsed again only when it changed — also when another process (the
// CLI) replaced it while this one runs. Each counterfactual reads only the tag.
const cache = new WeakMap<DatabaseSync, { rev: string; stored: StoredFeatureSpec }>();

/** The workspace's feature spec, or null when none was set. */
export function workspaceFeatureSpec(db: DatabaseSync): StoredFeatureSpec | null {
  const rev = readFeatureSpecRev(db);
  if (rev === null) return null;
  const hit = cache.get(db);
  if (hit && hit.rev === rev) return hit.stored;
  const text = readFeatureSpecText(db);
  if (text === null) return null;
  const doc = JSON.parse(text) as { source: string; importedAt: string; spec: unknown };
  // It was validated on the way in; parsing again rebuilds the maps (and would name a damaged field).
  const stored = {
    spec: parseFeatureSpec(JSON.stringify(doc.spec), 'stored feature spec'),
    source: doc.source,
    importedAt: doc.importedAt,
  };
  cache.set(db, { rev, stored });
  return stored;
}

/** What features.spec returns: the spec without the df table, and one line saying what it enables. */
export function featureSpecInfo(stored: StoredFeatureSpec | null): FeatureSpecInfo {
  if (!stored)
    return {
      spec: null,
      source: null,
      importedAt: null,
      summary:
        'No feature spec: the app does not know which features depend on the query, so an edited query keeps every feature at its logged value.',
    };
  const { spec } = stored;
  const qd = spec.queryDependence;
  const recomputed = qd ? [...qd].filter(([, f]) => f === FORMULA).map(([n]) => n) : [];
  const logged = qd ? [...qd].filter(([, f]) => f === 'logged').map(([n]) => n) : [];
  const summary = !qd
    ? 'Feature groups only (version 1): which features depend on the query is unknown, so an edited query keeps every feature at its logged value.'
    : [
        recomputed.length
          ? `recomputed from an edited query: ${recomputed.join(', ')}`
          : 'nothing is recomputed from an edited query',
        logged.length ? `query-dependent but kept from the log: ${logged.join(', ')}` : null,
        'every other feature does not depend on the query',
      ]
        .filter(Boolean)
        .join('; ');
  return {
    spec: {
      version: spec.version,
      groups: spec.groups,
      queryDependence: qd ? Object.fromEntries(qd) : null,
      textStats: spec.textStats
        ? { version: FORMULA, docs: spec.textStats.docs, avgLen: spec.textStats.avgLen, tokens: spec.textStats.df.size }
        : null,
    },
    source: stored.source,
    importedAt: stored.importedAt,
    summary,
  };
}
