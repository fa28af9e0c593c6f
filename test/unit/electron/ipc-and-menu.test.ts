// IPC handlers (sender check, argument validation, grant-before-return), the application menu,
// single-instance handling and the recent list — src-main modules with Electron faked.
import { describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { IPC, type Grant } from '../../../src-common/desktop-bridge.ts';
import { createIpcHandlers, IpcRefused, type IpcDeps } from '../../../src-main/ipc.ts';
import { APP_INDEX_URL } from '../../../src-main/app-protocol.ts';
import { buildMenuTemplate, type MenuActions } from '../../../src-main/menu.ts';
import { classifyLaunchFile, filesFromArgv, setupSingleInstance } from '../../../src-main/single-instance.ts';
import { addRecent, MAX_RECENT, parseRecent } from '../../../src-main/recent.ts';
import { openDialogOptions, saveDialogOptions, safeFileName } from '../../../src-main/dialogs.ts';
import type { MenuItemConstructorOptions } from 'electron';

const trusted = { senderFrame: { url: APP_INDEX_URL, parent: null } };
const untrusted = [
  { senderFrame: { url: 'https://evil.example/', parent: null } },
  { senderFrame: { url: APP_INDEX_URL, parent: {} } },
  { senderFrame: null },
];

function fakeDeps(chosen: string | null) {
  const log: string[] = [];
  const deps: IpcDeps = {
    showOpen: vi.fn(async (kind) => (log.push(`open:${kind}`), chosen)),
    showSave: vi.fn(async (kind, name) => (log.push(`save:${kind}:${name}`), chosen)),
    showFolder: vi.fn(async () => (log.push('folder'), chosen)),
    grant: vi.fn(async (g: Grant[]) => {
      await new Promise((r) => setTimeout(r, 5)); // the ack takes a while: the return must wait for it
      log.push(`grant:${g.map((x) => `${x.mode}:${x.path}`).join(',')}`);
    }),
    sendPort: vi.fn(() => log.push('port')),
  };
  return { deps, log };
}

describe('IPC handlers', () => {
  it('open: dialog, then grant (acknowledged), then the path goes back', async () => {
    const { deps, log } = fakeDeps('/data/s.jsonl');
    const h = createIpcHandlers(deps);
    const path = await h[IPC.openFile](trusted, 'sessions');
    log.push('returned');
    expect(path).toBe('/data/s.jsonl');
    expect(log).toEqual(['open:sessions', 'grant:read:/data/s.jsonl', 'returned']);
  });

  it('save grants for writing, folder for the folder; cancel grants nothing', async () => {
    const { deps, log } = fakeDeps('/out/run.txt');
    const h = createIpcHandlers(deps);
    await h[IPC.saveFile](trusted, 'trecRun', 'mine.run.txt');
    await h[IPC.openFolder](trusted);
    expect(log).toEqual([
      'save:trecRun:mine.run.txt',
      'grant:write:/out/run.txt',
      'folder',
      'grant:folder:/out/run.txt',
    ]);
    const cancelled = fakeDeps(null);
    expect(await createIpcHandlers(cancelled.deps)[IPC.openFile](trusted, 'model')).toBeNull();
    expect(cancelled.deps.grant).not.toHaveBeenCalled();
  });

  it('label-event files (Team → files): open grants reading, save grants writing, a .jsonl default name', async () => {
    const { deps, log } = fakeDeps('/team/ana.jsonl');
    const h = createIpcHandlers(deps);
    await h[IPC.openFile](trusted, 'labelEvents');
    await h[IPC.saveFile](trusted, 'labelEvents', 'my-label-events.jsonl');
    expect(log).toEqual([
      'open:labelEvents',
      'grant:read:/team/ana.jsonl',
      'save:labelEvents:my-label-events.jsonl',
      'grant:write:/team/ana.jsonl',
    ]);
    expect(saveDialogOptions('labelEvents').defaultPath).toBe('label-events.jsonl');
    expect(openDialogOptions('labelEvents').filters?.[0]?.extensions).toEqual(['jsonl']);
  });

  it.each(untrusted)('refuses a sender that is not the app page (%j), without showing a dialog', async (e) => {
    const { deps } = fakeDeps('/x');
    const h = createIpcHandlers(deps);
    await expect(h[IPC.openFile](e, 'sessions')).rejects.toBeInstanceOf(IpcRefused);
    await expect(h[IPC.saveFile](e, 'qrels', undefined)).rejects.toBeInstanceOf(IpcRefused);
    await expect(h[IPC.openFolder](e)).rejects.toBeInstanceOf(IpcRefused);
    h[IPC.requestPort](e);
    expect(deps.showOpen).not.toHaveBeenCalled();
    expect(deps.sendPort).not.toHaveBeenCalled();
  });

  it('validates arguments from the page', async () => {
    const { deps } = fakeDeps('/x');
    const h = createIpcHandlers(deps);
    await expect(h[IPC.openFile](trusted, '../etc')).rejects.toThrow(/unknown file kind/);
    await expect(h[IPC.openFile](trusted, { kind: 'sessions' })).rejects.toThrow(/unknown file kind/);
    await expect(h[IPC.saveFile](trusted, 'trecRun', 42)).rejects.toThrow(/must be a string/);
    h[IPC.requestPort](trusted);
    expect(deps.sendPort).toHaveBeenCalledOnce();
  });

  it('save dialogs get a plain default name (no folders from the page)', () => {
    expect(saveDialogOptions('trecRun', '../../etc/passwd').defaultPath).toBe('_.._etc_passwd');
    expect(safeFileName('a/b\\c:d', 'x')).toBe('a_b_c_d');
    expect(safeFileName('', 'run.txt')).toBe('run.txt');
    expect(saveDialogOptions('qrels').defaultPath).toBe('qrels.txt');
  });
});

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();

describe('application menu', () => {
  const actions = (): { [K in keyof MenuActions]: MenuActions[K] & ReturnType<typeof vi.fn<MenuActions[K]>> } =>
    Object.fromEntries(
      [
        'newWorkspace',
        'openWorkspace',
        'openRecent',
        'clearRecent',
        'importFile',
        'addModel',
        'exportFile',
        'showVersion',
        'openDocs',
        'openLogFolder',
        'restartBackend',
      ].map((k) => [k, vi.fn()]),
    ) as never;

  it('File, Edit, View, Help with every required entry wired to its action', () => {
    const a = actions();
    const t = buildMenuTemplate(a, {
      platform: 'linux',
      recent: ['/w/a.db', '/w/b.db'],
      appName: 'QGS Workbench',
      isDev: false,
    });
    expect(t.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    const all = flatten(t);
    const byLabel = (re: RegExp) => all.find((i) => typeof i.label === 'string' && re.test(i.label.replace(/&/g, '')));
    click(byLabel(/^New Workspace/));
    click(byLabel(/^Open Workspace/));
    click(byLabel(/^Import Session Log/));
    click(byLabel(/^Import TREC Run/));
    click(byLabel(/^Import Qrels/));
    click(byLabel(/^Add Model/));
    click(byLabel(/^Export Run/));
    click(byLabel(/^Export Qrels/));
    click(byLabel(/Version/));
    click(byLabel(/^Documentation/));
    click(byLabel(/^Open Log Folder/));
    click(byLabel(/b\.db/));
    expect(a.newWorkspace).toHaveBeenCalledOnce();
    expect(a.openWorkspace).toHaveBeenCalledOnce();
    expect(a.importFile.mock.calls).toEqual([['sessions'], ['trecRun'], ['qrels']]);
    expect(a.addModel).toHaveBeenCalledOnce();
    expect(a.exportFile.mock.calls).toEqual([['trecRun'], ['qrels']]);
    expect(a.showVersion).toHaveBeenCalledOnce();
    expect(a.openDocs).toHaveBeenCalledOnce();
    expect(a.openLogFolder).toHaveBeenCalledOnce();
    expect(a.openRecent).toHaveBeenCalledWith('/w/b.db');
    expect(all.some((i) => i.role === 'quit')).toBe(true);
  });

  it('developer tools only in development; macOS gets the app menu and no File ▸ Quit', () => {
    const prod = flatten(buildMenuTemplate(actions(), { platform: 'win32', recent: [], appName: 'Q', isDev: false }));
    expect(prod.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(prod.find((i) => i.label === 'No recent workspaces')?.enabled).toBe(false);
    const dev = flatten(buildMenuTemplate(actions(), { platform: 'win32', recent: [], appName: 'Q', isDev: true }));
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
    const mac = buildMenuTemplate(actions(), { platform: 'darwin', recent: [], appName: 'Q', isDev: false });
    expect(mac[0]!.label).toBe('Q');
    const file = mac.find((m) => m.label === '&File')!;
    expect(flatten(file.submenu as MenuItemConstructorOptions[]).some((i) => i.role === 'quit')).toBe(false);
  });
});

describe('single instance', () => {
  it('the second launch quits; the first focuses and opens the files it was given', () => {
    let secondInstance: ((argv: string[], cwd: string) => void) | undefined;
    const focus = vi.fn();
    const open = vi.fn();
    const quit = vi.fn();
    const first = setupSingleInstance({
      requestLock: () => true,
      quit,
      onSecondInstance: (fn) => (secondInstance = fn),
      focus,
      open,
    });
    expect(first).toBe(true);
    secondInstance!(
      ['/opt/QGS Workbench/qgs-workbench', '--some-chromium-switch', 'logs/day1.jsonl', 'w.db'],
      '/home/ana',
    );
    expect(focus).toHaveBeenCalledOnce();
    expect(open).toHaveBeenCalledWith([
      { kind: 'sessions', path: '/home/ana/logs/day1.jsonl' },
      { kind: 'workspace', path: '/home/ana/w.db' },
    ]);
    secondInstance!(['/opt/app'], '/');
    expect(focus).toHaveBeenCalledTimes(2);
    expect(open).toHaveBeenCalledOnce(); // nothing to open: just focus

    const second = setupSingleInstance({ requestLock: () => false, quit, onSecondInstance: vi.fn(), focus, open });
    expect(second).toBe(false);
    expect(quit).toHaveBeenCalledOnce();
  });

  it('command-line files: known kinds only, flags skipped, --workspace= honoured', () => {
    expect(
      filesFromArgv(['exe', '.', '--inspect=9229', '-x', 'model.ONNX', 'notes.txt', '--workspace=ws/a.db'], '/c'),
    ).toEqual([
      { kind: 'model', path: resolve('/c/model.ONNX') },
      { kind: 'workspace', path: join('/c', 'ws/a.db') },
    ]);
    expect(classifyLaunchFile('x.jsonl.gz')).toEqual({ kind: 'sessions', path: 'x.jsonl.gz' });
    expect(classifyLaunchFile('x.exe')).toBeNull();
  });
});

describe('recent workspaces', () => {
  it('newest first, no duplicates, bounded; a corrupt file gives an empty list', () => {
    let list: string[] = [];
    for (let i = 0; i < 15; i++) list = addRecent(list, `/w/${i}.db`);
    list = addRecent(list, '/w/10.db');
    expect(list[0]).toBe('/w/10.db');
    expect(list).toHaveLength(MAX_RECENT);
    expect(new Set(list).size).toBe(list.length);
    expect(parseRecent('{not json')).toEqual([]);
    expect(parseRecent(JSON.stringify(['/ok.db', 'relative.db', 42, null]))).toEqual(['/ok.db']);
  });
});
