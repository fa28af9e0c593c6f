// The checklist's runtime parts without Electron: the app:// path guard and handler, window
// options, navigation and window-open handlers, the external allow-list, permission handlers and
// the IPC sender check (src-main/app-protocol.ts, src-main/security.ts).
import { describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { APP_INDEX_URL, APP_ORIGIN, createAppProtocolHandler, resolveAppPath } from '../../../src-main/app-protocol.ts';
import {
  guardNavigation,
  isAllowedExternal,
  isAppUrl,
  isTrustedSender,
  permissionCheckHandler,
  permissionRequestHandler,
  secureWebPreferences,
  windowOpenHandler,
  windowOptions,
} from '../../../src-main/security.ts';
import { CONTENT_SECURITY_POLICY } from '../../../src-common/csp.ts';

const ROOT = resolve('/srv/app/out/renderer');

describe('app:// path guard', () => {
  it.each([
    [APP_INDEX_URL, join(ROOT, 'index.html')],
    [`${APP_ORIGIN}/`, join(ROOT, 'index.html')],
    [`${APP_ORIGIN}/assets/index-abc.js`, join(ROOT, 'assets/index-abc.js')],
    [`${APP_ORIGIN}/assets/a%20b.css`, join(ROOT, 'assets/a b.css')],
    [`${APP_ORIGIN}/assets/x.js?v=1#frag`, join(ROOT, 'assets/x.js')],
  ])('%s → a file inside the renderer build', (url, file) => {
    expect(resolveAppPath(ROOT, url)).toBe(file);
  });

  it.each([
    `${APP_ORIGIN}/../../etc/passwd`,
    `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`,
    `${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fsecret`,
    `${APP_ORIGIN}/..%5c..%5cwindows%5cwin.ini`,
    `${APP_ORIGIN}/assets/%00.js`,
    `${APP_ORIGIN}/%E0%A4%A`,
    `${APP_ORIGIN}//etc/passwd`,
    'app://other-host/index.html',
    'file:///etc/passwd',
    'https://workbench/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    const file = resolveAppPath(ROOT, url);
    if (file !== null)
      expect(file.startsWith(ROOT + '/')).toBe(true); // `//etc` is normalised inside
    else expect(file).toBeNull();
  });

  it('`..` through URL normalisation still lands inside or is refused, never outside', () => {
    for (const url of [`${APP_ORIGIN}/a/../../../../x`, `${APP_ORIGIN}/./../x`]) {
      const file = resolveAppPath(ROOT, url);
      expect(file === null || file.startsWith(ROOT + '/')).toBe(true);
    }
  });
});

describe('app:// handler', () => {
  const files: Record<string, string> = {
    [join(ROOT, 'index.html')]: '<!doctype html>',
    [join(ROOT, 'assets/a.js')]: 'export {}',
  };
  const handler = createAppProtocolHandler({
    root: ROOT,
    readFile: async (p) => {
      if (!(p in files)) throw new Error('ENOENT');
      return new TextEncoder().encode(files[p]);
    },
  });

  it('serves files with the one CSP and the right type', async () => {
    const r = await handler(new Request(APP_INDEX_URL));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(await r.text()).toBe('<!doctype html>');
    const js = await handler(new Request(`${APP_ORIGIN}/assets/a.js`));
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('403 for a traversal, 404 for a missing file, 405 for other methods', async () => {
    // (%2e%2e segments are normalised away by the URL parser itself; an encoded slash is not.)
    expect((await handler(new Request(`${APP_ORIGIN}/assets/..%2f..%2f..%2fetc%2fpasswd`))).status).toBe(403);
    expect((await handler(new Request(`${APP_ORIGIN}/missing.js`))).status).toBe(404);
    expect((await handler(new Request(APP_INDEX_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});

describe('window options', () => {
  it('every security-relevant web preference is set', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    const opts = windowOptions('/app/preload.cjs', { x: 10, y: 20, width: 1200, height: 800 });
    expect(opts).toMatchObject({ x: 10, y: 20, width: 1200, height: 800, show: false });
    expect(opts.webPreferences).toEqual(prefs);
  });
});

describe('navigation and new windows', () => {
  it('only the app origin counts as the app', () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/index.html#/sessions/x`)).toBe(true);
    for (const u of ['file:///index.html', 'app://evil/index.html', 'https://workbench/', 'javascript:alert(1)', ''])
      expect(isAppUrl(u)).toBe(false);
  });

  it('will-navigate: leaving the app is prevented, staying is not', () => {
    const leave = { preventDefault: vi.fn() };
    guardNavigation(leave, 'https://example.com/');
    expect(leave.preventDefault).toHaveBeenCalled();
    const stay = { preventDefault: vi.fn() };
    guardNavigation(stay, `${APP_ORIGIN}/index.html#/analysis`);
    expect(stay.preventDefault).not.toHaveBeenCalled();
  });

  it('window.open is always denied; allow-listed https links open in the system browser', () => {
    const openExternal = vi.fn();
    const handler = windowOpenHandler(openExternal);
    expect(handler({ url: 'https://github.com/some/repo' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/some/repo');
    for (const url of [
      'http://github.com/x',
      'https://evil.example/',
      'file:///etc/passwd',
      'smb://host/share',
      'ms-settings:',
      `${APP_ORIGIN}/index.html`,
      'https://user:pw@github.com/',
    ]) {
      openExternal.mockClear();
      expect(handler({ url })).toEqual({ action: 'deny' });
      expect(openExternal, url).not.toHaveBeenCalled();
    }
  });

  it('the allow-list is https on named hosts only (no look-alike hosts)', () => {
    expect(isAllowedExternal('https://github.com/')).toBe(true);
    expect(isAllowedExternal('https://github.com.evil.example/')).toBe(false);
    expect(isAllowedExternal('https://evilgithub.com/')).toBe(false);
  });
});

describe('permissions', () => {
  it('requests: everything denied except clipboard writes from the app itself', () => {
    const answers: Array<[string, string, boolean]> = [];
    for (const [perm, url] of [
      ['media', APP_INDEX_URL],
      ['geolocation', APP_INDEX_URL],
      ['notifications', APP_INDEX_URL],
      ['openExternal', APP_INDEX_URL],
      ['clipboard-sanitized-write', APP_INDEX_URL],
      ['clipboard-sanitized-write', 'https://evil.example/'],
    ] as const) {
      permissionRequestHandler(null, perm, (granted) => answers.push([perm, url, granted]), { requestingUrl: url });
    }
    expect(answers.filter((a) => a[2])).toEqual([['clipboard-sanitized-write', APP_INDEX_URL, true]]);
  });

  it('checks agree with requests', () => {
    expect(permissionCheckHandler(null, 'media', APP_ORIGIN)).toBe(false);
    expect(permissionCheckHandler(null, 'clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    expect(permissionCheckHandler(null, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('only the top frame of the app page', () => {
    expect(isTrustedSender({ url: APP_INDEX_URL, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html#/x`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: APP_INDEX_URL, parent: {} })).toBe(false); // a subframe
    expect(isTrustedSender({ url: 'file:///index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
