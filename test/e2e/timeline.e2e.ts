// The session timeline against the real backend: every turn, boundary, click and topic segment the
// API reports is drawn; clicking a turn selects it; a 2,000-event session opens on a readable window
// and can be zoomed out, brushed and followed with j/k.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { SessionDetail } from '../../src-common/api/types.ts';
import { eventually, test } from './harness.ts';
import { LONG_SESSION_ID } from './long-session.ts';

async function sessionWith(api: ApiClient, ok: (s: SessionDetail) => boolean): Promise<SessionDetail> {
  for (let offset = 0; ; offset += 200) {
    const page = await api.call('sessions.list', { hasSwitch: true, offset, limit: 200 });
    for (const row of page.rows) {
      if (row.switches < 2 || row.turns < 5 || row.turns > 12) continue;
      const s = await api.call('sessions.get', { sessionId: row.sessionId });
      if (ok(s)) return s;
    }
    if (offset + 200 >= page.total) throw new Error('no demo session fits');
  }
}

const marks = (page: Page) => page.locator('[data-testid=timeline] circle.turn-mark');
const caption = (page: Page) => page.getByTestId('timeline-caption');

async function waitForTimeline(page: Page, id: string): Promise<void> {
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), id));
  await eventually(async () => assert.ok((await marks(page).count()) > 0, 'timeline drew its marks'));
}

test('the timeline draws every turn, boundary, click and topic segment the API reports', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await sessionWith(
    api,
    (d) => d.turns.some((t) => t.boundary === 'refinement') && d.turns.some((t) => t.results.some((r) => r.click)),
  );
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}`);
  await waitForTimeline(page, s.sessionId);

  // One mark per turn, in order, with the API's boundary kind.
  const drawn = await marks(page).evaluateAll((els) =>
    els.map((e) => [Number(e.getAttribute('data-turn-index')), e.getAttribute('data-boundary')] as const),
  );
  assert.deepEqual(
    [...drawn].sort((a, b) => a[0] - b[0]),
    s.turns.map((t) => [t.index, t.boundary] as const),
  );
  // Boundaries: a rule per switch and per refinement, classified.
  const rules = async (kind: string) =>
    (
      await page
        .locator(`[data-testid=timeline] line.boundary.${kind}`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-turn-index'))))
    ).sort((a, b) => a - b);
  assert.deepEqual(
    await rules('switch'),
    s.turns.filter((t) => t.boundary === 'switch').map((t) => t.index),
  );
  assert.deepEqual(
    await rules('refinement'),
    s.turns.filter((t) => t.boundary === 'refinement').map((t) => t.index),
  );
  // Topic segments: the first turn plus one per switch, labelled with the query that opened it.
  const switches = s.turns.filter((t) => t.boundary === 'switch');
  assert.equal(await page.locator('[data-testid=timeline] rect.segment').count(), 1 + switches.length);
  const labels = await page.locator('[data-testid=timeline] text.seg-label').allTextContents();
  const openers = [s.turns[0]!, ...switches].map((t) => t.query);
  for (const l of labels.filter((x) => x.length > 0)) {
    assert.ok(
      openers.some((q) => q.startsWith(l.replace(/…$/, ''))),
      `segment label "${l}" is an opening query`,
    );
  }
  // Clicks: one mark per clicked result (turn, item); one no-click mark per turn without clicks.
  const clickMarks = await page
    .locator('[data-testid=timeline] rect.step:not(.no_click)')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-turn-index')}:${e.getAttribute('data-item-id')}`).sort(),
    );
  const apiClicks = s.turns
    .flatMap((t) => t.results.filter((r) => r.click).map((r) => `${t.index}:${r.itemId}`))
    .sort();
  assert.deepEqual(clickMarks, apiClicks);
  assert.equal(
    await page.locator('[data-testid=timeline] rect.step.no_click').count(),
    s.turns.filter((t) => !t.results.some((r) => r.click)).length,
  );
  assert.match(
    // as shown: the browser collapses the source's line breaks and indentation into one space
    ((await caption(page).textContent()) ?? '').replace(/\s+/g, ' '),
    new RegExp(`${s.turns.length} turns · ${1 + switches.length} topics · ${apiClicks.length} clicks`),
  );
  await screenshot('timeline');
});

test('clicking a turn on the timeline selects it, scrolls to it and puts it in the URL', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await sessionWith(api, () => true);
  const target = s.turns.filter((t) => t.boundary === 'switch').at(-1)!;
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}`);
  await waitForTimeline(page, s.sessionId);
  const box = await page
    .locator(`[data-testid=timeline] circle.turn-mark[data-turn-index="${target.index}"]`)
    .boundingBox();
  assert.ok(box);
  // Hovering shows the turn's query; clicking selects it.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await eventually(async () =>
    assert.ok(((await page.getByRole('tooltip').textContent()) ?? '').includes(target.query)),
  );
  // …and, in one sentence, why the boundary rule calls it a switch (docs/segmentation.md).
  assert.match(
    (await page.getByRole('tooltip').textContent()) ?? '',
    /: a new topic\.|: a neighbouring topic\.|minutes later, so a new search\./,
  );
  await screenshot('timeline-boundary-reason');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await eventually(async () =>
    assert.equal(new URL(page.url()).hash, `#/session/${encodeURIComponent(s.sessionId)}/turn/${target.index}`),
  );
  await eventually(async () =>
    assert.equal(
      await page.locator(`section.turn[data-turn-index="${target.index}"]`).getAttribute('aria-current'),
      'true',
    ),
  );
  await eventually(async () =>
    assert.match(
      (await page
        .locator(`[data-testid=timeline] circle.turn-mark[data-turn-index="${target.index}"]`)
        .getAttribute('class')) ?? '',
      /selected/,
    ),
  );
  assert.equal(await page.locator('[data-testid=timeline] circle.turn-mark.selected').count(), 1);
  await screenshot('timeline-selected');
});

test('a 2,000-event session opens on a window around the turn; zoom out, brush and j/k keep it readable', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await api.call('sessions.get', { sessionId: LONG_SESSION_ID });
  assert.equal(s.turns.length, 2000);
  await openApp(`#/session/${encodeURIComponent(LONG_SESSION_ID)}/turn/1000`);
  await waitForTimeline(page, LONG_SESSION_ID);

  // A window of ~120 turns around #1000, not 2,000 overlapping marks.
  const windowed = await marks(page).count();
  assert.ok(windowed >= 60 && windowed <= 200, `${windowed} marks in the opening window`);
  assert.match((await caption(page).textContent()) ?? '', /turns \d+–\d+ of 2000/);
  await eventually(async () =>
    assert.equal(
      await page.locator('[data-testid=timeline] circle.turn-mark.selected').getAttribute('data-turn-index'),
      '1000',
    ),
  );
  const switchesInApi = s.turns.filter((t) => t.boundary === 'switch').length;
  await screenshot('timeline-long-window');

  // The whole session: every turn is drawn, every switch marked.
  await page.getByRole('button', { name: 'Whole session' }).click();
  await eventually(async () => assert.match((await caption(page).textContent()) ?? '', /^\s*2000 turns/));
  assert.equal(await marks(page).count(), 2000);
  assert.equal(await page.locator('[data-testid=timeline] line.boundary.switch').count(), switchesInApi);
  await screenshot('timeline-long-whole');

  // Brushing a range in the overview zooms the focus to it.
  const ov = await page.locator('[data-testid=timeline] svg.overview rect.ov-bg').boundingBox();
  assert.ok(ov);
  await page.mouse.move(ov.x + ov.width * 0.3, ov.y + ov.height / 2);
  await page.mouse.down();
  await page.mouse.move(ov.x + ov.width * 0.35, ov.y + ov.height / 2, { steps: 5 });
  await page.mouse.up();
  await eventually(async () => {
    const m = /turns (\d+)–(\d+) of 2000/.exec((await caption(page).textContent()) ?? '');
    assert.ok(m, 'caption names the brushed range');
    const [a, b] = [Number(m[1]), Number(m[2])];
    assert.ok(a > 400 && b < 900 && b > a, `brushed range ${a}–${b} lies around 30–35 % of the session`);
  });
  const brushed = await marks(page).count();
  assert.ok(brushed < 400, `${brushed} marks after brushing`);
  await screenshot('timeline-long-brushed');

  // j moves the selection; the timeline pans to it.
  await page.keyboard.press('j');
  await eventually(async () =>
    assert.equal(
      await page.locator('[data-testid=timeline] circle.turn-mark.selected').getAttribute('data-turn-index'),
      '1001',
    ),
  );
  assert.equal(new URL(page.url()).hash, `#/session/${encodeURIComponent(LONG_SESSION_ID)}/turn/1001`);
});

test('the turn-order axis spaces turns evenly and keeps the same marks', async ({ page, api, openApp }) => {
  const s = await sessionWith(api, () => true);
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}`);
  await waitForTimeline(page, s.sessionId);
  await page.getByLabel('Timeline axis').selectOption('order');
  await eventually(async () => {
    const xs = await marks(page).evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('cx'))).sort((a, b) => a - b),
    );
    assert.equal(xs.length, s.turns.length);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
    assert.ok(Math.max(...gaps) - Math.min(...gaps) < 0.5, `even spacing: ${gaps.join(', ')}`);
  });
});
