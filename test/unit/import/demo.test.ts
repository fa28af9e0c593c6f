// The demo generator's output is a valid session log and qrels file for the importers.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
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
});
