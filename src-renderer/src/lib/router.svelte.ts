// Reactive view of the hash route. Opening a session pushes a history entry (back returns to the
// previous one); moving between turns of the open session replaces it, so back/forward step
// through sessions rather than through every j/k keypress.
import { parseHash, routeHash, type Route } from './routes.ts';

class Router {
  current = $state<Route>(parseHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseHash(window.location.hash);
    });
  }

  go(route: Route, opts: { replace?: boolean } = {}): void {
    const hash = routeHash(route);
    if (hash === window.location.hash) return;
    if (opts.replace) {
      history.replaceState(history.state, '', hash);
      this.current = route;
    } else {
      window.location.hash = hash; // fires hashchange
    }
  }
}

export const router = new Router();
