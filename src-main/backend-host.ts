// The backend utility process's lifecycle, with Electron's utilityProcess passed in (tests fake it):
// start, per-window ports, grants acknowledged before a path is handed to the renderer, restart on
// crash per RestartPolicy with a visible status, and a clean shutdown that waits for the backend to
// close its store (WAL checkpoint) before the app quits. Labels are committed by the backend before
// it acknowledges them, so a crash loses no acknowledged label; a restart only reconnects windows.
import type { BackendStatus, BackendToMain, Grant, MainToBackend } from '../src-common/desktop-bridge.ts';
import type { RestartPolicy } from './restart-policy.ts';

export interface BackendChild {
  postMessage(message: MainToBackend, transfer?: never[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface BackendHostDeps<Port> {
  fork(workspacePath: string): BackendChild;
  /** Posts `connect` with a window's port (typed apart: the port is transferred). */
  sendPort(child: BackendChild, port: Port): void;
  policy: RestartPolicy;
  now(): number;
  schedule(fn: () => void, ms: number): void;
  /** Restarting / gave up: shown to the user (dialog and the windows' banner). */
  onStatus(status: BackendStatus): void;
  /** A (re)started backend is ready for window ports: reconnect every window. */
  onStarted(): void;
}

export const GRANT_TIMEOUT_MS = 5_000;
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export class BackendHost<Port> {
  private child: BackendChild | null = null;
  private workspace = '';
  private stopping = false;
  private gaveUp = false;
  private nextId = 1;
  private readonly grants: Grant[] = [];
  private readonly acks = new Map<number, () => void>();
  private closed: (() => void) | null = null;
  private readonly deps: BackendHostDeps<Port>;

  constructor(deps: BackendHostDeps<Port>) {
    this.deps = deps;
  }

  get running(): boolean {
    return this.child !== null;
  }
  get workspacePath(): string {
    return this.workspace;
  }

  start(workspacePath: string): void {
    this.workspace = workspacePath;
    this.stopping = false;
    this.gaveUp = false;
    const child = this.deps.fork(workspacePath);
    this.child = child;
    child.on('message', (m) => this.onMessage(m as BackendToMain));
    child.on('exit', (code) => this.onExit(child, code));
    // Grants survive restarts: the user chose those files in this session.
    if (this.grants.length) child.postMessage({ type: 'grant', id: this.nextId++, grants: [...this.grants] });
    this.deps.onStarted();
  }

  connect(port: Port): void {
    if (this.child) this.deps.sendPort(this.child, port);
  }

  /** Grants paths and resolves once the backend has them (so the renderer's next call sees them). */
  grant(grants: Grant[]): Promise<void> {
    this.grants.push(...grants);
    const child = this.child;
    if (!child) return Promise.reject(new Error('the backend is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = { done: false };
      this.acks.set(id, () => {
        timer.done = true;
        resolve();
      });
      this.deps.schedule(() => {
        if (!timer.done && this.acks.delete(id)) reject(new Error('the backend did not acknowledge the file grant'));
      }, GRANT_TIMEOUT_MS);
      child.postMessage({ type: 'grant', id, grants });
    });
  }

  /** Asks the backend to close its store and exit; kills it after `timeoutMs`. */
  shutdown(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<'closed' | 'killed' | 'not-running'> {
    const child = this.child;
    this.stopping = true;
    if (!child) return Promise.resolve('not-running');
    return new Promise((resolve) => {
      let settled = false;
      const finish = (how: 'closed' | 'killed') => {
        if (settled) return;
        settled = true;
        this.closed = null;
        if (how === 'killed') child.kill();
        this.child = null;
        resolve(how);
      };
      this.closed = () => finish('closed');
      this.deps.schedule(() => finish('killed'), timeoutMs);
      child.postMessage({ type: 'shutdown' });
    });
  }

  /** Opens another workspace: a clean shutdown of the current backend, then a fresh one. */
  async switchWorkspace(workspacePath: string): Promise<void> {
    await this.shutdown();
    this.deps.policy.reset();
    this.start(workspacePath);
  }

  /** After giving up, the user may retry (Help ▸ Restart backend). */
  retry(): void {
    if (this.child) return;
    this.deps.policy.reset();
    this.start(this.workspace);
  }

  private onMessage(m: BackendToMain): void {
    if (typeof m !== 'object' || m === null) return;
    if (m.type === 'granted') {
      const ack = this.acks.get(m.id);
      this.acks.delete(m.id);
      ack?.();
    } else if (m.type === 'closed') this.closed?.();
  }

  private onExit(child: BackendChild, code: number): void {
    if (child !== this.child) return; // an old process (after a switch) ending late
    this.child = null;
    if (this.stopping) {
      this.closed?.();
      return;
    }
    const decision = this.deps.policy.onCrash(this.deps.now());
    if (decision.action === 'give-up') {
      this.gaveUp = true;
      this.deps.onStatus({
        state: 'gave-up',
        crashes: decision.crashes,
        message: `The workbench backend stopped ${decision.crashes} times in a short time (last exit code ${code}) and was not restarted. Your saved labels are in the workspace file. Use Help ▸ Restart backend to try again, or open another workspace.`,
      });
      return;
    }
    this.deps.onStatus({
      state: 'restarting',
      crashes: decision.crashes,
      message: `The workbench backend stopped unexpectedly (exit code ${code}) and is restarting. Labels already saved are kept; an action in progress may need to be repeated.`,
    });
    this.deps.schedule(() => {
      if (!this.child && !this.stopping) this.start(this.workspace);
    }, decision.delayMs);
  }

  get hasGivenUp(): boolean {
    return this.gaveUp;
  }
}
