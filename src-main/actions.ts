// What the menu and command-line files do, with every Electron/OS effect passed in (tests fake
// them). Every file comes from a native dialog (or the command line / recent list) and is granted
// to the backend — and acknowledged — before the backend is asked to touch it.
import { basename } from 'node:path';
import type { Grant, MenuCommand, OpenKind, SaveKind } from '../src-common/desktop-bridge.ts';
import type { ApiClient } from '../src-common/api/client.ts';
import type { ImportReport } from '../src-common/api/types.ts';
import type { LaunchFile } from './single-instance.ts';

export interface ActionDeps {
  showOpen(kind: OpenKind): Promise<string | null>;
  showSave(kind: SaveKind, defaultName: string): Promise<string | null>;
  /** Asks the user to pick one of `choices`; null when cancelled. */
  choose(message: string, choices: string[]): Promise<string | null>;
  grant(grants: Grant[]): Promise<void>;
  api(): Pick<ApiClient, 'call'>;
  switchWorkspace(path: string): Promise<void>;
  info(title: string, message: string): void;
  error(title: string, message: string): void;
  /** Taskbar progress: 0..1, or null to clear. */
  progress(fraction: number | null): void;
  /** The data changed under the windows (import, model added): let them re-read it. */
  dataChanged(what: MenuCommand['what']): void;
}

/** qrels need a set name: the file's name without its extensions ("ground-truth.qrels.txt" → "ground-truth"). */
export function setNameFromFile(path: string): string {
  const name = basename(path).replace(/(\.(gz|txt|qrels|tsv))+$/i, '');
  return name.replace(/[^\w.-]+/g, '-').slice(0, 100) || 'qrels';
}

function describeImport(r: ImportReport): string {
  if (r.alreadyImported) return `${r.file} was already imported; nothing changed.`;
  const parts = [
    r.sessions ? `${r.sessions} sessions` : '',
    r.turns ? `${r.turns} turns` : '',
    r.resultRows ? `${r.resultRows} rows` : '',
  ].filter(Boolean);
  return `Imported ${parts.join(', ') || 'nothing'} from ${r.file}.${r.warnings.length ? `\n\n${r.warnings.slice(0, 5).join('\n')}` : ''}`;
}

export function createActions(d: ActionDeps) {
  const onProgress = (p: { done: number; total: number | null }) => d.progress(p.total ? p.done / p.total : null);

  async function guarded(title: string, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (err) {
      d.error(title, (err as Error).message);
    } finally {
      d.progress(null);
    }
  }

  async function importPath(kind: 'sessions' | 'trecRun' | 'qrels', path: string): Promise<void> {
    await guarded('Import failed', async () => {
      await d.grant([{ path, mode: 'read' }]);
      const api = d.api();
      const report =
        kind === 'sessions'
          ? await api.call('import.sessions', { path }, { onProgress })
          : kind === 'trecRun'
            ? await api.call('import.trecRun', { path }, { onProgress })
            : await api.call('import.qrels', { path, setName: setNameFromFile(path) }, { onProgress });
      d.dataChanged(kind);
      d.info('Import finished', describeImport(report));
    });
  }

  async function addModelPath(path: string): Promise<void> {
    await guarded('Model not added', async () => {
      await d.grant([{ path, mode: 'read' }]);
      await d.api().call('models.add', { path });
      d.dataChanged('model');
      d.info('Model added', `${basename(path)} was checked against the model contract and added.`);
    });
  }

  return {
    async importFile(kind: 'sessions' | 'trecRun' | 'qrels'): Promise<void> {
      const path = await d.showOpen(kind);
      if (path) await importPath(kind, path);
    },
    importPath,
    async addModel(): Promise<void> {
      const path = await d.showOpen('model');
      if (path) await addModelPath(path);
    },
    addModelPath,
    async exportFile(kind: 'trecRun' | 'qrels'): Promise<void> {
      await guarded('Export failed', async () => {
        const stats = await d.api().call('workspace.stats', {});
        const names = kind === 'trecRun' ? stats.runs : stats.qrelsSets;
        const what = kind === 'trecRun' ? 'run' : 'judgment set';
        if (names.length === 0) {
          d.info('Nothing to export', `This workspace has no ${what} yet: import one first.`);
          return;
        }
        const name = names.length === 1 ? names[0]! : await d.choose(`Which ${what} do you want to export?`, names);
        if (!name) return;
        const path = await d.showSave(kind, `${name}.${kind === 'trecRun' ? 'run' : 'qrels'}.txt`);
        if (!path) return;
        await d.grant([{ path, mode: 'write' }]);
        const r =
          kind === 'trecRun'
            ? await d.api().call('export.trecRun', { tag: name, path }, { onProgress })
            : await d.api().call('export.qrels', { setName: name, path }, { onProgress });
        d.info('Export finished', `Wrote ${r.rows} lines to ${r.path}.`);
      });
    },
    async openWorkspace(): Promise<void> {
      const path = await d.showOpen('workspace');
      if (path) await guarded('Workspace not opened', () => d.switchWorkspace(path));
    },
    async newWorkspace(): Promise<void> {
      const path = await d.showSave('workspace', 'workspace.db');
      if (path) await guarded('Workspace not created', () => d.switchWorkspace(path));
    },
    async openRecent(path: string): Promise<void> {
      await guarded('Workspace not opened', () => d.switchWorkspace(path));
    },
    /** Files from the command line (first launch or a second instance). */
    async openLaunchFiles(files: LaunchFile[]): Promise<void> {
      for (const f of files) {
        if (f.kind === 'workspace') await guarded('Workspace not opened', () => d.switchWorkspace(f.path));
        else if (f.kind === 'sessions') await importPath('sessions', f.path);
        else await addModelPath(f.path);
      }
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
