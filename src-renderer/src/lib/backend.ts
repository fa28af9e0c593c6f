// Chooses how the renderer reaches the backend — the only module that knows about hosts.
// Electron: the preload exposes `window.qgsDesktop` (a DesktopBridge) and hands us a MessagePort via
// window.postMessage('qgs:backend-port'). Browser mode (`serve`): same-origin HTTP with the
// per-launch token from `?token=`, which we keep in sessionStorage (survives reloads in this tab
// only) and remove from the address bar; its DesktopBridge has no native dialogs, so views show a
// path field when `desktop.nativeDialogs` is false.
import { ApiClient, httpTransport, portTransport } from '../../../src-common/api/client.ts';
import type { DesktopBridge } from '../../../src-common/desktop-bridge.ts';

export type Connection =
  | { kind: 'ready'; mode: 'browser' | 'electron'; client: ApiClient }
  | { kind: 'no-token' }
  | { kind: 'no-backend'; message: string };

const TOKEN_KEY = 'qgs.token';
const PORT_WAIT_MS = 15_000;

/** The Electron preload exposes `qgsDesktop`; a plain browser tab has no such global. */
export function isElectron(): boolean {
  return 'qgsDesktop' in window;
}

/** Browser mode's side of the bridge: no native dialogs (null → the view asks for a typed path). */
export const browserBridge = {
  host: 'browser',
  nativeDialogs: false,
  openFile: async () => null,
  saveFile: async () => null,
  openFolder: async () => null,
  requestBackendPort: () => {},
  onMenuCommand: () => () => {},
  onBackendStatus: () => () => {},
} as const satisfies DesktopBridge;

/** The host bridge: the preload's object in Electron, browser mode's otherwise. */
export const desktop: DesktopBridge = isElectron()
  ? (window as unknown as { qgsDesktop: DesktopBridge }).qgsDesktop
  : browserBridge;

// Listen from module load on, so a port posted before connect() is called is not missed.
const electronPort: Promise<MessagePort> | null = isElectron()
  ? new Promise((resolve) => {
      const onMessage = (e: MessageEvent) => {
        const port = e.ports[0];
        // Only our own preload (same window, same origin) hands us the port.
        if (e.source !== window || e.origin !== window.location.origin || e.data !== 'qgs:backend-port' || !port)
          return;
        window.removeEventListener('message', onMessage);
        resolve(port);
      };
      window.addEventListener('message', onMessage);
      // Ask for it (again) now that we listen: the load-time push may have come before this module ran.
      (window as unknown as { qgsDesktop: DesktopBridge }).qgsDesktop.requestBackendPort();
    })
  : null;

/** Moves `?token=` from the address bar into sessionStorage; returns the token to use, if any. */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Called when the backend refuses the token, so a reload does not retry it forever. */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export async function connect(): Promise<Connection> {
  if (electronPort) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PORT_WAIT_MS)));
    const port = await Promise.race([electronPort, timeout]);
    clearTimeout(timer);
    if (!port) return { kind: 'no-backend', message: 'The workbench backend did not connect. Restart the app.' };
    return { kind: 'ready', mode: 'electron', client: new ApiClient(portTransport(port)) };
  }
  const token = takeToken();
  if (!token) return { kind: 'no-token' };
  return { kind: 'ready', mode: 'browser', client: new ApiClient(httpTransport(window.location.origin, token)) };
}
