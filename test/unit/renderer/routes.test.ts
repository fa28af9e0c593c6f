import { describe, expect, it } from 'vitest';
import { parseHash, routeHash, type Route } from '../../../src-renderer/src/lib/routes.ts';

describe('hash routes', () => {
  it('round-trips sessions, turns and models', () => {
    const routes: Route[] = [
      { name: 'list' },
      { name: 'session', sessionId: 's#1/x y', turn: null },
      { name: 'session', sessionId: 's1', turn: 7 },
      { name: 'session', sessionId: 's1', turn: 7, models: ['84f4e9a9175e', 'f1cde2d60458'] },
    ];
    for (const r of routes) {
      expect(parseHash(routeHash(r))).toEqual(r);
    }
  });
  it('ignores malformed parts', () => {
    expect(parseHash('#/session/s1/turn/x')).toEqual({ name: 'session', sessionId: 's1', turn: null });
    expect(parseHash('#/session/s1/turn/2?m=nothex,abc')).toEqual({ name: 'session', sessionId: 's1', turn: 2 });
    expect(parseHash('#/nowhere')).toEqual({ name: 'list' });
  });
});
