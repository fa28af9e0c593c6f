// Hash routes: the URL is the source of truth for what is open, so links, reloads and
// back/forward restore it. `#/`, `#/session/<id>`, `#/session/<id>/turn/<index>` where <index> is
// the turn's 0-based event index — the same number as in its turn id `<session_id>#<index>`.
// An optional `?m=<model>[,<model>]` (model sha256 prefixes) names the models the turn is analysed
// with, so a link can point at "this turn, QGS vs baseline". An optional `g=<source>` names the
// grades source of the ranking / diff (a qrels set name, `labels:mine`, `labels:task:<id>`;
// lib/grades-source.ts), so "this turn graded by my labels" is restorable too.

// `#/dataset?a=<sha>&b=<sha>[&kind=switch|continuation|start][&split=train|valid|test][&k=N][&measure=P|map|…][&g=<source>][&q=…][&user=…][&sort=-delta]`
// is the dataset view (two models' per-turn metrics over the workspace); `g=` is encoded as in the
// session route.

import type { TurnMeasure } from '../../../src-common/api/contract.ts';
import { DATASET_MEASURES } from './dataset.ts';
import { parseGradesParam } from './grades-source.ts';

export type DatasetKind = 'start' | 'switch' | 'continuation';
export type DatasetSplit = 'train' | 'valid' | 'test';
/** The cut-offs the dataset view offers for NDCG@k (metrics.turns accepts 1–1000). */
export const DATASET_KS = [1, 3, 5, 10, 20, 50] as const;
export const DEFAULT_K = 10;
export interface DatasetRoute {
  name: 'dataset';
  a?: string;
  b?: string;
  kind?: DatasetKind;
  split?: DatasetSplit;
  /** Cut-off of the measures that take one; absent = DEFAULT_K. */
  k?: number;
  /** Measure of the values, Δ and chart (metrics.turns); absent = ndcg_cut. */
  measure?: TurnMeasure;
  /** Grades source (`g=`, as in the session route); absent = the default qrels set. */
  grades?: string;
  q?: string;
  user?: string;
  sort?: 'delta' | '-delta';
}
export interface SessionRoute {
  name: 'session';
  sessionId: string;
  turn: number | null;
  models?: string[];
  /** Grades source (`g=`); absent = the default qrels set. */
  grades?: string;
}
export type Route = { name: 'list' } | SessionRoute | DatasetRoute;

const SHA = /^[0-9a-f]{8,64}$/i;

function parseDataset(params: URLSearchParams): DatasetRoute {
  const r: DatasetRoute = { name: 'dataset' };
  const a = params.get('a');
  const b = params.get('b');
  if (a && SHA.test(a)) r.a = a;
  if (b && SHA.test(b)) r.b = b;
  const kind = params.get('kind');
  if (kind === 'start' || kind === 'switch' || kind === 'continuation') r.kind = kind;
  const split = params.get('split');
  if (split === 'train' || split === 'valid' || split === 'test') r.split = split;
  const k = Number(params.get('k'));
  if ((DATASET_KS as readonly number[]).includes(k) && k !== DEFAULT_K) r.k = k;
  const measure = params.get('measure');
  if (measure !== 'ndcg_cut' && (DATASET_MEASURES as readonly (string | null)[]).includes(measure))
    r.measure = measure as TurnMeasure;
  const g = parseGradesParam(params.get('g'));
  if (g !== null) r.grades = g;
  const q = params.get('q');
  if (q) r.q = q.slice(0, 500);
  const user = params.get('user');
  if (user) r.user = user.slice(0, 256);
  if (params.get('sort') === '-delta') r.sort = '-delta';
  return r;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/');
  if (parts[0] === 'dataset') return parseDataset(params);
  if (parts[0] === 'session' && parts[1]) {
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(parts[1]);
    } catch {
      return { name: 'list' };
    }
    const turn = parts[2] === 'turn' && parts[3] !== undefined && /^\d+$/.test(parts[3]) ? Number(parts[3]) : null;
    const models = (params.get('m') ?? '')
      .split(',')
      .filter((m) => /^[0-9a-f]{8,64}$/i.test(m))
      .slice(0, 2);
    const r: SessionRoute = { name: 'session', sessionId, turn };
    if (models.length) r.models = models;
    const g = parseGradesParam(params.get('g'));
    if (g !== null) r.grades = g;
    return r;
  }
  return { name: 'list' };
}

export function routeHash(r: Route): string {
  if (r.name === 'list') return '#/';
  if (r.name === 'dataset') {
    const p = new URLSearchParams();
    if (r.a) p.set('a', r.a);
    if (r.b) p.set('b', r.b);
    if (r.kind) p.set('kind', r.kind);
    if (r.split) p.set('split', r.split);
    if (r.k !== undefined && r.k !== DEFAULT_K) p.set('k', String(r.k));
    if (r.measure && r.measure !== 'ndcg_cut') p.set('measure', r.measure);
    if (r.q) p.set('q', r.q);
    if (r.user) p.set('user', r.user);
    if (r.sort === '-delta') p.set('sort', '-delta');
    const qs = [p.toString(), r.grades ? gParam(r.grades) : ''].filter(Boolean).join('&');
    return qs ? `#/dataset?${qs}` : '#/dataset';
  }
  const base = `#/session/${encodeURIComponent(r.sessionId)}`;
  const path = r.turn === null ? base : `${base}/turn/${r.turn}`;
  // Built by hand (not URLSearchParams) so `m=a,b` keeps its readable comma.
  const qs = [r.models && r.models.length ? `m=${r.models.join(',')}` : '', r.grades ? gParam(r.grades) : '']
    .filter(Boolean)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

/** `g=<source>`, readable (`g=labels:task:3`): the colon is left unescaped, everything else encoded. */
function gParam(grades: string): string {
  return `g=${encodeURIComponent(grades).replace(/%3A/gi, ':')}`;
}
