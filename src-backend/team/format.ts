// The label-event exchange format, version 1 (docs/team.md, docs/schema/label-events-v1.schema.json):
// JSONL, a header line (format, version, annotators, scales, task definitions), then one event per
// line. The same shapes travel to and from the team server, so a file and a sync carry one thing.
import { z } from 'zod';
import { poolSpec, scaleLevel, taskSource } from '../../src-common/api/labeling-types.ts';

export const EXCHANGE_FORMAT = 'qgs-label-events';
/** The newest version this build writes and reads. Readers refuse a newer one (nothing changed). */
export const EXCHANGE_VERSION = 1;

const uid = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/, 'an id of 8–64 characters [0-9A-Za-z_-]');
const annotatorId = z.string().regex(/^[0-9A-Za-z_-]{4,64}$/, 'an annotator id of 4–64 characters [0-9A-Za-z_-]');
const turnId = z.string().min(3).max(600);
const itemId = z.string().min(1).max(1000);
const scaleName = z.string().min(1).max(200);
const isoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, 'an ISO 8601 time');

export const wireAnnotator = z.object({ annotatorId, displayName: z.string().trim().min(1).max(100) }).strict();
export const wireScale = z
  .object({ name: scaleName, description: z.string().max(2000), levels: z.array(scaleLevel).min(2).max(10) })
  .strict();
export const wireTask = z
  .object({
    taskUid: uid,
    name: z.string().trim().min(1).max(200),
    scale: scaleName,
    spec: z
      .object({
        source: taskSource,
        pool: poolSpec,
        modelNames: z.record(z.string(), z.string()),
        order: z.enum(['model', 'logged', 'shuffled']),
        seed: z.number().int(),
        showLogged: z.boolean(),
      })
      .strict(),
    instructions: z.string().max(20_000),
    hideScores: z.boolean(),
    createdAt: isoTime,
    turns: z
      .array(
        z
          .object({
            turnId,
            kind: z.enum(['start', 'switch', 'continuation']),
            pool: z.array(itemId).max(1000),
            rankings: z.record(z.string(), z.array(itemId).max(1000)),
          })
          .strict(),
      )
      .max(1_000_000),
  })
  .strict();

/** Kinds of label events this build understands. */
export const EVENT_KINDS = ['grade', 'undo', 'skip', 'flag', 'pairwise', 'adjudicate'] as const;

export const wireEvent = z
  .object({
    eventId: uid,
    annotatorId,
    createdAt: isoTime,
    /** The task's global id; null for a label given outside any task. */
    taskUid: uid.nullable(),
    turnId,
    itemId: itemId.nullable(),
    kind: z.enum(EVENT_KINDS),
    scale: scaleName.nullable(),
    value: z.number().int().nullable(),
    gain: z.number().nullable(),
    outcome: z.enum(['a_better', 'b_better', 'tie', 'both_bad']).nullable(),
    modelA: z.string().max(64).nullable(),
    modelB: z.string().max(64).nullable(),
    tags: z.array(z.string().max(60)).max(20).nullable(),
    note: z.string().max(5000).nullable(),
    undoes: uid.nullable(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const need = (field: keyof typeof e, why: string) => {
      if (e[field] === null) ctx.addIssue({ code: 'custom', path: [field], message: `${why} needs ${field}` });
    };
    if (e.kind === 'grade')
      (need('itemId', 'a grade'), need('scale', 'a grade'), need('value', 'a grade'), need('gain', 'a grade'));
    if (e.kind === 'adjudicate')
      (need('itemId', 'an adjudication'),
        need('scale', 'an adjudication'),
        need('value', 'an adjudication'),
        need('gain', 'an adjudication'),
        need('taskUid', 'an adjudication'));
    if (e.kind === 'undo') need('undoes', 'an undo');
    if (e.kind === 'pairwise')
      (need('outcome', 'a pairwise pick'), need('modelA', 'a pairwise pick'), need('modelB', 'a pairwise pick'));
  });

export const wireHeader = z
  .object({
    format: z.literal(EXCHANGE_FORMAT),
    version: z.literal(EXCHANGE_VERSION),
    exportedAt: isoTime,
    /** Which app wrote it (informational). */
    app: z.string().max(200).optional(),
    annotators: z.array(wireAnnotator).max(100_000),
    scales: z.array(wireScale).max(10_000),
    tasks: z.array(wireTask).max(100_000),
  })
  .strict();

export type WireAnnotator = z.output<typeof wireAnnotator>;
export type WireScale = z.output<typeof wireScale>;
export type WireTask = z.output<typeof wireTask>;
export type WireEvent = z.output<typeof wireEvent>;
export type WireHeader = z.output<typeof wireHeader>;
