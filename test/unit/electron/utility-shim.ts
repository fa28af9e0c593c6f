// Stands in for Electron's utilityProcess around the BUILT backend bundle (out/main/backend.js):
// provides process.parentPort, hands the bundle a MessagePortMain-like port (Electron's emit
// {data} events), and relays the other end of the channel to stdin/stdout as JSON lines.
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { createInterface } from 'node:readline';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: utility-shim.ts <out/main/backend.js> --workspace <db>');
// Messages the backend sends to main (`granted`, `closed`…) come out as {"fromBackend": …} lines.
const parentPort = Object.assign(new EventEmitter(), {
  postMessage: (m: unknown) => process.stdout.write(JSON.stringify({ fromBackend: m }) + '\n'),
});
(process as unknown as { parentPort: EventEmitter }).parentPort = parentPort;
process.argv.splice(2, 1); // the bundle reads --workspace from argv
await import(bundle);

const { port1, port2 } = new MessageChannel();
const mainPort = {
  postMessage: (m: unknown) => port1.postMessage(m),
  on: (_ev: 'message', fn: (e: { data: unknown }) => void) => port1.on('message', (data) => fn({ data })),
  start: () => {},
};
parentPort.emit('message', { data: { type: 'connect' }, ports: [mainPort] });
port2.on('message', (msg) => process.stdout.write(JSON.stringify(msg) + '\n'));
// {"toBackend": msg} lines play the main process (grants, shutdown); others go to the window port.
createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line) as { toBackend?: unknown };
  if (msg.toBackend !== undefined) parentPort.emit('message', { data: msg.toBackend, ports: [] });
  else port2.postMessage(msg);
});
process.stdin.on('end', () => setTimeout(() => process.exit(0), 200));
