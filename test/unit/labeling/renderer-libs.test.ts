// Pure renderer logic of the labeling views: the outbox (retry with the same event id, survives a
// reload through sessionStorage, drops a refused write), the routes, and the instructions parser
// (Markdown subset as text, never HTML).
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-common/errors.ts';
import { LabelOutbox, isTransient } from '../../../src-renderer/src/lib/label-outbox.ts';
import { labelHash, parseLabelHash, type LabelRoute } from '../../../src-renderer/src/lib/label-routes.ts';
import { parseInstructions } from '../../../src-renderer/src/lib/label-markdown.ts';
import { ack, fakeClient, memoryStorage, unreachable } from '../helpers/outbox-fakes.ts';

describe('label outbox', () => {
  it('retries a write the backend could not take with the same event id until acknowledged, keeping it in storage meanwhile', async () => {
    const seen: { method: string; input: { eventId: string } }[] = [];
    const storage = memoryStorage();
    const client = fakeClient([unreachable, unreachable, () => ack('e1-aaaaaaaa')], seen);
    const box = new LabelOutbox(() => client, storage);
    box.backoff = () => 5;
    const snapshots: number[] = [];
    box.listen(() => snapshots.push(box.pending));
    const p = box.send('labels.record', {
      eventId: 'e1-aaaaaaaa',
      taskId: 1,
      turnId: 's#0',
      kind: 'grade',
      itemId: 'a',
      value: 1,
    });
    expect(JSON.parse(storage.data.get('qgs.labels.outbox')!)).toHaveLength(1);
    const a = await p;
    expect(a.eventId).toBe('e1-aaaaaaaa');
    expect(seen.map((s) => s.input.eventId)).toEqual(['e1-aaaaaaaa', 'e1-aaaaaaaa', 'e1-aaaaaaaa']);
    expect(box.pending).toBe(0);
    expect(JSON.parse(storage.data.get('qgs.labels.outbox')!)).toEqual([]);
  });

  it('sends in order, drops a refused write (reported) and goes on with the next', async () => {
    const seen: { method: string; input: { eventId: string } }[] = [];
    const client = fakeClient(
      [
        () => {
          throw new ApiError('invalid_input', 'value: 7 is not on scale', [{ where: 'value', message: 'x' }]);
        },
        () => ack('e2-bbbbbbbb'),
      ],
      seen,
    );
    const box = new LabelOutbox(() => client, null);
    const bad = box.send('labels.record', {
      eventId: 'e1-aaaaaaaa',
      taskId: 1,
      turnId: 's#0',
      kind: 'grade',
      itemId: 'a',
      value: 7,
    });
    const good = box.send('labels.undo', { eventId: 'e2-bbbbbbbb', taskId: 1, turnId: 's#0' });
    await expect(bad).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(good).resolves.toMatchObject({ eventId: 'e2-bbbbbbbb' });
    expect(seen.map((s) => s.method)).toEqual(['labels.record', 'labels.undo']);
  });

  it('a reload picks up the writes still queued and sends them with their event ids', async () => {
    const storage = memoryStorage();
    const c1 = fakeClient([unreachable], []);
    const first = new LabelOutbox(() => c1, storage);
    first.backoff = () => 60_000; // never retried by this "page"
    void first
      .send('labels.record', { eventId: 'e9-cccccccc', taskId: 1, turnId: 's#0', kind: 'skip' })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
    expect(first.pending).toBe(1);
    const seen: { method: string; input: { eventId: string } }[] = [];
    const c2 = fakeClient([() => ack('e9-cccccccc')], seen);
    const second = new LabelOutbox(() => c2, storage);
    expect(second.pending).toBe(1);
    second.flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.map((s) => s.input.eventId)).toEqual(['e9-cccccccc']);
    expect(second.pending).toBe(0);
  });

  it('treats only transport failures as transient', () => {
    expect(isTransient(new ApiError('internal', 'labels.record: connection lost: terminated'))).toBe(true);
    expect(isTransient(new ApiError('internal', 'labels.record: HTTP 502: bad gateway'))).toBe(true);
    expect(isTransient(new ApiError('internal', 'labels.record failed: SQLITE_CORRUPT'))).toBe(false);
    expect(isTransient(new ApiError('conflict', 'x'))).toBe(false);
    expect(isTransient(new ApiError('unauthorized', 'restarted with a new token'))).toBe(true);
    expect(isTransient(new TypeError('Failed to fetch'))).toBe(true);
  });
});

describe('label routes and instructions', () => {
  it('round-trips the labeling routes and ignores other hashes', () => {
    const routes: LabelRoute[] = [
      { name: 'tasks' },
      { name: 'tasks', create: true },
      { name: 'judge', taskId: 3, ordinal: 0 },
      { name: 'judge', taskId: 3, ordinal: null },
      { name: 'arena', taskId: 12, ordinal: 7 },
    ];
    for (const r of routes) expect(parseLabelHash(labelHash(r))).toEqual(r);
    expect(parseLabelHash('#/dataset')).toBeNull();
    expect(parseLabelHash('#/task/0/judge')).toBeNull();
    expect(parseLabelHash('#/task/x/judge')).toBeNull();
    expect(parseLabelHash('#/')).toBeNull();
  });

  it('parses a Markdown subset into text blocks; HTML stays text', () => {
    const b = parseInstructions('# Title\nSome **bold** and `code`.\n\n- one\n- two\n<img src=x onerror=alert(1)>');
    expect(b).toEqual([
      { kind: 'h', level: 1, text: [{ text: 'Title' }] },
      {
        kind: 'p',
        text: [
          { text: 'Some ' },
          { text: 'bold', strong: true },
          { text: ' and ' },
          { text: 'code', code: true },
          { text: '.' },
        ],
      },
      { kind: 'ul', items: [[{ text: 'one' }], [{ text: 'two' }]] },
      { kind: 'p', text: [{ text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });
});
