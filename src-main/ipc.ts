// The privileged IPC the preload may invoke, as plain handlers: each checks the sender frame
// (isTrustedSender), validates its arguments, and grants the chosen path to the backend (awaiting
// the acknowledgement) before returning it to the renderer.
import { IPC, type Grant, type OpenKind, type SaveKind } from '../src-common/desktop-bridge.ts';
import { isOpenKind, isSaveKind } from './dialogs.ts';
import { isTrustedSender } from './security.ts';

export interface IpcEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcDeps {
  showOpen(kind: OpenKind, event: IpcEvent): Promise<string | null>;
  showSave(kind: SaveKind, defaultName: string | undefined, event: IpcEvent): Promise<string | null>;
  showFolder(event: IpcEvent): Promise<string | null>;
  grant(grants: Grant[]): Promise<void>;
  sendPort(event: IpcEvent): void;
}

export class IpcRefused extends Error {}

function requireTrusted(e: IpcEvent, channel: string): void {
  if (!isTrustedSender(e.senderFrame))
    throw new IpcRefused(`${channel}: refused, the request did not come from the app's own page`);
}

export function createIpcHandlers(d: IpcDeps) {
  return {
    [IPC.openFile]: async (e: IpcEvent, kind: unknown): Promise<string | null> => {
      requireTrusted(e, IPC.openFile);
      if (!isOpenKind(kind)) throw new IpcRefused(`${IPC.openFile}: unknown file kind ${JSON.stringify(kind)}`);
      const path = await d.showOpen(kind, e);
      if (path) await d.grant([{ path, mode: 'read' }]);
      return path;
    },
    [IPC.saveFile]: async (e: IpcEvent, kind: unknown, defaultName: unknown): Promise<string | null> => {
      requireTrusted(e, IPC.saveFile);
      if (!isSaveKind(kind)) throw new IpcRefused(`${IPC.saveFile}: unknown file kind ${JSON.stringify(kind)}`);
      if (defaultName !== undefined && typeof defaultName !== 'string')
        throw new IpcRefused(`${IPC.saveFile}: the default name must be a string`);
      const path = await d.showSave(kind, defaultName, e);
      if (path) await d.grant([{ path, mode: 'write' }]);
      return path;
    },
    [IPC.openFolder]: async (e: IpcEvent): Promise<string | null> => {
      requireTrusted(e, IPC.openFolder);
      const path = await d.showFolder(e);
      if (path) await d.grant([{ path, mode: 'folder' }]);
      return path;
    },
    /** One-way (ipcRenderer.send): a window asks for a (new) backend port. */
    [IPC.requestPort]: (e: IpcEvent): void => {
      if (!isTrustedSender(e.senderFrame)) return;
      d.sendPort(e);
    },
  };
}
