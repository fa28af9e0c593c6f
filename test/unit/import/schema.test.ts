// The JSON Schema file documents the importer's rules; keep the two in step.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FEATURE_NAME, LIMITS } from '../../../src-backend/data/session-validate.ts';
import { MAX_LINE_BYTES } from '../../../src-backend/data/session-log.ts';

const schema = JSON.parse(
  readFileSync(new URL('../../../docs/schema/session-log-v1.schema.json', import.meta.url), 'utf8'),
);

describe('docs/schema/session-log-v1.schema.json', () => {
  it('states the same limits and patterns as the importer', () => {
    const top = schema.properties;
    const ev = schema.$defs.event.properties;
    const res = schema.$defs.result.properties;
    expect(top.session_id.maxLength).toBe(LIMITS.idChars);
    expect(top.user_id.maxLength).toBe(LIMITS.idChars);
    expect(top.events.maxItems).toBe(LIMITS.events);
    expect(ev.query.maxLength).toBe(LIMITS.queryChars);
    expect(ev.results.maxItems).toBe(LIMITS.results);
    expect(res.item_id.maxLength).toBe(LIMITS.idChars);
    expect(res.title.maxLength).toBe(LIMITS.titleChars);
    expect(res.features.maxProperties).toBe(LIMITS.features);
    expect(res.features.propertyNames.pattern).toBe(FEATURE_NAME.source);
    expect(schema.required).toEqual(['v', 'session_id', 'user_id', 'events']);
    expect(schema.description).toContain(`${MAX_LINE_BYTES / (1024 * 1024)} MiB`);
  });
});
