// Preload (sandboxed, context-isolated). Exposes nothing but: the backend MessagePort, handed to the
// page with window.postMessage (ports cannot cross contextBridge), and a native file picker.
import { contextBridge, ipcRenderer } from 'electron';

ipcRenderer.on('backend-port', (e) => {
  // The page is file://, whose origin is opaque, so no origin can be named here; the message goes
  // to this same window only and carries nothing but the port (the renderer checks e.source).
  window.postMessage('qgs:backend-port', '*', e.ports);
});

contextBridge.exposeInMainWorld('qgsDesktop', {
  openFile: (kind: 'sessions' | 'trec'): Promise<string | null> => ipcRenderer.invoke('dialog:open-file', kind),
});
