// The two Electron entry files with the `electron` module replaced at the module boundary:
// the preload exposes exactly the DesktopBridge (and nothing from Electron), and main wires every
// checklist item (privileged scheme, sandbox, single instance, permission check + request handlers,
// app:// protocol, navigation/window-open/webview guards, IPC handlers, clean quit).
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { IPC } from '../../../src-common/desktop-bridge.ts';
import { APP_INDEX_URL, APP_ORIGIN } from '../../../src-main/app-protocol.ts';

const userData = mkdtempSync(join(tmpdir(), 'qgs-main-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

const h = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const app = Object.assign(new EventEmitter(), {
    ready: null as null | (() => void),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => new Promise<void>((r) => (app.ready = r))),
    getPath: vi.fn((name: string) => (name === 'logs' ? `${h.userData}/logs` : h.userData)),
    getAppPath: () => '/app',
    getVersion: () => '0.1.0',
    isPackaged: false,
    quit: vi.fn(),
    setAppLogsPath: vi.fn(),
    addRecentDocument: vi.fn(),
    clearRecentDocuments: vi.fn(),
  });
  const windows: any[] = [];
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => windows;
    static getFocusedWindow = () => windows[0] ?? null;
    static fromWebContents = () => windows[0] ?? null;
    opts: any;
    loaded: string | null = null;
    webContents = Object.assign(new EventEmitter(), { send: vi.fn(), postMessage: vi.fn(), reload: vi.fn() });
    constructor(opts: any) {
      super();
      this.opts = opts;
      windows.push(this);
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    maximize() {}
    isMinimized = () => false;
    restore() {}
    focus() {}
    setProgressBar() {}
    getNormalBounds = () => ({ x: 0, y: 0, width: 1440, height: 900 });
    isMaximized = () => false;
  }
  const children: any[] = [];
  const utilityProcess = {
    fork: vi.fn((path: string, args: string[]) => {
      const c = Object.assign(new EventEmitter(), {
        path,
        args,
        postMessage: vi.fn(),
        kill: vi.fn(),
        stdout: null,
        stderr: null,
      });
      children.push(c);
      return c;
    }),
  };
  const ses = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
  return {
    userData: '',
    app,
    windows,
    children,
    BrowserWindow,
    utilityProcess,
    ses,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    ipcMain: { handle: vi.fn(), on: vi.fn() },
    exposed: new Map<string, any>(),
    ipcRenderer: Object.assign(new EventEmitter(), { invoke: vi.fn(async () => '/picked'), send: vi.fn() }),
  };
});
h.userData = userData;

vi.mock('electron', () => ({
  app: h.app,
  BrowserWindow: h.BrowserWindow,
  Menu: { buildFromTemplate: vi.fn((t) => t), setApplicationMenu: vi.fn() },
  MessageChannelMain: class {
    port1 = Object.assign(new EventEmitter(), { postMessage: vi.fn(), start: vi.fn() });
    port2 = Object.assign(new EventEmitter(), { postMessage: vi.fn(), start: vi.fn() });
  },
  dialog: {
    showOpenDialog: vi.fn(),
    showSaveDialog: vi.fn(),
    showMessageBox: vi.fn(async () => ({ response: 0 })),
    showErrorBox: vi.fn(),
  },
  ipcMain: h.ipcMain,
  protocol: h.protocol,
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  session: { defaultSession: h.ses },
  shell: { openExternal: vi.fn(), openPath: vi.fn() },
  utilityProcess: h.utilityProcess,
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => h.exposed.set(k, v) },
  ipcRenderer: h.ipcRenderer,
}));

describe('preload', () => {
  it('exposes one object with the bridge methods only; the port goes to our origin only', async () => {
    const postMessage = vi.fn();
    (globalThis as any).window = { postMessage };
    await import('../../../src-main/preload.ts');
    expect([...h.exposed.keys()]).toEqual(['qgsDesktop']);
    const bridge = h.exposed.get('qgsDesktop');
    expect(Object.keys(bridge).sort()).toEqual([
      'host',
      'nativeDialogs',
      'onBackendStatus',
      'onMenuCommand',
      'openFile',
      'openFolder',
      'requestBackendPort',
      'saveFile',
    ]);
    expect(bridge.host).toBe('electron');
    await expect(bridge.openFile('sessions')).resolves.toBe('/picked');
    expect(h.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.openFile, 'sessions');
    bridge.requestBackendPort();
    expect(h.ipcRenderer.send).toHaveBeenCalledWith(IPC.requestPort);
    // Subscribers get the value only, never the IPC event (which would expose `sender`).
    const seen: unknown[] = [];
    const off = bridge.onBackendStatus((s: unknown) => seen.push(s));
    h.ipcRenderer.emit(IPC.backendStatus, { sender: 'SECRET' }, { state: 'restarting' });
    off();
    h.ipcRenderer.emit(IPC.backendStatus, {}, { state: 'again' });
    expect(seen).toEqual([{ state: 'restarting' }]);
    const port = {};
    h.ipcRenderer.emit(IPC.backendPort, { ports: [port] });
    expect(postMessage).toHaveBeenCalledWith('qgs:backend-port', APP_ORIGIN, [port]);
  });
});

describe('main wiring', () => {
  it('applies the checklist before and after ready', async () => {
    await import('../../../src-main/main.ts');
    // Before ready:
    expect(h.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(h.app.enableSandbox).toHaveBeenCalled();
    expect(h.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(h.app.listenerCount('second-instance')).toBe(1);
    expect(h.app.listenerCount('web-contents-created')).toBe(1);

    h.app.ready!();
    await new Promise((r) => setTimeout(r, 10));
    expect(h.ses.setPermissionRequestHandler).toHaveBeenCalled();
    expect(h.ses.setPermissionCheckHandler).toHaveBeenCalled();
    expect(h.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(h.ipcMain.handle.mock.calls.map((c) => c[0]).sort()).toEqual(
      [IPC.openFile, IPC.openFolder, IPC.saveFile].sort(),
    );
    // The backend utility process, on a workspace in userData, with the shipped resources.
    expect(h.children).toHaveLength(1);
    expect(h.children[0].args).toEqual([
      '--workspace',
      join(userData, 'workspace.db'),
      '--resources',
      '/app/resources',
    ]);
    // One window, secure preferences, loaded from app:// (not file://).
    expect(h.windows).toHaveLength(1);
    expect(h.windows[0].loaded).toBe(APP_INDEX_URL);
    expect(h.windows[0].opts.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });

    // Every web contents gets the navigation, redirect, webview and window-open guards.
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    h.app.emit('web-contents-created', {}, contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0];
    expect(openHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });

    // Clean quit: the first before-quit is held until the backend reports it closed.
    const quitEvent = { preventDefault: vi.fn() };
    h.app.emit('before-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    expect(h.children[0].postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    expect(h.app.quit).not.toHaveBeenCalled();
    const onMessage = h.children[0].listeners('message')[0];
    onMessage({ type: 'closed' });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.app.quit).toHaveBeenCalled();
  });
});
