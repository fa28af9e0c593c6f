// Browser mode's HTTP host against hostile input (review findings, docs/security.md): requests that
// used to crash the server or slip past its checks, and a bounded fuzz of malformed requests. After
// each, the server must still answer a good request — one crash would end the session for everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import fc from 'fast-check';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';
import {
  MIN_TOKEN_LENGTH,
  isJsonContentType,
  startHttpServer,
  type RunningServer,
} from '../../../src-backend/hosts/http-server.ts';

const TOKEN = 'fuzz-token-0123456789abcdefghijklmnopq';
let dir: string;
let backend: Backend;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-http-sec-'));
  backend = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'serve', pathRoots: [dir] });
  // A stand-in renderer build, so static requests are served rather than answered 503.
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>stand-in</title>');
  server = await startHttpServer({ dispatcher: backend.dispatcher, staticDir: join(dir, 'renderer'), token: TOKEN });
});

afterAll(async () => {
  await server.close();
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes over a socket; resolves with the status code of the reply (0 if none came). */
function raw(bytes: string | Uint8Array, timeoutMs = 2000): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const sock = connect(server.port, '127.0.0.1');
    let text = '';
    const done = () => {
      sock.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    };
    const timer = setTimeout(done, timeoutMs);
    sock.on('data', (c) => {
      text += c.toString('latin1');
      // One full response is enough: headers ended and the body (if any) came with them.
      if (/\r\n\r\n/.test(text)) {
        clearTimeout(timer);
        setTimeout(done, 20);
      }
    });
    sock.on('error', () => {
      clearTimeout(timer);
      done();
    });
    sock.on('close', () => {
      clearTimeout(timer);
      done();
    });
    sock.write(bytes);
  });
}

const host = () => `127.0.0.1:${server.port}`;

function apiRequest(path: string, headers: Record<string, string> = {}, body = '{}'): string {
  const h = {
    Host: host(),
    Authorization: `Bearer ${TOKEN}`,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...headers,
  };
  return `POST ${path} HTTP/1.1\r\n${Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

async function stillAnswers(): Promise<void> {
  const r = await raw(apiRequest('/api/app.info'));
  expect(r.status).toBe(200);
  expect(r.text).toContain('"type":"result"');
}

describe('requests that used to crash the server', () => {
  it('a request target that is not a URL (GET http://[) gets 400 without any token', async () => {
    const r = await raw(`GET http://[ HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/bad request target/); // our check answered, not Node's parser
    await stillAnswers();
  });

  it('a method name with broken percent-encoding gets 400 with a valid token', async () => {
    const r = await raw(apiRequest('/api/%E0%A4%A'));
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/percent-encoding/);
    await stillAnswers();
  });
});

describe('Content-Type is parsed as a media type', () => {
  it.each([
    'application/jsonx',
    'application/json-patch+json',
    'application/json; charset=latin1',
    'text/plain',
    'application/json,text/plain',
  ])('refuses %s with 415', async (ct) => {
    const r = await raw(apiRequest('/api/app.info', { 'Content-Type': ct }));
    expect(r.status).toBe(415);
  });
  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
  ])('accepts %s', async (ct) => {
    const r = await raw(apiRequest('/api/app.info', { 'Content-Type': ct }));
    expect(r.status).toBe(200);
  });
  it('the parser itself', () => {
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType('application/jsonx')).toBe(false);
    expect(isJsonContentType(' application/json ')).toBe(true);
  });
});

describe('the token', () => {
  it(`must be at least ${MIN_TOKEN_LENGTH} characters: a short one refuses to start`, async () => {
    await expect(
      startHttpServer({ dispatcher: backend.dispatcher, staticDir: dir, token: 'short-token-123' }),
    ).rejects.toThrow(/too short/);
    await expect(
      startHttpServer({ dispatcher: backend.dispatcher, staticDir: dir, token: 'x'.repeat(MIN_TOKEN_LENGTH - 1) }),
    ).rejects.toThrow(/at least 32/);
  });
  it('the generated one is long enough', async () => {
    const s = await startHttpServer({ dispatcher: backend.dispatcher, staticDir: dir });
    expect(s.token.length).toBeGreaterThanOrEqual(MIN_TOKEN_LENGTH);
    await s.close();
  });
});

describe('bounded fuzz: malformed requests on loopback', () => {
  const token = fc.constantFrom(
    '',
    '%',
    '%E0%A4%A',
    '%00',
    '[',
    ']',
    '//',
    '..',
    '\\',
    '#',
    '?',
    '%%',
    '%2e%2e',
    'http://[',
    '::',
    '@',
    '\u00ff',
  );
  const segment = fc.oneof(fc.string({ maxLength: 12 }), token).map((s) => s.replace(/[\r\n ]/g, ''));
  const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((p) => p.join(''));
  const method = fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE', 'G\u00e9T', 'CONNECT');
  const target = fc.oneof(
    path.map((p) => `/${p}`),
    path.map((p) => `/api/${p}`),
    path.map((p) => `http://${p}`),
    path,
  );
  const header = fc.tuple(
    fc.constantFrom('Host', 'Content-Type', 'Authorization', 'Content-Length', 'Transfer-Encoding', 'X-Junk'),
    segment,
  );
  const request = fc.record({
    method,
    target,
    headers: fc.array(header, { maxLength: 4 }),
    withToken: fc.boolean(),
    withHost: fc.boolean(),
    body: fc.oneof(fc.constant('{}'), fc.string({ maxLength: 40 }), fc.constant('{"path":')),
  });

  it('the server answers every one (or closes) and still answers a good request afterwards', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const lines = [`${r.method} ${r.target} HTTP/1.1`];
        if (r.withHost) lines.push(`Host: ${host()}`);
        if (r.withToken) lines.push(`Authorization: Bearer ${TOKEN}`, 'Content-Type: application/json');
        for (const [k, v] of r.headers) lines.push(`${k}: ${v}`);
        lines.push('Connection: close');
        const res = await raw(`${lines.join('\r\n')}\r\n\r\n${r.body}`, 1500);
        sent++;
        // No 5xx: every malformed request is the client's fault and must be told so.
        expect(res.status === 0 || res.status < 500, res.text.slice(0, 200)).toBe(true);
        await stillAnswers();
      }),
      { numRuns: 150, interruptAfterTimeLimit: 20_000, seed: 1205 },
    );
    expect(sent).toBeGreaterThan(10);
    await stillAnswers();
  });
});
