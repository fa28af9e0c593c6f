// Hash routes: the URL is the source of truth for what is open, so links, reloads and
// back/forward restore it. `#/`, `#/session/<id>`, `#/session/<id>/turn/<index>` where <index> is
// the turn's 0-based event index — the same number as in its turn id `<session_id>#<index>`.

export type Route = { name: 'list' } | { name: 'session'; sessionId: string; turn: number | null };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'session' && parts[1]) {
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(parts[1]);
    } catch {
      return { name: 'list' };
    }
    const turn = parts[2] === 'turn' && parts[3] !== undefined && /^\d+$/.test(parts[3]) ? Number(parts[3]) : null;
    return { name: 'session', sessionId, turn };
  }
  return { name: 'list' };
}

export function routeHash(r: Route): string {
  if (r.name === 'list') return '#/';
  const base = `#/session/${encodeURIComponent(r.sessionId)}`;
  return r.turn === null ? base : `${base}/turn/${r.turn}`;
}
