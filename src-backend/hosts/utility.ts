// Electron utilityProcess entry: the backend as a plain Node process (no `electron` import). The
// main process sends, over the parent port (messages typed in src-common/desktop-bridge.ts):
// - `connect` with a MessagePort per window, each served by the same dispatcher;
// - `grant` with paths the user chose (native dialog, command line, recent list), acknowledged
//   with `granted` so main hands a path to the renderer only once the backend accepts it;
// - `shutdown`: close the store (WAL checkpoint) and the inference worker, reply `closed`, exit.
import { openBackend } from '../backend.ts';
import { GrantList } from '../api/paths.ts';
import { servePort } from './port-server.ts';
import type { BackendToMain, MainToBackend } from '../../src-common/desktop-bridge.ts';

interface MainPort {
  postMessage(msg: unknown): void;
  on(ev: 'message', fn: (e: { data: unknown }) => void): void;
  start(): void;
}
interface ParentPort {
  on(ev: 'message', fn: (e: { data: unknown; ports: MainPort[] }) => void): void;
  postMessage(msg: BackendToMain): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error("utility.ts runs inside Electron's utilityProcess; use `serve` or the CLI otherwise");
  process.exit(2);
}
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const workspacePath = arg('--workspace');
if (!workspacePath) {
  console.error('utility.ts: --workspace <path> is required');
  process.exit(2);
}
const resourcesDir = arg('--resources');
const grants = new GrantList();
const backend = openBackend({
  workspacePath,
  host: 'electron',
  pathRoots: null,
  grants,
  ...(resourcesDir ? { resourcesDir } : {}),
});
let closing = false;

parentPort.on('message', (e) => {
  const msg = e.data as MainToBackend;
  if (typeof msg !== 'object' || msg === null) return;
  if (msg.type === 'connect') {
    const port = e.ports[0];
    if (!port) return;
    servePort(backend.dispatcher, {
      postMessage: (m) => port.postMessage(m),
      onMessage: (fn) => port.on('message', (ev) => fn(ev.data)),
    });
    port.start();
  } else if (msg.type === 'grant' && Array.isArray(msg.grants)) {
    for (const g of msg.grants) {
      try {
        grants.add(g);
      } catch (err) {
        console.error(`grant refused: ${(err as Error).message}`);
      }
    }
    parentPort.postMessage({ type: 'granted', id: msg.id });
  } else if (msg.type === 'shutdown' && !closing) {
    closing = true;
    void backend.close().finally(() => {
      parentPort.postMessage({ type: 'closed' });
      process.exit(0);
    });
  }
});
process.on('exit', () => {
  if (!closing) void backend.close();
});
parentPort.postMessage({ type: 'ready' });
