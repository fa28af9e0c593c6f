// The sync state in words (Settings → Team and the labeling views' indicator; docs/team.md).
import { describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../../src-common/api/labeling-types.ts';
import { ago, syncSummary } from '../../../src-renderer/src/views/team/team-status.ts';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const base: TeamStatus = {
  connected: true,
  url: 'postgres://ana@db.example:5432/labels',
  state: 'idle',
  passwordSource: 'memory',
  pending: 0,
  lastSyncedAt: '2026-12-05T11:59:55Z',
  lastError: null,
  pausedReason: null,
  retryAt: null,
  serverSchemaVersion: 1,
  appSchemaVersion: 1,
  pushed: 0,
  pulled: 0,
};

describe('sync summary', () => {
  it('says off, synced, waiting, retrying and paused, with what to know', () => {
    expect(syncSummary({ ...base, connected: false, state: 'off' }, NOW)).toMatchObject({
      label: 'team sync off',
      tone: 'off',
    });
    expect(syncSummary(base, NOW)).toMatchObject({
      label: 'synced',
      tone: 'ok',
      detail: 'All labels pushed; last synced just now.',
    });
    expect(syncSummary({ ...base, pending: 1 }, NOW)).toMatchObject({ label: '1 label to push', tone: 'busy' });
    const retry = syncSummary(
      {
        ...base,
        state: 'retrying',
        pending: 3,
        lastError: 'cannot reach PostgreSQL at db.example:5432: connection refused',
        retryAt: '2026-12-05T12:00:04Z',
      },
      NOW,
    );
    expect(retry).toMatchObject({ label: '3 labels not synced', tone: 'warn' });
    expect(retry.detail).toMatch(
      /^cannot reach PostgreSQL.*connection refused\. Next try at .*; 3 label events waiting to be pushed\.$/,
    );
    const paused = syncSummary(
      { ...base, state: 'paused', pending: 2, pausedReason: 'the team database has schema version 9' },
      NOW,
    );
    expect(paused).toMatchObject({ label: 'sync paused', tone: 'error' });
    expect(paused.detail).toBe('Paused: the team database has schema version 9 (2 label events waiting to be pushed).');
  });

  it('ages read as people say them', () => {
    expect(ago(null, NOW)).toBe('never');
    expect(ago('2026-12-05T11:59:30Z', NOW)).toBe('30 s ago');
    expect(ago('2026-12-05T11:45:00Z', NOW)).toBe('15 min ago');
    expect(ago('2026-12-05T09:00:00Z', NOW)).toBe('3 h ago');
  });
});
