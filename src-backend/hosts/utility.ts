// Electron utilityProcess entry: the backend as a plain Node process (no `electron` import). The
// main process sends a MessagePort per window; each is served by the same dispatcher.
import { openBackend } from '../backend.ts';
import { servePort } from './port-server.ts';

interface MainPort {
  postMessage(msg: unknown): void;
  on(ev: 'message', fn: (e: { data: unknown }) => void): void;
  start(): void;
}
interface ParentPort {
  on(ev: 'message', fn: (e: { data: unknown; ports: MainPort[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error('utility.ts runs inside Electron\'s utilityProcess; use `serve` or the CLI otherwise');
  process.exit(2);
}
const wsIndex = process.argv.indexOf('--workspace');
const workspacePath = wsIndex >= 0 ? process.argv[wsIndex + 1] : undefined;
if (!workspacePath) {
  console.error('utility.ts: --workspace <path> is required');
  process.exit(2);
}
const backend = openBackend({ workspacePath, host: 'electron', pathRoots: null });

parentPort.on('message', (e) => {
  const port = e.ports[0];
  if (!port) return;
  servePort(backend.dispatcher, {
    postMessage: (m) => port.postMessage(m),
    onMessage: (fn) => port.on('message', (ev) => fn(ev.data)),
  });
  port.start();
});
process.on('exit', () => backend.close());
