// The shipped reference models read the session, and condition on the query when they do: on the
// bundled demo's ambiguous follow-ups ("review", "多少钱", "不工作" after a topic) removing the turn's
// history costs each model a lot of NDCG@10, while right after a true topic switch (the query names
// its topic) it changes almost nothing. Through the API, on the real ONNX files: a retrained model
// that ignores the history (as the 2026-12-05 morning ones did) fails here. docs/model-quality.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelAddResult, TurnScoring } from '../../../src-common/api/contract.ts';
import { ndcgOfRanked } from '../../../src-common/metrics.ts';
import { openBackend, type Backend } from '../../../src-backend/backend.ts';

const ROOT = join(import.meta.dirname, '../../..');
const DEMO = join(ROOT, 'resources/demo');
const MODELS = ['qgs-linear', 'qgs-softmax', 'baseline-flat'] as const;
const SAMPLE = 60; // turns per slice, the first in file order

/** turns.tsv (the generator's truth): the first SAMPLE ambiguous refinements and true switches. */
function slices(): { ambiguous: string[]; switches: string[] } {
  const rows = readFileSync(join(DEMO, 'turns.tsv'), 'utf8').trim().split('\n').slice(1);
  const cols = rows.map((l) => l.split('\t'));
  return {
    ambiguous: cols
      .filter((c) => c[3] === 'refine' && c[5] === '1')
      .map((c) => c[0]!)
      .slice(0, SAMPLE),
    switches: cols
      .filter((c) => c[3] === 'switch')
      .map((c) => c[0]!)
      .slice(0, SAMPLE),
  };
}

let b: Backend;
let dir: string;
const sha: Record<string, string> = {};
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qgs-shipped-'));
  b = openBackend({ workspacePath: join(dir, 'ws.db'), host: 'cli', pathRoots: null });
  await b.dispatcher.call('import.sessions', { path: join(DEMO, 'sessions.jsonl.gz') });
  await b.dispatcher.call('import.qrels', { path: join(DEMO, 'qrels.txt'), setName: 'ground-truth' });
  for (const m of MODELS) {
    const r = (await b.dispatcher.call('models.add', {
      path: join(ROOT, 'resources/models', `${m}.onnx`),
    })) as ModelAddResult;
    sha[m] = r.sha256;
  }
}, 120_000);
afterAll(async () => {
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Mean NDCG@10 of each model over the turns, as logged and with every history step removed. */
async function withAndWithout(turnIds: string[]): Promise<Record<string, { with: number; without: number }>> {
  const sum = Object.fromEntries(MODELS.map((m) => [m, { with: 0, without: 0 }]));
  for (const turnId of turnIds) {
    const grades = new Map(
      (
        (await b.dispatcher.call('qrels.turn', { turnId, setName: 'ground-truth' })) as {
          grades: { itemId: string; grade: number }[];
        }
      ).grades.map((g) => [g.itemId, g.grade]),
    );
    const ndcg = (s: TurnScoring) =>
      ndcgOfRanked(
        s.models[0]!.candidates.map((c) => grades.get(c.itemId) ?? 0),
        10,
        [...grades.values()],
      );
    for (const m of MODELS) {
      const models = [sha[m]!];
      const logged = (await b.dispatcher.call('score.turn', { turnId, models })) as TurnScoring;
      const bare = (await b.dispatcher.call('score.counterfactual', {
        turnId,
        models,
        edit: { removeHistorySteps: logged.history.map((h) => h.step) },
      })) as TurnScoring;
      sum[m]!.with += ndcg(logged) / turnIds.length;
      sum[m]!.without += ndcg(bare) / turnIds.length;
    }
  }
  return sum;
}

describe('the shipped models read the session where the query needs it', () => {
  it('an ambiguous follow-up loses ≥ 0.1 NDCG@10 without its history, for every model', async () => {
    const { ambiguous } = slices();
    expect(ambiguous.length).toBe(SAMPLE);
    const r = await withAndWithout(ambiguous);
    for (const m of MODELS) expect(r[m]!.with - r[m]!.without, `${m}: ${JSON.stringify(r[m])}`).toBeGreaterThan(0.1);
  }, 60_000);

  it('right after a true topic switch the history changes almost nothing (the query names the topic)', async () => {
    const { switches } = slices();
    expect(switches.length).toBe(SAMPLE);
    const r = await withAndWithout(switches);
    for (const m of MODELS)
      expect(Math.abs(r[m]!.with - r[m]!.without), `${m}: ${JSON.stringify(r[m])}`).toBeLessThan(0.02);
  }, 60_000);
});
