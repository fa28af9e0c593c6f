// Browser mode: the backend over HTTP on loopback. Serves the built renderer (no secrets in it) and
// the API at POST /api/<method>, which needs the per-launch token. Every API response is NDJSON:
// one CallEvent per line (progress…, then result or error), so long jobs stream the same way short
// calls answer; closing the request cancels the call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { CallEvent } from '../../src-common/api/contract.ts';
import { ApiError } from '../../src-common/errors.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-common/csp.ts';
import { throttledProgress, type Dispatcher } from '../api/dispatch.ts';

export interface HttpServerOptions {
  dispatcher: Dispatcher;
  /** Built renderer (out/renderer). Missing → API only, `/` explains how to build. */
  staticDir: string;
  host?: string;
  port?: number;
  /** Per-launch secret; generated when absent. At least MIN_TOKEN_LENGTH characters. */
  token?: string;
}

export interface RunningServer {
  url: string;
  /** URL to open in a browser: carries the token once; the page moves it out of the address bar. */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/** A shorter token could be guessed over loopback; the generated one is 32 characters (192 bits). */
export const MIN_TOKEN_LENGTH = 32;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new ApiError(
      'invalid_input',
      `token: ${token.length} characters is too short to guard the API; give at least ${MIN_TOKEN_LENGTH} (or omit --token for a random one)`,
      [{ where: 'token', message: `at least ${MIN_TOKEN_LENGTH} characters` }],
    );
  }
  const tokenBuf = Buffer.from(token);
  const staticRoot = resolve(opts.staticDir);
  let allowedHosts = new Set<string>();

  const server = createServer((req, res) => {
    // Any throw below would otherwise kill the server for every user: answer 500 and keep serving.
    try {
      route(req, res);
    } catch (err) {
      if (!res.headersSent) plain(res, 500, `internal error: ${(err as Error).message}`);
      else res.destroy();
    }
  });
  // Requests Node's HTTP parser rejects (bad request line, header overflow…) get a 400 and close.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // DNS-rebinding guard: only answer requests addressed to this server by a loopback name.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      return plain(res, 421, `unexpected Host header "${req.headers.host ?? ''}"`);
    }
    const url = parseTarget(req.url);
    if (!url) return plain(res, 400, 'bad request target');
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return plain(res, 405, 'API calls use POST');
      if (!authorised(req)) return plain(res, 401, 'missing or wrong token: open the URL that `serve` printed');
      if (!isJsonContentType(req.headers['content-type'])) {
        return plain(res, 415, 'API calls send Content-Type: application/json');
      }
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice(5));
      } catch {
        return plain(res, 400, 'bad method name: broken percent-encoding');
      }
      handleApi(method, req, res).catch(() => res.destroy());
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed');
    serveStatic(url.pathname, res);
  }

  function authorised(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7) : '');
    return given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf);
  }

  async function handleApi(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      return plain(
        res,
        err instanceof ApiError && err.message.includes('too large') ? 413 : 400,
        (err as Error).message,
      );
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
    const send = (e: CallEvent) => {
      if (!res.destroyed) res.write(JSON.stringify(e) + '\n');
    };
    try {
      const result = await opts.dispatcher.call(method, body, {
        signal: abort.signal,
        onProgress: throttledProgress((progress) => send({ type: 'progress', progress })),
      });
      send({ type: 'result', result });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
      send({ type: 'error', error: e.toJSON() });
    }
    res.end();
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    if (!existsSync(join(staticRoot, 'index.html'))) {
      return plain(res, 503, 'the renderer is not built: run `npm run build` first (the API works without it)');
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return plain(res, 400, 'bad path');
    }
    let file = resolve(staticRoot, '.' + rel);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return plain(res, 403, 'forbidden');
    if (!existsSync(file) || !statSync(file).isFile()) file = join(staticRoot, 'index.html'); // SPA routes
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`]);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    openUrl: `${url}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The request target as a URL, or null when it is not one (e.g. `http://[`). Origin-form only is expected. */
function parseTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://x');
  } catch {
    return null;
  }
}

/** True for `application/json` with at most a UTF-8 charset parameter (RFC 9110 media type syntax). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    const [k, v] = p.split('=').map((x) => x.trim().toLowerCase());
    if (!k) return true;
    return k === 'charset' && (v === 'utf-8' || v === '"utf-8"');
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError('invalid_input', `request body too large (limit ${MAX_BODY} bytes)`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_input', `request body is not JSON: ${(err as Error).message}`);
  }
}
