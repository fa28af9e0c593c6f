// The one API contract over its three transports, against a real workspace database: the
// in-process dispatcher (CLI), HTTP (`serve`, browser mode) and a MessagePort (Electron).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { MessageChannel } from 'node:worker_threads';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import { startHttpServer, type RunningServer } from '../../../src-backend/hosts/http-server.ts';
import { servePort } from '../../../src-backend/hosts/port-server.ts';
import { ApiClient, httpTransport, portTransport } from '../../../src-common/api/client.ts';
import { ApiError } from '../../../src-common/errors.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/tiny-sessions.jsonl');

let dir: string;
let backend: Backend;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-api-'));
  // Serve-mode policy: only the temp folder may be read or written through the API.
  backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'serve', pathRoots: [dir] });
  writeFileSync(join(dir, 'sessions.jsonl'), readFileSync(FIXTURE));
  await backend.dispatcher.call('import.sessions', { path: join(dir, 'sessions.jsonl') });
  server = await startHttpServer({
    dispatcher: backend.dispatcher,
    staticDir: join(dir, 'no-renderer'),
    token: 'test-token-0123456789abcdefghijklmnop',
  });
});

afterAll(async () => {
  await server.close();
  backend.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

function rawPost(
  path: string,
  headers: Record<string, string>,
  body = '{}',
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('dispatcher validates every input at the boundary', () => {
  it('names the offending field of a bad input', async () => {
    const e = await rejection(backend.dispatcher.call('sessions.list', { limit: 0 }));
    expect(e.code).toBe('invalid_input');
    expect(e.problems.map((p) => p.where)).toContain('limit');
  });
  it('rejects unknown fields instead of ignoring typos', async () => {
    const e = await rejection(backend.dispatcher.call('sessions.list', { limt: 10 }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/limt/);
  });
  it('rejects unknown methods', async () => {
    const e = await rejection(backend.dispatcher.call('sessions.drop', {}));
    expect(e.code).toBe('not_found');
  });
  it('applies defaults and answers', async () => {
    const page = (await backend.dispatcher.call('sessions.list', {})) as { total: number; rows: unknown[] };
    expect(page.total).toBe(3);
    expect(page.rows).toHaveLength(3);
  });
});

describe('HTTP transport (browser mode)', () => {
  it('refuses API calls without the token', async () => {
    const r = await rawPost('/api/sessions.list', {
      'Content-Type': 'application/json',
      Host: `127.0.0.1:${server.port}`,
    });
    expect(r.status).toBe(401);
    const wrong = await rawPost('/api/sessions.list', {
      'Content-Type': 'application/json',
      Authorization: 'Bearer nope',
      Host: `127.0.0.1:${server.port}`,
    });
    expect(wrong.status).toBe(401);
  });
  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await rawPost('/api/sessions.list', {
      'Content-Type': 'application/json',
      Authorization: 'Bearer test-token-0123456789abcdefghijklmnop',
      Host: 'evil.example:80',
    });
    expect(r.status).toBe(421);
  });
  it('refuses non-JSON bodies (no cross-site form posts)', async () => {
    const r = await rawPost('/api/sessions.list', {
      'Content-Type': 'text/plain',
      Authorization: 'Bearer test-token-0123456789abcdefghijklmnop',
      Host: `127.0.0.1:${server.port}`,
    });
    expect(r.status).toBe(415);
  });
  it('serves the same results as the in-process dispatcher', async () => {
    const client = new ApiClient(httpTransport(server.url, 'test-token-0123456789abcdefghijklmnop'));
    const viaHttp = await client.call('sessions.get', { sessionId: 't-001' });
    const direct = await backend.dispatcher.call('sessions.get', { sessionId: 't-001' });
    expect(viaHttp).toEqual(direct);
    expect(viaHttp.turns.map((t) => t.boundary)).toEqual(['start', 'refinement', 'switch']);
  });
  it('carries ApiErrors with their problems', async () => {
    const client = new ApiClient(httpTransport(server.url, 'test-token-0123456789abcdefghijklmnop'));
    const e = await rejection(client.call('sessions.get', { sessionId: 'missing' }));
    expect(e.code).toBe('not_found');
    const bad = await rejection(client.call('sessions.list', { offset: -1 } as never));
    expect(bad.code).toBe('invalid_input');
    expect(bad.problems[0]?.where).toBe('offset');
  });
  it('streams progress for jobs', async () => {
    const client = new ApiClient(httpTransport(server.url, 'test-token-0123456789abcdefghijklmnop'));
    const seen: string[] = [];
    writeFileSync(join(dir, 'again.jsonl'), readFileSync(FIXTURE, 'utf8').replace(/t-00/g, 'h-00'));
    const report = await client.call(
      'import.sessions',
      { path: join(dir, 'again.jsonl') },
      { onProgress: (p) => seen.push(p.phase) },
    );
    expect(report.sessions).toBe(3);
    expect(seen.length).toBeGreaterThan(0);
  });
  it('refuses paths outside the folders serve was started with', async () => {
    const client = new ApiClient(httpTransport(server.url, 'test-token-0123456789abcdefghijklmnop'));
    const e = await rejection(client.call('import.sessions', { path: '/etc/passwd' }));
    expect(e.code).toBe('unauthorized');
    // A symlink inside the allowed folder that points outside it is no way out either.
    symlinkSync('/etc/hostname', join(dir, 'link.jsonl'));
    const viaLink = await rejection(client.call('import.sessions', { path: join(dir, 'link.jsonl') }));
    expect(viaLink.code).toBe('unauthorized');
    const out = await rejection(client.call('export.qrels', { setName: 'x', path: '/tmp/qgs-escape.txt' }));
    expect(out.code).toBe('unauthorized');
  });
});

describe('MessagePort transport (Electron)', () => {
  it('answers calls and errors like the other transports', async () => {
    const { port1, port2 } = new MessageChannel();
    servePort(backend.dispatcher, {
      postMessage: (m) => port2.postMessage(m),
      onMessage: (fn) => port2.on('message', fn),
    });
    const client = new ApiClient(portTransport(port1 as never));
    const page = await client.call('sessions.list', { hasSwitch: true, offset: 0, limit: 10 });
    expect(page.rows.map((r) => r.sessionId)).toContain('t-001');
    expect(page.rows.every((r) => r.switches > 0)).toBe(true);
    expect(page.rows.map((r) => r.sessionId)).not.toContain('t-002');
    const e = await rejection(client.call('sessions.get', { sessionId: 'nope' }));
    expect(e.code).toBe('not_found');
    port1.close();
  });
});
