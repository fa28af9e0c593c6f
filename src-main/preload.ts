// Preload (sandboxed, context-isolated). Exposes nothing but: the backend MessagePort, handed to the
// page with window.postMessage (ports cannot cross contextBridge), and a native file picker.
import { contextBridge, ipcRenderer } from 'electron';

ipcRenderer.on('backend-port', (e) => {
  window.postMessage('qgs:backend-port', window.location.origin, e.ports);
});

contextBridge.exposeInMainWorld('qgsDesktop', {
  openFile: (kind: 'sessions' | 'trec'): Promise<string | null> => ipcRenderer.invoke('dialog:open-file', kind),
});
