// Exports and the training loop from the labeling task list (issue 11 items 2 and 4), in Chromium
// against the real `serve`: a task labelled through the API, its labels exported as training data
// and as qrels through the Export… dialog (files read back and compared with the report the dialog
// shows), the workspace exported as Parquet, a refused export folder showing the backend's message,
// and "Train a model on these labels" running the real trainer (Debian's /usr/bin/python3 with
// PyTorch) with epochs 1: the new model is registered, its comparison is the API's, and the dataset
// view opens on base vs new with the task's labels as g=.
// Browser mode has no native dialogs, so paths are typed: a folder under the workspace's folder,
// which `serve` always allows (the workspace's folder itself is refused for exports).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import { eventually, Skip, test, shotsDir } from './harness.ts';

const SET = 'ground-truth';
const SHOTS = shotsDir('loopui');
const uniq = () => randomUUID().slice(0, 8);

/** A task of 12 sampled turns, every pooled candidate graded with the demo's ground truth. */
async function labelledTask(api: ApiClient): Promise<{ taskId: number; name: string; turns: number; labels: number }> {
  const stats = await api.call('workspace.stats', {});
  if (!stats.qrelsSets.includes(SET)) throw new Skip(`needs the demo's judgment set "${SET}"`);
  const name = `export ${uniq()}`;
  const task = await api.call('tasks.create', {
    name,
    from: { kind: 'sample', perKind: { start: 4, switch: 4, continuation: 4 }, seed: 11 },
    pool: { source: 'logged', k: 5 },
    order: 'logged',
  });
  let labels = 0;
  for (let ordinal = 0; ordinal < task.turns; ordinal++) {
    const turn = await api.call('tasks.turn', { taskId: task.taskId, ordinal });
    const truth = new Map(
      (await api.call('qrels.turn', { turnId: turn.turnId, setName: SET })).grades.map((g) => [g.itemId, g.grade]),
    );
    for (const c of turn.candidates) {
      const value = Math.min(3, Math.max(0, truth.get(c.itemId) ?? 0));
      await api.call('labels.record', {
        eventId: randomUUID(),
        taskId: task.taskId,
        turnId: turn.turnId,
        kind: 'grade',
        itemId: c.itemId,
        value,
      });
      labels++;
    }
  }
  return { taskId: task.taskId, name, turns: task.turns, labels };
}

/** A fresh folder to export into, under the workspace's folder (allowed by serve). */
async function exportRoot(api: ApiClient): Promise<string> {
  const info = await api.call('app.info', {});
  const root = join(dirname(info.workspacePath), `e2e-exports-${uniq()}`);
  mkdirSync(root);
  return root;
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: join(SHOTS, `${name}-1024.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
}

const row = (page: Page, taskId: number) => page.locator(`[data-testid=task-row][data-task="${taskId}"]`);
const num = async (page: Page, testid: string) =>
  Number(((await page.getByTestId(testid).textContent()) ?? '').replace(/,/g, ''));

test("export a task's labels as training data and qrels, and the workspace as Parquet", async ({
  page,
  api,
  openApp,
}) => {
  const t = await labelledTask(api);
  const root = await exportRoot(api);
  try {
    await openApp('#/tasks');
    await row(page, t.taskId).getByTestId('export-task').click();
    const dlg = page.getByTestId('export-labels-dialog');
    await dlg.waitFor();

    // The workspace's own folder is refused: the backend's message shows in the dialog, nothing written.
    const wsDir = dirname((await api.call('app.info', {})).workspacePath);
    await dlg.getByTestId('export-folder').fill(wsDir);
    await dlg.getByTestId('job-submit').click();
    await eventually(async () =>
      assert.match((await dlg.getByTestId('job-error').textContent()) ?? '', /workspace's own folder/),
    );
    await shoot(page, 'export-error');
    assert.equal(existsSync(join(wsDir, `task-${t.taskId}-training`)), false);

    // A relative path is refused before any call.
    await dlg.getByTestId('export-folder').fill('exports');
    await dlg.getByTestId('job-submit').click();
    await dlg.getByTestId('export-folder-problem').waitFor();

    // Training data into the allowed folder, with the feature groups of the first registered model.
    const models = await api.call('models.list', {});
    await dlg.getByTestId('export-folder').fill(root);
    await dlg.getByTestId('export-name').fill('train-data');
    await dlg.getByTestId('export-groups').selectOption(models[0]!.sha256);
    await shoot(page, 'export-form');
    await dlg.getByTestId('job-submit').click();
    await dlg.getByTestId('job-result').waitFor({ timeout: 30_000 });
    await shoot(page, 'export-result');
    const dir = join(root, 'train-data');
    assert.equal(await dlg.getByTestId('report-path').textContent(), dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      examples: number;
      candidates: number;
      labelled_candidates: number;
      feature_groups: unknown;
    };
    const lines = readFileSync(join(dir, 'training.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { candidates: { label: number | null }[] });
    // Every sampled turn was judged: one example each; every pooled candidate has its label.
    assert.equal(await num(page, 'report-examples'), t.turns);
    assert.equal(lines.length, t.turns);
    assert.equal(manifest.examples, t.turns);
    assert.equal(await num(page, 'report-labelled'), t.labels);
    assert.equal(lines.flatMap((l) => l.candidates).filter((c) => c.label !== null).length, t.labels);
    assert.equal(await num(page, 'report-candidates'), lines.flatMap((l) => l.candidates).length);
    assert.equal(manifest.candidates, lines.flatMap((l) => l.candidates).length);
    assert.deepEqual(manifest.feature_groups, models[0]!.groups);

    // The same name again without "replace" is a conflict, said in the dialog.
    await dlg.getByTestId('job-again').click();
    await dlg.getByTestId('job-submit').click();
    await eventually(async () =>
      assert.match((await dlg.getByTestId('job-error').textContent()) ?? '', /already exists/),
    );

    // TREC qrels of the same labels: one line per label.
    await dlg.getByTestId('format-qrels').check();
    const qrels = join(root, 'task.qrels');
    await dlg.getByTestId('export-file').fill(qrels);
    await dlg.getByTestId('job-submit').click();
    await dlg.getByTestId('job-result').waitFor({ timeout: 30_000 });
    assert.equal(await num(page, 'report-rows'), t.labels);
    assert.equal(readFileSync(qrels, 'utf8').trim().split('\n').length, t.labels);
    await dlg.getByTestId('job-close').click();
    await eventually(async () => assert.equal(await page.getByTestId('export-labels-dialog').count(), 0));

    // The workspace as Parquet, with its progress events shown while it runs (seconds on the demo).
    await page.getByTestId('export-parquet').click();
    const pq = page.getByTestId('parquet-dialog');
    await pq.getByTestId('parquet-folder').fill(root);
    await pq.getByTestId('job-submit').click();
    const shown = await Promise.race([
      pq
        .getByTestId('job-progress-text')
        .filter({ hasText: /rows/ })
        .waitFor({ timeout: 60_000 })
        .then(() => 'progress'),
      pq
        .getByTestId('job-result')
        .waitFor({ timeout: 60_000 })
        .then(() => 'result'),
    ]);
    if (shown === 'progress') await shoot(page, 'parquet-progress');
    await pq.getByTestId('job-result').waitFor({ timeout: 60_000 });
    await shoot(page, 'parquet-result');
    const stats = await api.call('workspace.stats', {});
    assert.equal(await num(page, 'rows-turns'), stats.turns);
    assert.equal(await num(page, 'rows-results'), stats.resultRows);
    assert.ok((await num(page, 'rows-labels')) >= t.labels);
    for (const f of ['turns', 'results', 'labels', 'scores'])
      assert.ok(existsSync(join(root, 'parquet-export', `${f}.parquet`)), `${f}.parquet written`);
    // Again, replacing it, with the task's consensus added: one more labels row per judged item.
    const labelRows = await num(page, 'rows-labels');
    await pq.getByTestId('job-again').click();
    await pq.getByTestId('parquet-overwrite').check();
    await pq.getByTestId('parquet-task').selectOption(String(t.taskId));
    await pq.getByTestId('parquet-source').selectOption('median');
    await shoot(page, 'parquet-consensus');
    await pq.getByTestId('job-submit').click();
    await pq.getByTestId('job-result').waitFor({ timeout: 60_000 });
    assert.equal(await num(page, 'rows-labels'), labelRows + t.labels);
    await pq.getByTestId('job-close').click();

    // Esc closes an idle dialog.
    await row(page, t.taskId).getByTestId('export-task').click();
    await page.getByTestId('export-labels-dialog').waitFor();
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await page.getByTestId('export-labels-dialog').count(), 0));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("train a model on a task's labels: progress, Cancel, the comparison, then the dataset view", async ({
  page,
  api,
  openApp,
}) => {
  if (!existsSync('/usr/bin/python3'))
    throw new Skip('needs Debian python3 with torch and onnx (bash scripts/system-deps.sh)');
  const t = await labelledTask(api);
  const before = await api.call('models.list', {});
  const base = before.find((m) => m.encoder === 'linear');
  if (!base) throw new Skip('needs a registered linear QGS model');
  await openApp('#/tasks');
  await row(page, t.taskId).getByTestId('train-task').click();
  const dlg = page.getByTestId('train-dialog');
  await dlg.waitFor();
  // The default base model is the first linear QGS model; epochs default to 6.
  await eventually(async () => assert.equal(await dlg.getByTestId('train-base').inputValue(), base.sha256));
  assert.equal(await dlg.getByTestId('train-epochs').inputValue(), '6');
  // Grades: every annotator's labels by default; the consensus rules are offered (docs/agreement.md).
  assert.equal(await dlg.getByTestId('train-source').inputValue(), '');
  assert.deepEqual(
    await dlg
      .getByTestId('train-source')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ['', 'majority', 'median', 'adjudicated'],
  );

  // Cancel while the trainer runs: nothing registered.
  await dlg.getByTestId('train-epochs').fill('50');
  await dlg.getByTestId('job-submit').click();
  await dlg
    .locator('[data-testid=train-steps] li[data-state=active]', { hasText: 'Train' })
    .waitFor({ timeout: 60_000 });
  await shoot(page, 'train-progress');
  await dlg.getByTestId('job-cancel').click();
  await dlg.getByTestId('job-cancelled').waitFor({ timeout: 30_000 });
  assert.equal((await api.call('models.list', {})).length, before.length);

  const name = `from-task-${t.taskId}-${uniq()}`;
  await dlg.getByTestId('train-epochs').fill('1');
  await dlg.getByTestId('train-name').fill(name);
  await dlg.getByTestId('job-submit').click();
  await dlg.getByTestId('train-steps').waitFor();
  await dlg.getByTestId('job-result').waitFor({ timeout: 75_000 });
  await shoot(page, 'train-result');
  assert.equal(await dlg.getByTestId('train-model-name').textContent(), name);
  const trained = (await api.call('models.list', {})).find((m) => m.name === name);
  assert.ok(trained, 'the new model is registered');
  // The comparison shown is the API's on the task's labels.
  const source = `labels:task:${t.taskId}`;
  const m = await api.call('metrics.turns', { modelA: base.sha256, modelB: trained.sha256, setName: source, limit: 1 });
  assert.equal(await dlg.getByTestId('ndcg-a').textContent(), m.summary.all.ndcgA!.toFixed(4));
  assert.equal(await dlg.getByTestId('ndcg-b').textContent(), m.summary.all.ndcgB!.toFixed(4));
  assert.equal(await dlg.getByTestId('mrr-b').textContent(), m.summary.all.mrrB!.toFixed(4));

  await dlg.getByTestId('open-dataset').click();
  await page.getByTestId('dataset').waitFor();
  const hash = new URL(page.url()).hash;
  const params = new URLSearchParams(hash.split('?')[1]);
  assert.equal(params.get('a'), base.sha256.slice(0, 12));
  assert.equal(params.get('b'), trained.sha256.slice(0, 12));
  assert.equal(params.get('g'), source);
  // The dataset view compares the base (A) with the new model (B).
  await eventually(async () => {
    assert.equal(await page.getByLabel('Dataset model A').inputValue(), base.sha256);
    assert.equal(await page.getByLabel('Dataset model B').inputValue(), trained.sha256);
  }, 20_000);
  await page.getByTestId('summary').waitFor({ timeout: 30_000 });
  // …on the task's labels, the grades the dialog's numbers came from.
  assert.equal(await page.getByTestId('grades-source').inputValue(), source);
  await page.screenshot({ path: join(SHOTS, 'train-dataset-1440.png') });
  // Leave the shared workspace's model list as other tests expect it.
  await api.call('models.remove', { sha256: trained.sha256 });
});
