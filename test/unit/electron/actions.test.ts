// Menu and command-line workflows (src-main/actions.ts) with dialogs, grants and the API faked:
// every file is granted — and the grant acknowledged — before the backend is asked to use it.
import { describe, expect, it, vi } from 'vitest';
import { createActions, setNameFromFile, type ActionDeps } from '../../../src-main/actions.ts';

function deps(over: Partial<ActionDeps> = {}, stats = { runs: ['bm25'], qrelsSets: ['gold', 'silver'] }) {
  const log: string[] = [];
  const call = vi.fn(async (method: string, input: Record<string, unknown>) => {
    log.push(`call:${method}:${JSON.stringify(input)}`);
    if (method === 'workspace.stats') return stats;
    if (method.startsWith('export.')) return { path: input.path, rows: 7 };
    if (method === 'models.add') return {};
    return { file: input.path, alreadyImported: false, sessions: 3, turns: 9, resultRows: 20, warnings: [] };
  });
  const d: ActionDeps = {
    showOpen: async (kind) => (log.push(`open:${kind}`), `/data/${kind}.file`),
    showSave: async (kind, name) => (log.push(`save:${kind}:${name}`), `/out/${name}`),
    choose: async (_m, choices) => (log.push(`choose:${choices.join('|')}`), choices[1] ?? null),
    grant: async (g) => {
      await new Promise((r) => setTimeout(r, 2));
      log.push(`grant:${g.map((x) => `${x.mode}:${x.path}`).join(',')}`);
    },
    api: () => ({ call }) as never,
    switchWorkspace: async (p) => void log.push(`switch:${p}`),
    info: (t) => log.push(`info:${t}`),
    error: (t, m) => log.push(`error:${t}:${m}`),
    progress: () => {},
    dataChanged: (w) => log.push(`changed:${w}`),
    ...over,
  };
  return { d, log, call };
}

describe('menu actions', () => {
  it('import qrels: dialog → grant → import with a set name from the file → refresh → report', async () => {
    const { d, log } = deps();
    await createActions(d).importFile('qrels');
    expect(log).toEqual([
      'open:qrels',
      'grant:read:/data/qrels.file',
      'call:import.qrels:{"path":"/data/qrels.file","setName":"qrels.file"}',
      'changed:qrels',
      'info:Import finished',
    ]);
  });

  it('a cancelled dialog does nothing', async () => {
    const { d, log, call } = deps({ showOpen: async () => null });
    await createActions(d).importFile('sessions');
    await createActions(d).addModel();
    expect(call).not.toHaveBeenCalled();
    expect(log).toEqual([]);
  });

  it('export: pick the set when there are several, save dialog, write grant, export', async () => {
    const { d, log } = deps();
    await createActions(d).exportFile('qrels');
    expect(log).toEqual([
      'call:workspace.stats:{}',
      'choose:gold|silver',
      'save:qrels:silver.qrels.txt',
      'grant:write:/out/silver.qrels.txt',
      'call:export.qrels:{"setName":"silver","path":"/out/silver.qrels.txt"}',
      'info:Export finished',
    ]);
  });

  it('export with nothing to export says so', async () => {
    const { d, log } = deps({}, { runs: [], qrelsSets: [] });
    await createActions(d).exportFile('trecRun');
    expect(log).toEqual(['call:workspace.stats:{}', 'info:Nothing to export']);
  });

  it('a backend error is shown, not thrown', async () => {
    const { d, log } = deps({
      grant: async () => Promise.reject(new Error('the backend did not acknowledge the file grant')),
    });
    await createActions(d).importFile('sessions');
    expect(log).toEqual(['open:sessions', 'error:Import failed:the backend did not acknowledge the file grant']);
  });

  it('command-line files: workspace switch, session import, model add — in order', async () => {
    const { d, log } = deps();
    await createActions(d).openLaunchFiles([
      { kind: 'workspace', path: '/w/a.db' },
      { kind: 'sessions', path: '/d/s.jsonl' },
      { kind: 'model', path: '/m/x.onnx' },
    ]);
    expect(log).toEqual([
      'switch:/w/a.db',
      'grant:read:/d/s.jsonl',
      'call:import.sessions:{"path":"/d/s.jsonl"}',
      'changed:sessions',
      'info:Import finished',
      'grant:read:/m/x.onnx',
      'call:models.add:{"path":"/m/x.onnx"}',
      'changed:model',
      'info:Model added',
    ]);
  });

  it('set names from qrels file names', () => {
    expect(setNameFromFile('/x/ground-truth.qrels.txt')).toBe('ground-truth');
    expect(setNameFromFile('/x/judged 2026.txt.gz')).toBe('judged-2026');
    expect(setNameFromFile('/x/.txt')).toBe('qrels');
  });
});
