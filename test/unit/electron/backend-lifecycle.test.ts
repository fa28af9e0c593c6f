// The backend utility process's lifecycle with utilityProcess faked: restart policy (backoff, give
// up after N crashes in a window), grants replayed after a restart and acknowledged before use, a
// clean shutdown that waits for the backend to close its store, and window state persistence.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { BackendStatus, MainToBackend } from '../../../src-common/desktop-bridge.ts';
import { BackendHost, GRANT_TIMEOUT_MS, type BackendChild } from '../../../src-main/backend-host.ts';
import { RestartPolicy } from '../../../src-main/restart-policy.ts';
import {
  DEFAULT_STATE,
  captureWindowState,
  fitToDisplays,
  parseWindowState,
  windowStateKeeper,
} from '../../../src-main/window-state.ts';

describe('restart policy', () => {
  it('backs off exponentially and gives up after maxCrashes within the window', () => {
    const p = new RestartPolicy({ maxCrashes: 3, windowMs: 60_000, baseDelayMs: 500, maxDelayMs: 1500 });
    expect(p.onCrash(0)).toEqual({ action: 'restart', delayMs: 500, crashes: 1 });
    expect(p.onCrash(1000)).toEqual({ action: 'restart', delayMs: 1000, crashes: 2 });
    expect(p.onCrash(2000)).toEqual({ action: 'restart', delayMs: 1500, crashes: 3 });
    expect(p.onCrash(3000)).toEqual({ action: 'give-up', crashes: 4 });
  });
  it('crashes older than the window are forgotten; reset starts over', () => {
    const p = new RestartPolicy({ maxCrashes: 2, windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 10_000 });
    p.onCrash(0);
    p.onCrash(1);
    expect(p.onCrash(20_000)).toEqual({ action: 'restart', delayMs: 100, crashes: 1 });
    p.onCrash(20_001);
    p.reset();
    expect(p.onCrash(20_002).action).toBe('restart');
  });
});

class FakeChild extends EventEmitter implements BackendChild {
  sent: MainToBackend[] = [];
  killed = false;
  /** How the fake backend answers: ack grants, close on shutdown (unless hung). */
  private readonly hung: boolean;
  constructor(hung = false) {
    super();
    this.hung = hung;
  }
  postMessage(m: MainToBackend): void {
    this.sent.push(m);
    queueMicrotask(() => {
      if (m.type === 'grant') this.emit('message', { type: 'granted', id: m.id });
      if (m.type === 'shutdown' && !this.hung) {
        this.emit('message', { type: 'closed' });
        this.emit('exit', 0);
      }
    });
  }
  kill(): boolean {
    this.killed = true;
    queueMicrotask(() => this.emit('exit', 1));
    return true;
  }
}

function harness(opts: { hung?: boolean } = {}) {
  const children: FakeChild[] = [];
  const statuses: BackendStatus[] = [];
  const timers: Array<{ fn: () => void; at: number }> = [];
  let now = 0;
  const started = vi.fn();
  const host = new BackendHost<string>({
    fork: (ws) => {
      const c = new FakeChild(opts.hung);
      (c as unknown as { ws: string }).ws = ws;
      children.push(c);
      return c;
    },
    sendPort: (child, port) => child.postMessage({ type: 'connect', port } as never),
    policy: new RestartPolicy({ maxCrashes: 2, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1000 }),
    now: () => now,
    schedule: (fn, ms) => void timers.push({ fn, at: now + ms }),
    onStatus: (s) => statuses.push(s),
    onStarted: started,
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  return { host, children, statuses, started, advance };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('backend host', () => {
  it('a crash shows a message, restarts after the backoff, replays grants; too many crashes give up', async () => {
    const { host, children, statuses, started, advance } = harness();
    host.start('/w/ws.db');
    await host.grant([{ path: '/d/s.jsonl', mode: 'read' }]);
    children[0]!.emit('exit', 134);
    expect(statuses).toEqual([expect.objectContaining({ state: 'restarting', crashes: 1 })]);
    expect(statuses[0]!.message).toMatch(/restarting.*Labels already saved are kept/s);
    expect(host.running).toBe(false);
    advance(99);
    expect(children).toHaveLength(1);
    advance(1);
    expect(children).toHaveLength(2);
    expect(started).toHaveBeenCalledTimes(2); // windows reconnect
    expect(children[1]!.sent[0]).toEqual({
      type: 'grant',
      id: expect.any(Number),
      grants: [{ path: '/d/s.jsonl', mode: 'read' }],
    });

    children[1]!.emit('exit', 1);
    advance(200);
    children[2]!.emit('exit', 1);
    expect(statuses.at(-1)).toMatchObject({ state: 'gave-up', crashes: 3 });
    expect(statuses.at(-1)!.message).toMatch(/Restart backend/);
    advance(10_000);
    expect(children).toHaveLength(3); // no more restarts
    host.retry();
    expect(children).toHaveLength(4);
    await tick();
  });

  it('grant resolves only on the backend ack; without an ack it fails after the timeout', async () => {
    const { host, children, advance } = harness();
    host.start('/w/ws.db');
    let done = false;
    const p = host.grant([{ path: '/x', mode: 'write' }]).then(() => (done = true));
    expect(done).toBe(false);
    await p;
    expect(done).toBe(true);
    // A backend that never answers:
    children[0]!.postMessage = (m) => void children[0]!.sent.push(m);
    const lost = host.grant([{ path: '/y', mode: 'read' }]);
    advance(GRANT_TIMEOUT_MS);
    await expect(lost).rejects.toThrow(/did not acknowledge/);
  });

  it('clean quit waits for the backend to close its store; a hung backend is killed after the timeout', async () => {
    const ok = harness();
    ok.host.start('/w/ws.db');
    await expect(ok.host.shutdown()).resolves.toBe('closed');
    expect(ok.children[0]!.sent.at(-1)).toEqual({ type: 'shutdown' });
    expect(ok.children[0]!.killed).toBe(false);
    expect(ok.statuses).toEqual([]); // a requested exit is not a crash
    expect(ok.children).toHaveLength(1);

    const hung = harness({ hung: true });
    hung.host.start('/w/ws.db');
    const r = hung.host.shutdown(3000);
    hung.advance(3000);
    await expect(r).resolves.toBe('killed');
    expect(hung.children[0]!.killed).toBe(true);
    await tick();
    expect(hung.statuses).toEqual([]);
  });

  it('switching workspace shuts the old backend down cleanly and starts one on the new file', async () => {
    const { host, children, statuses } = harness();
    host.start('/w/a.db');
    await host.switchWorkspace('/w/b.db');
    expect(children.map((c) => (c as unknown as { ws: string }).ws)).toEqual(['/w/a.db', '/w/b.db']);
    expect(host.workspacePath).toBe('/w/b.db');
    expect(statuses).toEqual([]);
  });
});

describe('window state', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  it('malformed or missing state gives the defaults', () => {
    for (const t of [null, '', '{', '[]', '{"width":"big"}', 'null'])
      expect(parseWindowState(t)).toEqual(DEFAULT_STATE);
  });
  it('is clamped to sane sizes and kept when visible', () => {
    const s = parseWindowState(JSON.stringify({ x: 100, y: 50, width: 50, height: 99999, maximized: true }));
    expect(s).toEqual({ x: 100, y: 50, width: 900, height: 10_000, maximized: true });
    expect(fitToDisplays(s, displays)).toEqual({ x: 100, y: 50, width: 900, height: 1040, maximized: true });
  });
  it('a position on a display that is gone is dropped (the window opens centred)', () => {
    const s = parseWindowState(JSON.stringify({ x: 3000, y: 100, width: 1200, height: 800, maximized: false }));
    expect(fitToDisplays(s, displays)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(fitToDisplays(s, [...displays, { x: 1920, y: 0, width: 2560, height: 1400 }])).toMatchObject({
      x: 3000,
      y: 100,
    });
  });
  it('saves the normal bounds and reads them back', () => {
    let stored: string | null = null;
    const keeper = windowStateKeeper({ read: () => stored, write: (t) => (stored = t) }, () => displays);
    expect(keeper.load()).toEqual(DEFAULT_STATE);
    keeper.save(
      captureWindowState({
        getNormalBounds: () => ({ x: 10, y: 20, width: 1000, height: 700 }),
        isMaximized: () => false,
      }),
    );
    expect(keeper.load()).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
  });
});
