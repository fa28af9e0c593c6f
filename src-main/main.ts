// Electron main process: wiring only. The logic lives in plain modules beside this one (security,
// app-protocol, backend-host, restart-policy, window-state, menu, actions, ipc, single-instance,
// recent), each unit-tested with Electron faked (test/unit/electron/). The backend runs in a
// utilityProcess (plain Node, src-backend/hosts/utility.ts); each window gets its own MessagePort
// to it, so API traffic never passes through this thread. docs/security.md maps the checklist.
import {
  app,
  BrowserWindow,
  Menu,
  MessageChannelMain,
  dialog,
  ipcMain,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type MessagePortMain,
  type UtilityProcess,
} from 'electron';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiClient, portTransport } from '../src-common/api/client.ts';
import { IPC, type BackendStatus, type MenuCommand } from '../src-common/desktop-bridge.ts';
import { createActions } from './actions.ts';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { BackendHost, type BackendChild } from './backend-host.ts';
import { folderDialogOptions, openDialogOptions, saveDialogOptions } from './dialogs.ts';
import { createIpcHandlers, type IpcEvent } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { addRecent, parseRecent } from './recent.ts';
import { RestartPolicy } from './restart-policy.ts';
import {
  guardNavigation,
  isAllowedExternal,
  permissionCheckHandler,
  permissionRequestHandler,
  secureWebPreferences,
  windowOpenHandler,
  windowOptions,
} from './security.ts';
import { filesFromArgv, setupSingleInstance } from './single-instance.ts';
import { captureWindowState, windowStateKeeper } from './window-state.ts';

const APP_NAME = 'QGS Workbench';
const DOCS_URL = 'https://github.com/qgs-workbench/qgs-workbench#readme';
const RENDERER_DIR = join(import.meta.dirname, '../renderer');
const PRELOAD = join(import.meta.dirname, '../preload/preload.cjs');
const BACKEND = join(import.meta.dirname, 'backend.js');

// Before ready: app:// is a standard, secure scheme (a real origin for the page).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

const userFile = (name: string) => join(app.getPath('userData'), name);
const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};
const resourcesDir = () => (app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources'));

let mainWindow: BrowserWindow | null = null;
let recent: string[] = [];
let mainClient: ApiClient | null = null;
let firstStart = true;
let quitReady = false;

function logStream() {
  app.setAppLogsPath();
  const dir = app.getPath('logs');
  mkdirSync(dir, { recursive: true });
  return createWriteStream(join(dir, 'backend.log'), { flags: 'a' });
}

function focusedWindow(): BrowserWindow | null {
  return BrowserWindow.getFocusedWindow() ?? mainWindow;
}

function broadcast(channel: string, value: BackendStatus | MenuCommand): void {
  for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, value);
}

const host = new BackendHost<MessagePortMain>({
  fork: (workspacePath) => {
    const child = utilityProcess.fork(BACKEND, ['--workspace', workspacePath, '--resources', resourcesDir()], {
      serviceName: `${APP_NAME} backend`,
      stdio: 'pipe',
    });
    const log = logStream();
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return child as UtilityProcess & BackendChild;
  },
  sendPort: (child, port) => (child as unknown as UtilityProcess).postMessage({ type: 'connect' }, [port]),
  policy: new RestartPolicy(),
  now: () => Date.now(),
  schedule: (fn, ms) => void setTimeout(fn, ms),
  onStatus: (status) => {
    broadcast(IPC.backendStatus, status);
    const win = focusedWindow();
    const box = {
      type: status.state === 'gave-up' ? 'error' : 'warning',
      title: 'Backend stopped',
      message: status.message,
    } as const;
    void (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box));
  },
  onStarted: () => {
    // Main's own client (menu imports/exports) over its own port.
    const { port1, port2 } = new MessageChannelMain();
    host.connect(port1);
    mainClient = new ApiClient(
      portTransport({
        postMessage: (m) => port2.postMessage(m),
        addEventListener: (_type, fn) => port2.on('message', (e) => fn({ data: e.data })),
        start: () => port2.start(),
      }),
    );
    // After a restart or a workspace switch, windows reload and get a fresh port on load.
    if (!firstStart) for (const w of BrowserWindow.getAllWindows()) w.webContents.reload();
    firstStart = false;
  },
});

function connectWindow(win: BrowserWindow): void {
  const { port1, port2 } = new MessageChannelMain();
  host.connect(port1);
  win.webContents.postMessage(IPC.backendPort, null, [port2]);
}

function rememberWorkspace(path: string): void {
  recent = addRecent(recent, path);
  writeFileSync(userFile('recent-workspaces.json'), JSON.stringify(recent));
  app.addRecentDocument(path);
  buildMenu();
}

async function switchWorkspace(path: string): Promise<void> {
  await host.switchWorkspace(path);
  rememberWorkspace(path);
}

const actions = createActions({
  showOpen: async (kind) => {
    const win = focusedWindow();
    const r = win
      ? await dialog.showOpenDialog(win, openDialogOptions(kind))
      : await dialog.showOpenDialog(openDialogOptions(kind));
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  showSave: async (kind, name) => {
    const win = focusedWindow();
    const r = win
      ? await dialog.showSaveDialog(win, saveDialogOptions(kind, name))
      : await dialog.showSaveDialog(saveDialogOptions(kind, name));
    return r.canceled ? null : (r.filePath ?? null);
  },
  choose: async (message, choices) => {
    const win = focusedWindow();
    const opts = {
      type: 'question' as const,
      message,
      buttons: [...choices.slice(0, 10), 'Cancel'],
      cancelId: Math.min(choices.length, 10),
    };
    const r = win ? await dialog.showMessageBox(win, opts) : await dialog.showMessageBox(opts);
    return choices[r.response] ?? null;
  },
  grant: (grants) => host.grant(grants),
  api: () => {
    if (!mainClient) throw new Error('the backend is not running');
    return mainClient;
  },
  switchWorkspace,
  info: (title, message) => void dialog.showMessageBox({ type: 'info', title, message }),
  error: (title, message) => dialog.showErrorBox(title, message),
  progress: (f) => focusedWindow()?.setProgressBar(f ?? -1),
  dataChanged: (what) => {
    broadcast(IPC.menuCommand, { type: 'data-changed', what });
    // The views read on load; a reload shows the new data (their state lives in the URL hash).
    for (const w of BrowserWindow.getAllWindows()) w.webContents.reload();
  },
});

function buildMenu(): void {
  const template = buildMenuTemplate(
    {
      newWorkspace: () => void actions.newWorkspace(),
      openWorkspace: () => void actions.openWorkspace(),
      openRecent: (p) => void actions.openRecent(p),
      clearRecent: () => {
        recent = [];
        writeFileSync(userFile('recent-workspaces.json'), '[]');
        app.clearRecentDocuments();
        buildMenu();
      },
      importFile: (k) => void actions.importFile(k),
      addModel: () => void actions.addModel(),
      exportFile: (k) => void actions.exportFile(k),
      showVersion: () =>
        void dialog.showMessageBox({
          type: 'info',
          title: APP_NAME,
          message: `${APP_NAME} ${app.getVersion()}`,
          detail: `Electron ${process.versions.electron}\nChromium ${process.versions.chrome}\nNode ${process.versions.node}\nWorkspace ${host.workspacePath}`,
        }),
      openDocs: () => {
        // A constant, allow-listed https URL.
        if (isAllowedExternal(DOCS_URL)) void shell.openExternal(DOCS_URL); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
      },
      openLogFolder: () => void shell.openPath(app.getPath('logs')),
      restartBackend: () => host.retry(),
    },
    { platform: process.platform, recent, appName: APP_NAME, isDev: !app.isPackaged },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): BrowserWindow {
  const keeper = windowStateKeeper(
    {
      read: () => readText(userFile('window-state.json')),
      write: (t) => writeFileSync(userFile('window-state.json'), t),
    },
    () => screen.getAllDisplays().map((d) => d.workArea),
  );
  const state = keeper.load();
  const { maximized, ...bounds } = state;
  // The security preferences are spelled out here as well as in windowOptions() so that the static
  // checker (npm run lint:electron) sees them at the constructor; the unit tests check windowOptions.
  const win = new BrowserWindow({
    ...windowOptions(PRELOAD, bounds),
    webPreferences: {
      ...secureWebPreferences(PRELOAD),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (maximized) win.maximize();
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => keeper.save(captureWindowState(win)), 500);
  };
  win.on('resize', save);
  win.on('move', save);
  win.on('close', () => {
    clearTimeout(saveTimer);
    keeper.save(captureWindowState(win));
  });
  win.once('ready-to-show', () => win.show());
  // The page asks for its backend port (IPC.requestPort) once its listener is in place.
  void win.loadURL(APP_INDEX_URL);
  return win;
}

const launchFiles = filesFromArgv(process.argv, process.cwd());

const primary = setupSingleInstance({
  requestLock: () => app.requestSingleInstanceLock(),
  quit: () => app.quit(),
  onSecondInstance: (fn) => app.on('second-instance', (_e, argv, cwd) => fn(argv, cwd)),
  focus: () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  },
  open: (files) => void actions.openLaunchFiles(files),
});

app.on('web-contents-created', (_e, contents) => {
  // The app never leaves its own page; no webviews; no new windows (allow-listed links go outside).
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (e) => e.preventDefault());
  // windowOpenHandler calls this only for isAllowedExternal() URLs (https, allow-listed hosts).
  const openAllowed = (url: string) => void shell.openExternal(url); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
  contents.setWindowOpenHandler(windowOpenHandler(openAllowed));
});

if (primary) {
  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler(permissionRequestHandler);
    ses.setPermissionCheckHandler(permissionCheckHandler);
    protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: RENDERER_DIR, readFile: (p) => readFile(p) }));

    const handlers = createIpcHandlers({
      showOpen: (kind, e) => dialogFor(e, openDialogOptions(kind)),
      showSave: async (kind, name, e) => {
        const win = windowOf(e);
        const r = win
          ? await dialog.showSaveDialog(win, saveDialogOptions(kind, name))
          : await dialog.showSaveDialog(saveDialogOptions(kind, name));
        return r.canceled ? null : (r.filePath ?? null);
      },
      showFolder: (e) => dialogFor(e, folderDialogOptions()),
      grant: (grants) => host.grant(grants),
      sendPort: (e) => {
        const win = windowOf(e);
        if (win) connectWindow(win);
      },
    });
    ipcMain.handle(IPC.openFile, (e, kind) => handlers[IPC.openFile](e, kind));
    ipcMain.handle(IPC.saveFile, (e, kind, name) => handlers[IPC.saveFile](e, kind, name));
    ipcMain.handle(IPC.openFolder, (e) => handlers[IPC.openFolder](e));
    ipcMain.on(IPC.requestPort, (e) => handlers[IPC.requestPort](e));

    recent = parseRecent(readText(userFile('recent-workspaces.json')));
    const fromArgs = launchFiles.find((f) => f.kind === 'workspace')?.path;
    const workspace = fromArgs ?? recent[0] ?? userFile('workspace.db');
    host.start(workspace);
    rememberWorkspace(workspace);
    mainWindow = createWindow();
    mainWindow.on('closed', () => (mainWindow = null));
    const others = launchFiles.filter((f) => f.kind !== 'workspace');
    if (others.length) mainWindow.webContents.once('did-finish-load', () => void actions.openLaunchFiles(others));
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
  });
}

function windowOf(e: IpcEvent): BrowserWindow | null {
  const sender = (e as unknown as { sender?: Electron.WebContents }).sender;
  return sender ? BrowserWindow.fromWebContents(sender) : null;
}

async function dialogFor(e: IpcEvent, opts: Electron.OpenDialogOptions): Promise<string | null> {
  const win = windowOf(e);
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

// Clean quit: hold the quit until the backend has closed its store (WAL checkpoint), then go on.
app.on('before-quit', (e) => {
  if (quitReady || !host.running) return;
  e.preventDefault();
  void host.shutdown().finally(() => {
    quitReady = true;
    app.quit();
  });
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
