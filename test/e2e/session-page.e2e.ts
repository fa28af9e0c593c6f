// The session page against the real backend: turns, boundary markers, results and features as the
// API returns them; turn deep links; back/forward.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../../src-common/api/client.ts';
import type { SessionDetail } from '../../src-common/api/types.ts';
import { eventually, test } from './harness.ts';

/** A real demo session with at least `minSwitches` query switches and a few turns. */
async function sessionWithSwitches(api: ApiClient, minSwitches: number): Promise<SessionDetail> {
  for (let offset = 0; ; offset += 200) {
    const page = await api.call('sessions.list', { hasSwitch: true, offset, limit: 200 });
    const row = page.rows.find((r) => r.switches >= minSwitches && r.turns >= 4 && r.turns <= 12);
    if (row) return api.call('sessions.get', { sessionId: row.sessionId });
    if (offset + 200 >= page.total) throw new Error(`no demo session has ${minSwitches}+ switches`);
  }
}

const turnSection = (page: Page, index: number) => page.locator(`section.turn[data-turn-index="${index}"]`);

async function waitForSession(page: Page, id: string): Promise<void> {
  await eventually(async () => assert.equal(await page.locator('.session-head .sid').textContent(), id));
}

test('a session shows its turns and results exactly as the API returns them', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await sessionWithSwitches(api, 1);
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}`);
  await waitForSession(page, s.sessionId);
  assert.equal(await page.locator('section.turn').count(), s.turns.length);
  for (const t of s.turns) {
    const sec = turnSection(page, t.index);
    assert.equal(await sec.locator('.query').textContent(), t.query);
    assert.equal(await sec.getAttribute('data-boundary'), t.boundary);
    const trs = sec.locator('tbody tr[data-item-id]');
    assert.equal(await trs.count(), t.results.length, `turn ${t.index} result rows`);
    for (const [k, r] of t.results.entries()) {
      const cells = await trs.nth(k).locator('td').allTextContents();
      assert.equal(cells[0], String(r.position));
      assert.equal(cells[1], r.title);
      assert.equal(cells[2], r.itemId);
      assert.equal(cells[3]?.includes('clicked'), r.click, `click mark of ${r.itemId}`);
    }
  }
  assert.equal(
    Number(await page.getByTestId('session-switches').textContent()),
    s.turns.filter((t) => t.boundary === 'switch').length,
  );

  // Expanding a result lists every feature value by name.
  const t0 = s.turns.find((t) => t.results.length > 0)!;
  const r0 = t0.results[0]!;
  await turnSection(page, t0.index)
    .getByRole('button', { name: `Show ${Object.keys(r0.features).length} feature values of ${r0.itemId}` })
    .click();
  const dl = page.locator(`dl[aria-label="Feature values of ${r0.itemId}"]`);
  await dl.waitFor();
  const shown = await dl
    .locator('div')
    .evaluateAll((divs) =>
      divs.map((d) => [d.querySelector('dt')?.textContent ?? '', d.querySelector('dd')?.textContent ?? ''] as const),
    );
  assert.deepEqual(shown.map(([n]) => n).sort(), Object.keys(r0.features).sort());
  for (const [name, text] of shown) {
    const v = r0.features[name]!;
    assert.ok(Math.abs(Number(text) - v) <= Math.abs(v) * 0.005 + 1e-9, `${name}: shown ${text}, API ${v}`);
  }
  await screenshot('session-features-expanded');
});

test('switch markers sit on exactly the turns the API classifies as switches', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await sessionWithSwitches(api, 2);
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}`);
  await waitForSession(page, s.sessionId);
  const expected = s.turns.filter((t) => t.boundary === 'switch').map((t) => t.index);
  const marked = await page
    .locator('section.turn')
    .evaluateAll((els) =>
      els
        .filter((e) => e.querySelector('.marker')?.textContent?.includes('switch'))
        .map((e) => Number(e.getAttribute('data-turn-index'))),
    );
  assert.deepEqual(marked, expected);
  assert.equal(await page.locator('.switch-divider').count(), expected.length);
  // Every other turn shows its own kind.
  for (const t of s.turns) {
    assert.ok(((await turnSection(page, t.index).locator('.marker').textContent()) ?? '').includes(t.boundary));
  }
  await screenshot('session-switches');
});

test('a link to a turn restores it; j/k move between turns and update the URL', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  const s = await sessionWithSwitches(api, 1);
  const n = s.turns.filter((t) => t.boundary === 'switch').at(-1)!.index;
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${n}`);
  await waitForSession(page, s.sessionId);
  await eventually(async () => assert.equal(await turnSection(page, n).getAttribute('aria-current'), 'true'));
  assert.equal(await page.locator('section.turn[aria-current]').count(), 1);
  // The token has left the address bar; the route stays.
  const url = new URL(page.url());
  assert.equal(url.search, '');
  assert.equal(url.hash, `#/session/${encodeURIComponent(s.sessionId)}/turn/${n}`);
  // Scrolled into view, below the sticky session header (which holds the timeline), not under it.
  await eventually(async () => {
    const box = await turnSection(page, n).boundingBox();
    const head = await page.locator('.session-head').boundingBox();
    assert.ok(
      box && head && box.y >= head.y + head.height - 1 && box.y < 900,
      `turn ${n} is on screen below the header (y=${box?.y}, header ends ${head && head.y + head.height})`,
    );
  });
  await screenshot('session-deep-link');

  const key = n > 0 ? 'k' : 'j';
  const next = n > 0 ? n - 1 : n + 1;
  await page.keyboard.press(key);
  await eventually(async () => assert.equal(await turnSection(page, next).getAttribute('aria-current'), 'true'));
  assert.equal(new URL(page.url()).hash, `#/session/${encodeURIComponent(s.sessionId)}/turn/${next}`);

  // A reload (token kept for this tab) comes back to the same turn.
  await page.reload();
  await waitForSession(page, s.sessionId);
  await eventually(async () => assert.equal(await turnSection(page, next).getAttribute('aria-current'), 'true'));
});

test('back and forward move between opened sessions', async ({ page, api, openApp }) => {
  const [a, b] = (await api.call('sessions.list', { offset: 0, limit: 2 })).rows;
  await openApp(`#/session/${encodeURIComponent(a!.sessionId)}`);
  await waitForSession(page, a!.sessionId);
  await page.locator(`[role=option][data-session-id="${b!.sessionId}"]`).click();
  await waitForSession(page, b!.sessionId);
  await page.goBack();
  await waitForSession(page, a!.sessionId);
  await page.goForward();
  await waitForSession(page, b!.sessionId);
  await page.getByRole('link', { name: 'QGS Workbench' }).click();
  await eventually(async () =>
    assert.equal(await page.getByRole('heading', { name: 'Browse search sessions' }).count(), 1),
  );
  await page.goBack();
  await waitForSession(page, b!.sessionId);
});

/** The pane the turns scroll in, and whether a turn's header is fully inside it, below the sticky header. */
async function headerInView(page: Page, index: number): Promise<{ ok: boolean; why: string }> {
  const pane = (await page.locator('main.main').boundingBox())!;
  const head = (await page.locator('.session-head').boundingBox())!;
  const box = await turnSection(page, index).locator('.turn-head').boundingBox();
  if (!box) return { ok: false, why: `turn ${index} has no box` };
  const ok = box.y >= head.y + head.height - 1 && box.y + box.height <= pane.y + pane.height + 1;
  return {
    ok,
    why: `turn ${index} header y=${box.y.toFixed(0)}–${(box.y + box.height).toFixed(0)}, sticky header ends ${(head.y + head.height).toFixed(0)}, pane ends ${(pane.y + pane.height).toFixed(0)}`,
  };
}

test('clicking a turn header keeps that turn in view (no jump back to the top)', async ({ page, api, openApp }) => {
  const row = (await api.call('sessions.list', { offset: 0, limit: 100 })).rows.find(
    (r) => r.turns >= 6 && r.turns <= 12,
  )!;
  const s = await api.call('sessions.get', { sessionId: row.sessionId });
  const models = (await api.call('models.list', {})).slice(0, 2).map((m) => m.sha256.slice(0, 12));
  // With models chosen the selected turn carries its (tall) analysis, so selection changes move a lot of content.
  const q = models.length ? `?m=${models.join(',')}` : '';
  const first = s.turns[1]!.index;
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${first}${q}`);
  await waitForSession(page, s.sessionId);
  await eventually(async () => assert.equal(await turnSection(page, first).getAttribute('aria-current'), 'true'));
  for (const t of [s.turns[4]!, s.turns[s.turns.length - 1]!, s.turns[2]!]) {
    const head = turnSection(page, t.index).locator('.turn-head');
    // Put it mid-pane, as a reader scrolling down to it would see it.
    await head.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const before = await headerInView(page, t.index);
    assert.ok(before.ok, `precondition: ${before.why}`);
    await head.click();
    await eventually(async () => assert.equal(await turnSection(page, t.index).getAttribute('aria-current'), 'true'));
    // Let the analysis of the new selection arrive, then the clicked turn must still be on screen.
    await page.waitForTimeout(400);
    const after = await headerInView(page, t.index);
    assert.ok(after.ok, `after clicking turn ${t.index}: ${after.why}`);
  }
});

test('the sticky session header stays compact at 1024×700 (≤ 25% of the window)', async ({
  page,
  api,
  openApp,
  screenshot,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const s = await sessionWithSwitches(api, 2);
  const n = s.turns.at(-1)!.index;
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/${n}`);
  await waitForSession(page, s.sessionId);
  const head = (await page.locator('.session-head').boundingBox())!;
  assert.ok(head.height <= 700 * 0.25, `sticky header is ${head.height.toFixed(0)} px of 700`);
  // The facts are still there, and the selected turn sits just below the header.
  assert.equal(
    Number(await page.getByTestId('session-switches').textContent()),
    s.turns.filter((t) => t.boundary === 'switch').length,
  );
  await eventually(async () => {
    const v = await headerInView(page, n);
    assert.ok(v.ok, v.why);
  });
  // The timeline can be pinned into the sticky header (and unpinned again).
  await page.getByRole('button', { name: 'Pin timeline' }).click();
  await eventually(async () => assert.equal(await page.locator('.session-head [data-testid=timeline]').count(), 1));
  await page.getByRole('button', { name: 'Unpin timeline' }).click();
  await eventually(async () => assert.equal(await page.locator('.session-head [data-testid=timeline]').count(), 0));
  assert.equal(await page.locator('[data-testid=timeline]').count(), 1);
  await screenshot('session-compact-header-1024');
});

test('a link to a turn the session does not have says so', async ({ page, api, openApp }) => {
  const s = await sessionWithSwitches(api, 1);
  await openApp(`#/session/${encodeURIComponent(s.sessionId)}/turn/9999`);
  await waitForSession(page, s.sessionId);
  const note = page.getByTestId('missing-turn');
  await eventually(async () =>
    assert.match(
      (await note.textContent())?.replace(/\s+/g, ' ') ?? '',
      new RegExp(`Turn #9999 does not exist in this session \\(it has ${s.turns.length} turns`),
    ),
  );
  assert.ok(await note.isVisible());
  // Picking a real turn makes it go away.
  await turnSection(page, s.turns[0]!.index).locator('.turn-head').click();
  await eventually(async () => assert.equal(await note.count(), 0));
});
