// Preload (sandboxed, context-isolated): exposes one object, `window.qgsDesktop`, implementing
// DesktopBridge (src-common/desktop-bridge.ts) — checked by `satisfies` below, and implemented by
// browser mode too (src-renderer/src/lib/backend.ts). The backend MessagePort cannot cross
// contextBridge, so it is handed to the page with window.postMessage, addressed to the app's own
// origin only. Nothing else from Electron or Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type BackendStatus, type DesktopBridge, type MenuCommand } from '../src-common/desktop-bridge.ts';
import { APP_ORIGIN } from './app-origin.ts';

ipcRenderer.on(IPC.backendPort, (e) => {
  window.postMessage('qgs:backend-port', APP_ORIGIN, e.ports);
});

function subscribe<T>(channel: string, fn: (value: T) => void): () => void {
  // Only the value crosses into the page; never the IpcRendererEvent (it exposes `sender`).
  const listener = (_e: unknown, value: T) => fn(value);
  ipcRenderer.on(channel, listener);
  return () => ipcRenderer.removeListener(channel, listener);
}

const bridge = {
  host: 'electron',
  nativeDialogs: true,
  openFile: (kind) => ipcRenderer.invoke(IPC.openFile, kind) as Promise<string | null>,
  saveFile: (kind, defaultName) => ipcRenderer.invoke(IPC.saveFile, kind, defaultName) as Promise<string | null>,
  openFolder: () => ipcRenderer.invoke(IPC.openFolder) as Promise<string | null>,
  requestBackendPort: () => ipcRenderer.send(IPC.requestPort),
  onMenuCommand: (fn) => subscribe<MenuCommand>(IPC.menuCommand, fn),
  onBackendStatus: (fn) => subscribe<BackendStatus>(IPC.backendStatus, fn),
} as const satisfies DesktopBridge;

contextBridge.exposeInMainWorld('qgsDesktop', bridge);
