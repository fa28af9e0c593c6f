// The Content-Security-Policy of the renderer page, defined once. Three places apply it:
//  - the serve host's response header (src-backend/hosts/http-server.ts): 'serve';
//  - Electron's response header for the app's pages (src-main/main.ts): 'electron' — no network at
//    all (the renderer talks to the backend over a MessagePort);
//  - the <meta> tag in src-renderer/index.html: 'meta'. It cannot import this module, so
//    test/unit/api/csp.test.ts checks the file's tag against cspFor('meta'). A page under both a
//    header and the tag gets the stricter of the two.
// No inline script, no eval, no remote origins.

const SHARED: readonly [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // Svelte's scoped styles and d3 set inline style attributes.
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
];
const LOCKED: readonly [string, string][] = [
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

export type CspTarget = 'serve' | 'electron' | 'meta';

export function cspFor(target: CspTarget): string {
  const directives: [string, string][] = [
    ...SHARED,
    // Browser mode fetches the API from its own origin; Electron needs no fetch at all.
    ['connect-src', target === 'electron' ? "'none'" : "'self'"],
    ...LOCKED,
    // frame-ancestors is ignored in a <meta> tag (browsers warn), so only headers carry it.
    ...(target === 'meta' ? [] : ([['frame-ancestors', "'none'"]] as [string, string][])),
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}
