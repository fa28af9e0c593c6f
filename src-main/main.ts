// Electron main process: windows, native dialogs and the backend's lifecycle — nothing heavy.
// The backend runs in a utilityProcess (plain Node, src-backend/hosts/utility.ts); each window gets
// its own MessagePort to it, so API traffic never passes through this thread.
// This file is built and type-checked in CI but cannot be run there (no Electron binary offline).
import { app, BrowserWindow, MessageChannelMain, dialog, ipcMain, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { cspFor } from '../src-common/csp.ts';

const RENDERER_INDEX = join(import.meta.dirname, '../renderer/index.html');
const RENDERER_URL = new URL(`file://${RENDERER_INDEX}`).href;

let backend: Electron.UtilityProcess | null = null;

function workspacePath(): string {
  const fromArgs = process.argv.find((a) => a.startsWith('--workspace='));
  return fromArgs ? fromArgs.slice('--workspace='.length) : join(app.getPath('userData'), 'workspace.db');
}

function startBackend(): Electron.UtilityProcess {
  const child = utilityProcess.fork(join(import.meta.dirname, 'backend.js'), ['--workspace', workspacePath()], {
    serviceName: 'QGS Workbench backend',
    stdio: 'inherit',
  });
  child.on('exit', (code) => {
    backend = null;
    if (code !== 0 && !quitting) dialog.showErrorBox('Backend stopped', `The workbench backend exited with code ${code}.`);
  });
  return child;
}

function connectWindow(win: BrowserWindow): void {
  if (!backend) backend = startBackend();
  const { port1, port2 } = new MessageChannelMain();
  backend.postMessage({ type: 'connect' }, [port1]);
  win.webContents.postMessage('backend-port', null, [port2]);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'QGS Workbench',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-finish-load', () => connectWindow(win));
  void win.loadFile(RENDERER_INDEX);
  return win;
}

/** IPC sender check: only our own renderer page may use privileged channels. */
function fromOurRenderer(e: Electron.IpcMainInvokeEvent): boolean {
  return e.senderFrame?.url.split('#')[0]?.split('?')[0] === RENDERER_URL;
}

let quitting = false;

app.enableSandbox();
app.on('web-contents-created', (_e, contents) => {
  // Navigation and window limits: the app never leaves its own page; http(s) links open outside.
  contents.on('will-navigate', (e, url) => {
    if (url.split('#')[0] !== RENDERER_URL) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, done) => done(false));
  session.defaultSession.webRequest.onHeadersReceived((details, done) => {
    done({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [cspFor('electron')],
      },
    });
  });
  ipcMain.handle('dialog:open-file', async (e, kind: unknown) => {
    if (!fromOurRenderer(e)) throw new Error('refused: IPC from an unknown frame');
    const filters =
      kind === 'trec'
        ? [{ name: 'TREC run / qrels', extensions: ['txt', 'run', 'qrels', 'tsv'] }]
        : [{ name: 'Session log (JSONL)', extensions: ['jsonl', 'gz'] }];
    const r = await dialog.showOpenDialog({ properties: ['openFile'], filters });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('before-quit', () => {
  quitting = true;
  backend?.kill();
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
