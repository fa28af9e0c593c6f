// The save indicator of the labeling views (lib/save-status.svelte.ts) over the one shared label
// outbox: several views listen at once, each hears every change and words it the same way.
import { describe, expect, it } from 'vitest';
import { LabelOutbox } from '../../../src-renderer/src/lib/label-outbox.ts';
import { SaveStatus } from '../../../src-renderer/src/lib/save-status.svelte.ts';
import { ack, fakeClient, unreachable } from '../helpers/outbox-fakes.ts';

describe('save status', () => {
  it('every view listening to the shared outbox hears each change, and says the same thing about it', async () => {
    const client = fakeClient([unreachable, () => ack('e3-cccccccc'), () => ack('e4-dddddddd')], []);
    const box = new LabelOutbox(() => client, null);
    box.backoff = () => 5;
    const judge = new SaveStatus(box);
    const disagreements = new SaveStatus(box);
    const heard: string[] = [];
    const stop = box.listen(() => heard.push(judge.text));
    expect(judge.text).toBe('all saved');
    const p = box.send('labels.record', {
      eventId: 'e3-cccccccc',
      taskId: 1,
      turnId: 's#0',
      kind: 'grade',
      itemId: 'a',
      value: 2,
    });
    expect(disagreements.text).toBe('saving 1…');
    const a = await p;
    judge.acknowledged('2026-12-05T10:00:00Z');
    expect(heard).toContain('backend unreachable — 1 waiting, retrying');
    expect(a.eventId).toBe('e3-cccccccc');
    expect(disagreements.pending).toBe(0);
    expect(judge.text).toMatch(/^saved /);
    // Stopped listeners hear nothing more; the others still do.
    stop();
    judge.stop();
    const n = heard.length;
    const q = box.send('labels.record', {
      eventId: 'e4-dddddddd',
      taskId: 1,
      turnId: 's#0',
      kind: 'grade',
      itemId: 'b',
      value: 1,
    });
    expect(disagreements.pending).toBe(1);
    expect(judge.pending).toBe(0);
    await q;
    expect(heard.length).toBe(n);
    expect(disagreements.text).toBe('all saved');
  });
});
