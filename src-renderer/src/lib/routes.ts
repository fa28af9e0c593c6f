// Hash routes: the URL is the source of truth for what is open, so links, reloads and
// back/forward restore it. `#/`, `#/session/<id>`, `#/session/<id>/turn/<index>` where <index> is
// the turn's 0-based event index — the same number as in its turn id `<session_id>#<index>`.
// An optional `?m=<model>[,<model>]` (model sha256 prefixes) names the models the turn is analysed
// with, so a link can point at "this turn, QGS vs baseline".

export type Route = { name: 'list' } | { name: 'session'; sessionId: string; turn: number | null; models?: string[] };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/');
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
    return models.length ? { name: 'session', sessionId, turn, models } : { name: 'session', sessionId, turn };
  }
  return { name: 'list' };
}

export function routeHash(r: Route): string {
  if (r.name === 'list') return '#/';
  const base = `#/session/${encodeURIComponent(r.sessionId)}`;
  const path = r.turn === null ? base : `${base}/turn/${r.turn}`;
  return r.models && r.models.length ? `${path}?m=${r.models.join(',')}` : path;
}
