// The demo generator's output is a valid session log and qrels file for the importers.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { generateDemo } from '../../../src-backend/data/demo/generate.ts';
import { openStore, listSessions, workspaceStats } from '../../../src-backend/store/index.ts';
import { importSessionLog } from '../../../src-backend/data/session-log.ts';
import { importQrels } from '../../../src-backend/data/trec.ts';
import { tempDir } from './helpers.ts';

describe('demo workspace import', () => {
  it('imports the generated sessions and qrels with matching counts', async () => {
    const dir = tempDir();
    const summary = await generateDemo({ seed: 7, sessions: 40, outDir: join(dir, 'demo'), gzip: true });
    const store = openStore(join(dir, 'w.db'));
    const report = await importSessionLog(store, summary.files.sessions);
    expect(report).toMatchObject({ sessions: summary.sessions, turns: summary.turns, resultRows: summary.resultRows });
    const q = await importQrels(store, summary.files.qrels, { setName: 'ground-truth' });
    expect(q.resultRows).toBe(summary.resultRows);
    expect(workspaceStats(store)).toMatchObject({ sessions: 40, users: summary.users, qrelsSets: ['ground-truth'] });
    // Query switches exist in the demo, so the has-switch filter finds sessions.
    expect(listSessions(store, { hasSwitch: true, offset: 0, limit: 1 }).total).toBeGreaterThan(0);
    store.close();
  });

  it('imports the shipped resources/demo with the counts its README states: the held-out users only', async () => {
    const demo = join(import.meta.dirname, '../../../resources/demo');
    const store = openStore(join(tempDir(), 'shipped.db'));
    const report = await importSessionLog(store, join(demo, 'sessions.jsonl.gz'));
    expect(report).toMatchObject({ sessions: 1243, turns: 5425, resultRows: 81_469 });
    const q = await importQrels(store, join(demo, 'qrels.txt'), { setName: 'ground-truth' });
    expect(q.resultRows).toBe(81_469);
    const stats = workspaceStats(store);
    expect(stats).toMatchObject({ sessions: 1243, users: 372, turns: 5425 });
    // The ten features of features.json, and nothing else, arrive in the workspace.
    const spec = JSON.parse(readFileSync(join(demo, 'features.json'), 'utf8')) as { groups: { features: string[] }[] };
    expect([...stats.featureNames].sort()).toEqual(spec.groups.flatMap((g) => g.features).sort());
    const readme = readFileSync(join(demo, 'README.md'), 'utf8');
    for (const n of ['1,243 sessions', '372 users', '5,425 turns', '81,469 result rows']) expect(readme).toContain(n);
    // Every session belongs to a test-split user: nobody the shipped models were trained on.
    expect(listSessions(store, { split: 'train', offset: 0, limit: 1 }).total).toBe(0);
    expect(listSessions(store, { split: 'test', offset: 0, limit: 1 }).total).toBe(1243);
    store.close();
  });
});
