// The Electron security checklist's runtime parts, as plain functions (unit-tested without
// Electron in test/unit/electron/): window options, navigation and window-open handlers, the
// external-link allow-list, permission handlers and the IPC sender check. docs/security.md maps
// each item to the function that enforces it.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './app-origin.ts';

/** The only web preferences any window gets. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    webviewTag: false,
    navigateOnDragDrop: false,
    // Middle-click (auxclick) could open links in new windows; the open handler denies those anyway.
    disableBlinkFeatures: 'Auxclick',
    safeDialogs: true,
    spellcheck: false,
  };
}

export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export function windowOptions(preload: string, bounds: Bounds): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'QGS Workbench',
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preload),
  };
}

/** True for a URL on the app's own origin (app://workbench). Compared by parts: WHATWG gives a
 * custom scheme's URL the origin "null" outside Chromium, so `.origin` cannot be used here. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * External links the app may open in the system browser: https only, on these hosts (the project's
 * docs and issue tracker). Anything else is dropped — a link in imported data cannot launch an
 * arbitrary URL scheme handler (file:, smb:, custom app schemes).
 */
export const EXTERNAL_HOSTS = ['github.com', 'onnx.ai', 'onnxruntime.ai', 'www.electronjs.org'] as const;

export function isAllowedExternal(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.username === '' &&
    u.password === '' &&
    (EXTERNAL_HOSTS as readonly string[]).includes(u.hostname)
  );
}

/** will-navigate / will-redirect: the window never leaves the app's own page. */
export function guardNavigation(event: { preventDefault(): void }, url: string): void {
  if (!isAppUrl(url)) event.preventDefault();
}

/** setWindowOpenHandler: no new windows; allow-listed https links go to the system browser. */
export function windowOpenHandler(
  openExternal: (url: string) => void,
): (details: { url: string }) => { action: 'deny' } {
  return ({ url }) => {
    if (isAllowedExternal(url)) openExternal(url);
    return { action: 'deny' };
  };
}

/** Permissions the renderer may have: clipboard writes for "copy turn id". Everything else is denied. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

/** setPermissionRequestHandler: deny all but the allow-list, and only for our own origin. */
export function permissionRequestHandler(
  _contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details?: { requestingUrl?: string },
): void {
  callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(details?.requestingUrl ?? ''));
}

/** setPermissionCheckHandler: the synchronous checks (e.g. navigator.permissions.query) agree with the above. */
export function permissionCheckHandler(_contents: unknown, permission: string, requestingOrigin: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingOrigin === APP_ORIGIN;
}

/** IPC sender check: only the top frame of our own app page may use privileged channels. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}
