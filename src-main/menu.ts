// The application menu as a template built from plain data and callbacks (unit-tested without
// Electron): File (workspaces, imports, model, export), Edit, View, Help.
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  newWorkspace(): void;
  openWorkspace(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  importFile(kind: 'sessions' | 'trecRun' | 'qrels'): void;
  addModel(): void;
  exportFile(kind: 'trecRun' | 'qrels'): void;
  showVersion(): void;
  openDocs(): void;
  openLogFolder(): void;
  restartBackend(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  recent: readonly string[];
  appName: string;
  /** Developer tools only in development builds. */
  isDev: boolean;
}

export function buildMenuTemplate(a: MenuActions, ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = ctx.recent.length
    ? [
        ...ctx.recent.map((p, i): MenuItemConstructorOptions => ({
          label: `${i < 9 ? `&${i + 1} ` : ''}${basename(p)} — ${p}`,
          click: () => a.openRecent(p),
        })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => a.clearRecent() },
      ]
    : [{ label: 'No recent workspaces', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: '&New Workspace…', accelerator: 'CmdOrCtrl+Shift+N', click: () => a.newWorkspace() },
      { label: '&Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => a.openWorkspace() },
      { label: 'Open &Recent', submenu: recent },
      { type: 'separator' },
      { label: 'Import &Session Log…', accelerator: 'CmdOrCtrl+I', click: () => a.importFile('sessions') },
      { label: 'Import TREC &Run…', click: () => a.importFile('trecRun') },
      { label: 'Import &Qrels…', click: () => a.importFile('qrels') },
      { label: 'Add &Model…', click: () => a.addModel() },
      { type: 'separator' },
      { label: '&Export Run…', accelerator: 'CmdOrCtrl+E', click: () => a.exportFile('trecRun') },
      { label: 'Export Q&rels…', click: () => a.exportFile('qrels') },
      ...(mac ? [] : ([{ type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[])),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(ctx.isDev ? ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: `${ctx.appName} &Version…`, click: () => a.showVersion() },
      { label: '&Documentation', click: () => a.openDocs() },
      { label: 'Open &Log Folder', click: () => a.openLogFolder() },
      { type: 'separator' },
      { label: 'Restart &Backend', click: () => a.restartBackend() },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: ctx.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, help];
}
