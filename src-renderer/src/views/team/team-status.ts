// Sync state in words, for the Team screen and the compact indicator in the labeling views
// (docs/team.md). Plain logic, unit-tested in test/unit/team/team-status.test.ts.
import type { TeamStatus } from '../../../../src-common/api/labeling-types.ts';

export type Tone = 'off' | 'ok' | 'busy' | 'warn' | 'error';

export interface SyncSummary {
  /** A few words: "synced", "3 to push", "paused", "retrying". */
  label: string;
  tone: Tone;
  /** A sentence for the tooltip / the settings screen. */
  detail: string;
}

export const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** "just now", "2 min ago", "3 h ago", else the local date and time. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

export function syncSummary(s: TeamStatus, now = Date.now()): SyncSummary {
  if (!s.connected) return { label: 'team sync off', tone: 'off', detail: 'Not connected to a team database.' };
  const pending = s.pending > 0 ? `${plural(s.pending, 'label event')} waiting to be pushed` : 'nothing waiting';
  if (s.state === 'paused')
    return {
      label: 'sync paused',
      tone: 'error',
      detail: `Paused: ${s.pausedReason ?? 'unknown reason'} (${pending}).`,
    };
  if (s.state === 'retrying') {
    const next = s.retryAt ? `Next try at ${new Date(s.retryAt).toLocaleTimeString()}` : 'Retrying';
    return {
      label: s.pending ? `${plural(s.pending, 'label')} not synced` : 'sync retrying',
      tone: 'warn',
      detail: `${s.lastError ?? 'The last attempt failed'}. ${next}; ${pending}.`,
    };
  }
  if (s.pending > 0)
    return {
      label: `${plural(s.pending, 'label')} to push`,
      tone: 'busy',
      detail: `Syncing: ${pending}; last synced ${ago(s.lastSyncedAt, now)}.`,
    };
  return { label: 'synced', tone: 'ok', detail: `All labels pushed; last synced ${ago(s.lastSyncedAt, now)}.` };
}
