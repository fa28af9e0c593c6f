// The one Content-Security-Policy of the app, for both hosts: `serve` sends it as a response header,
// Electron's app:// protocol handler sends it on every response, and the renderer's index.html
// carries it as a <meta> (injected at build time by electron.vite.config.ts) for defence in depth.
// No inline script, no eval, no remote origins; the API is same-origin HTTP (browser mode) or a
// MessagePort (Electron), so connect-src 'self' covers both.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Directives browsers ignore (and warn about) in a <meta> tag: only a response header carries them. */
const HEADER_ONLY = ['frame-ancestors', 'report-uri', 'sandbox'];

/** The same policy minus header-only directives, for the renderer's <meta http-equiv>. */
export function cspForMeta(policy: string = CONTENT_SECURITY_POLICY): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY.includes(d.split(/\s+/)[0]!))
    .join('; ');
}
