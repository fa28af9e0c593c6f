// The Electron app's backend is the bundle electron-vite builds (out/main/backend.js + the
// inference worker entry). Electron itself cannot run here, so this drives that exact bundle under
// Node with a stand-in parentPort: the same MessagePort protocol the renderer uses in the app.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';

const ROOT = join(import.meta.dirname, '../../..');
const BUNDLE = join(ROOT, 'out/main/backend.js');
const FIXTURE = join(ROOT, 'test/fixtures/tiny-sessions.jsonl');

let dir: string;
let child: ChildProcessWithoutNullStreams;
const waiting = new Map<
  number,
  (event: { type: string; result?: unknown; error?: { code: string; message: string } }) => void
>();
let nextId = 1;
const grantAcks = new Map<number, () => void>();
let onClosed: (() => void) | undefined;

/** Plays the main process after a native dialog: grant the path, wait for the backend's ack. */
function grant(path: string, mode: 'read' | 'write' | 'folder'): Promise<void> {
  const id = nextId++;
  return new Promise((resolve) => {
    grantAcks.set(id, resolve);
    child.stdin.write(JSON.stringify({ toBackend: { type: 'grant', id, grants: [{ path, mode }] } }) + '\n');
  });
}

function call(
  method: string,
  input: unknown,
): Promise<{ type: string; result?: any; error?: { code: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, (event) => {
      if (event.type !== 'progress') {
        waiting.delete(id);
        resolve(event);
      }
    });
    child.stdin.write(JSON.stringify({ id, method, input }) + '\n');
  });
}

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'qgs-electron-'));
  child = spawn(process.execPath, [
    join(import.meta.dirname, 'utility-shim.ts'),
    BUNDLE,
    '--workspace',
    join(dir, 'ws.db'),
  ]);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const msg = JSON.parse(line) as {
      id: number;
      event: { type: string };
      fromBackend?: { type: string; id?: number };
    };
    if (msg.fromBackend) {
      if (msg.fromBackend.type === 'granted') grantAcks.get(msg.fromBackend.id!)?.();
      if (msg.fromBackend.type === 'closed') onClosed?.();
      return;
    }
    waiting.get(msg.id)?.(msg.event);
  });
});

afterAll(() => {
  child.stdin.end();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
});

it('answers as the Electron host over its MessagePort', async () => {
  const info = await call('app.info', {});
  expect(info.type).toBe('result');
  expect(info.result.host).toBe('electron');
  expect(info.result.name).toBe('QGS Workbench');
});

it('refuses a path the user did not choose, then accepts it once granted', async () => {
  const refused = await call('import.sessions', { path: FIXTURE });
  expect(refused.type).toBe('error');
  expect(refused.error?.code).toBe('unauthorized');
  expect(refused.error?.message).toMatch(/not chosen in a file dialog/);
  // Not even whether an ungranted file exists leaks: same answer for a missing one.
  const missing = await call('import.sessions', { path: join(dir, 'no-such-file.jsonl') });
  expect(missing.error?.code).toBe('unauthorized');
  await grant(FIXTURE, 'read');
});

it('imports, lists and scores with the bundled inference worker', async () => {
  const imported = await call('import.sessions', { path: FIXTURE });
  expect(imported.result.sessions).toBe(3);
  const shipped = await call('models.registerShipped', {});
  expect(shipped.type).toBe('result');
  const models = (await call('models.list', {})).result as { sha256: string; encoder: string }[];
  expect(models.length).toBeGreaterThanOrEqual(2);
  const scored = await call('score.turn', { turnId: 't-001#2', models: [models[0]!.sha256] });
  expect(scored.type, JSON.stringify(scored.error)).toBe('result');
  expect(JSON.stringify(scored.result)).toContain('i-9');
});

it('reports bad input as an ApiError, not a crash', async () => {
  const bad = await call('sessions.list', { limit: -5 });
  expect(bad.type).toBe('error');
  expect(bad.error?.code).toBe('invalid_input');
  const still = await call('sessions.list', {});
  expect(still.result.total).toBe(3);
});

it('shutdown (clean quit): the backend closes its store, says closed and exits 0; the data is on disk', async () => {
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdin.write(JSON.stringify({ toBackend: { type: 'shutdown' } }) + '\n');
  await closed;
  expect(await exited).toBe(0);
  // Closed cleanly: the WAL was checkpointed into the database file and removed.
  expect(existsSync(join(dir, 'ws.db-wal'))).toBe(false);
  const db = new DatabaseSync(join(dir, 'ws.db'), { readOnly: true });
  expect((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n).toBe(3);
  db.close();
});
