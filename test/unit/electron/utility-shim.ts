// Stands in for Electron's utilityProcess around the BUILT backend bundle (out/main/backend.js):
// provides process.parentPort, hands the bundle a MessagePortMain-like port (Electron's emit
// {data} events), and relays the other end of the channel to stdin/stdout as JSON lines.
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { createInterface } from 'node:readline';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: utility-shim.ts <out/main/backend.js> --workspace <db>');
const parentPort = new EventEmitter();
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
createInterface({ input: process.stdin }).on('line', (line) => port2.postMessage(JSON.parse(line)));
process.stdin.on('end', () => setTimeout(() => process.exit(0), 200));
