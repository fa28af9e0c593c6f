// The one bridge between the renderer and its host (docs/security.md, item 2).
// - Electron: src-main/preload.ts exposes `window.qgsDesktop` implementing DesktopBridge
//   (checked with `satisfies`); the backend MessagePort itself cannot cross contextBridge, so it
//   arrives by window.postMessage('qgs:backend-port') after `requestBackendPort()`.
// - Browser mode: src-renderer/src/lib/backend.ts implements the same interface (no native
//   dialogs: the pickers resolve null and the renderer shows a path field instead).
// Also the messages main and the backend utility process exchange (grants, shutdown), so both
// sides are typed from one place.

/** What an open dialog is for: picks its title and file filters. */
export type OpenKind = 'sessions' | 'trecRun' | 'qrels' | 'model' | 'workspace' | 'labelEvents';
/** What a save dialog is for. */
export type SaveKind = 'trecRun' | 'qrels' | 'workspace' | 'labelEvents';

export const OPEN_KINDS: readonly OpenKind[] = ['sessions', 'trecRun', 'qrels', 'model', 'workspace', 'labelEvents'];
export const SAVE_KINDS: readonly SaveKind[] = ['trecRun', 'qrels', 'workspace', 'labelEvents'];

/** What the main process tells windows after a menu action (imports and models run in main). */
export type MenuCommand = { type: 'data-changed'; what: 'sessions' | 'trecRun' | 'qrels' | 'model' | 'workspace' };

/** Backend lifecycle, as the main process reports it to windows. */
export type BackendStatus =
  { state: 'restarting'; crashes: number; message: string } | { state: 'gave-up'; crashes: number; message: string };

export interface DesktopBridge {
  readonly host: 'electron' | 'browser';
  /** True when the pickers below show native dialogs; false → the renderer asks for a typed path. */
  readonly nativeDialogs: boolean;
  /** Native open dialog; resolves the chosen absolute path (now granted to the backend) or null. */
  openFile(kind: OpenKind): Promise<string | null>;
  /** Native save dialog; resolves the chosen absolute path (granted for writing) or null. */
  saveFile(kind: SaveKind, defaultName?: string): Promise<string | null>;
  /** Native folder picker (demo output); resolves the folder (granted) or null. */
  openFolder(): Promise<string | null>;
  /** Asks the host to (re)send the backend MessagePort; no-op in browser mode. */
  requestBackendPort(): void;
  /** Menu commands for this window; returns an unsubscribe function. */
  onMenuCommand(fn: (command: MenuCommand) => void): () => void;
  /** Backend restarts / give-up; returns an unsubscribe function. */
  onBackendStatus(fn: (status: BackendStatus) => void): () => void;
}

/** IPC channel names (renderer → main invoke, main → renderer send). One list, so no typo drifts. */
export const IPC = {
  openFile: 'qgs:dialog-open-file',
  saveFile: 'qgs:dialog-save-file',
  openFolder: 'qgs:dialog-open-folder',
  requestPort: 'qgs:request-backend-port',
  backendPort: 'qgs:backend-port',
  menuCommand: 'qgs:menu-command',
  backendStatus: 'qgs:backend-status',
} as const;

/** How a grant may be used: a file to read, a file to write (save dialog), a whole folder. */
export type GrantMode = 'read' | 'write' | 'folder';
export interface Grant {
  path: string;
  mode: GrantMode;
}

/** Main → backend utility process (over its parent port). */
export type MainToBackend = { type: 'connect' } | { type: 'grant'; id: number; grants: Grant[] } | { type: 'shutdown' };

/** Backend utility process → main. */
export type BackendToMain = { type: 'granted'; id: number } | { type: 'closed' } | { type: 'ready' };
