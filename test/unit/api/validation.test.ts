// Contract validation errors read as sentences a user can act on, and still name every field.
import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../src-backend/api/dispatch.ts';
import { ApiError } from '../../../src-common/errors.ts';

// Validation runs before any handler: none is needed to see its errors.
const dispatcher = createDispatcher({} as Handlers);

async function rejection(method: string, input: unknown): Promise<ApiError> {
  try {
    await dispatcher.call(method, input);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to be rejected');
}

describe('validation errors', () => {
  it('say what is wrong and where, in words', async () => {
    const long = await rejection('score.counterfactual', {
      turnId: 's1#1',
      models: ['abcdef12'],
      edit: { query: 'x'.repeat(2001) },
    });
    expect(long.code).toBe('invalid_input');
    expect(long.message).toBe('The query is too long: at most 2000 characters (edit.query).');
    expect(long.problems).toEqual([{ where: 'edit.query', message: 'The query is too long: at most 2000 characters' }]);

    const k = await rejection('metrics.turns', { modelA: 'abcdef12', modelB: 'abcdef12', setName: 'g', k: 'ten' });
    expect(k.message).toBe('Expected a number, got the text "ten" (k).');
    expect(k.message).not.toMatch(/Invalid input|expected number, received/);
  });

  it('lists every problem with a path a person can follow, the first in the message', async () => {
    const e = await rejection('score.counterfactual', {
      turnId: 's1#1',
      models: ['zz'],
      edit: { removeHistorySteps: [-1, 1.5], features: [{ itemId: '', feature: 'f', value: 'high' }], colour: 'red' },
    });
    expect(e.problems).toEqual([
      {
        where: 'models[0]',
        message: 'Entry 0 of models must be a model sha256 (or a unique prefix of ≥ 8 hex digits)',
      },
      { where: 'edit.removeHistorySteps[0]', message: 'Entry 0 of remove history steps is too small: at least 0' },
      { where: 'edit.removeHistorySteps[1]', message: 'Expected a whole number, got 1.5' },
      { where: 'edit.features[0].itemId', message: 'The item id must not be empty' },
      { where: 'edit.features[0].value', message: 'Expected a number, got the text "high"' },
      { where: 'edit', message: 'Unknown field "colour"' },
    ]);
    expect(e.message).toBe(
      'Entry 0 of models must be a model sha256 (or a unique prefix of ≥ 8 hex digits) (models[0]). 5 more problems listed below.',
    );
  });

  it('covers missing fields, limits, lists, choices and a non-object input', async () => {
    const missing = await rejection('score.turn', { models: ['abcdef12'] });
    expect(missing.problems).toEqual([{ where: 'turnId', message: 'The turn id is required' }]);
    const limits = await rejection('sessions.list', { offset: -1, limit: 5000, userId: 'u'.repeat(300), split: 'dev' });
    expect(limits.problems).toEqual([
      { where: 'userId', message: 'The user id is too long: at most 256 characters' },
      { where: 'split', message: 'The split must be one of "train", "valid", "test"' },
      { where: 'offset', message: 'The offset is too small: at least 0' },
      { where: 'limit', message: 'The limit is too large: at most 1000' },
    ]);
    const empty = await rejection('score.turn', { turnId: 's1#1', models: [] });
    expect(empty.message).toBe('Too few entries in models: at least 1 (models).');
    const notObject = await rejection('sessions.list', 5);
    expect(notObject.message).toBe('Expected an object, got 5 (input).');
  });
});
