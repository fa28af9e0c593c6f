// The renderer is served from app://workbench/… (a privileged, standard, secure custom scheme)
// instead of file://: a real origin (so IPC and postMessage can name it), no access to other local
// files through relative URLs, and every response carries the app's one CSP. The path guard maps a
// request URL to a file inside the built renderer folder, or refuses it.
import { extname, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../src-common/csp.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './app-origin.ts';

export { APP_HOST, APP_ORIGIN, APP_SCHEME };
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Passed to protocol.registerSchemesAsPrivileged before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an app:// request URL to an absolute file path inside `root`, or null to refuse it: another
 * scheme or host, an undecodable path, a NUL byte, a backslash (Windows separator tricks), or a
 * path that resolves outside `root` (`..`, encoded `%2e%2e`, absolute drive paths).
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = resolve(root);
  const file = resolve(base, '.' + rel);
  if (!file.startsWith(base + sep)) return null;
  return file;
}

export interface ProtocolDeps {
  root: string;
  readFile(path: string): Promise<Uint8Array>;
}

/** The protocol.handle handler: files from the renderer build with the CSP; 404 for the rest. */
export function createAppProtocolHandler(deps: ProtocolDeps): (request: Request) => Promise<Response> {
  const headers = (file: string): Record<string, string> => ({
    'Content-Type': mimeType(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('method not allowed', { status: 405 });
    const file = resolveAppPath(deps.root, request.url);
    if (!file) return new Response('forbidden', { status: 403 });
    try {
      const body = await deps.readFile(file);
      return new Response(request.method === 'HEAD' ? null : (body as BodyInit), {
        status: 200,
        headers: headers(file),
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}
