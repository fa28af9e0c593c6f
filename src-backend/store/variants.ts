// Saved counterfactual variants (migration 003, docs/debugging-views.md "Saved variants"): a named
// edit of one stored turn. The edit is the object score.counterfactual takes, already validated by
// the contract's `turnEdit` schema at the API boundary; it is stored as JSON and re-read through the
// same schema, so a variant always re-applies with one score.counterfactual call. Whether its history
// steps and items exist is checked when it is applied (score.counterfactual names them), as for a
// live edit.
import { ApiError } from '../../src-common/errors.ts';
import { turnEdit, type TurnEdit, type Variant } from '../../src-common/api/contract.ts';
import { requireTurnPk } from './sessions.ts';
import type { Store } from './store.ts';

interface VariantRow {
  variant_id: number;
  name: string;
  edit: string;
  created_at: string;
}

function toVariant(turnId: string, r: VariantRow): Variant {
  return {
    variantId: r.variant_id,
    turnId,
    name: r.name,
    edit: turnEdit.parse(JSON.parse(r.edit)),
    createdAt: r.created_at,
  };
}

/** True when the edit changes something (an empty edit is the logged turn, not a variant). */
export function editIsEmpty(edit: TurnEdit): boolean {
  return edit.query === undefined && !edit.removeHistorySteps?.length && !edit.features?.length;
}

export function saveVariant(store: Store, turnId: string, name: string, edit: TurnEdit): Variant {
  const pk = requireTurnPk(store.db, turnId);
  if (editIsEmpty(edit)) {
    throw new ApiError(
      'invalid_input',
      'the edit changes nothing: set a query, remove history steps or change a feature value',
      [{ where: 'edit', message: 'empty edit' }],
    );
  }
  const clash = store.db
    .prepare('SELECT variant_id FROM counterfactual_variants WHERE turn_pk = ? AND name = ?')
    .get(pk, name);
  if (clash) {
    throw new ApiError(
      'conflict',
      `turn "${turnId}" already has a variant named ${JSON.stringify(name)}; choose another name or delete that one`,
      [{ where: 'name', message: `a variant named ${JSON.stringify(name)} exists for this turn` }],
    );
  }
  // Keys in a fixed order, so equal edits are stored as equal text.
  const stored: TurnEdit = {};
  if (edit.query !== undefined) stored.query = edit.query;
  if (edit.removeHistorySteps?.length) stored.removeHistorySteps = [...edit.removeHistorySteps].sort((a, b) => a - b);
  if (edit.features?.length)
    stored.features = edit.features.map((f) => ({ itemId: f.itemId, feature: f.feature, value: f.value }));
  const createdAt = new Date().toISOString();
  const r = store.db
    .prepare(
      'INSERT INTO counterfactual_variants (turn_pk, name, edit, created_at) VALUES (?, ?, ?, ?) RETURNING variant_id',
    )
    .get(pk, name, JSON.stringify(stored), createdAt) as { variant_id: number };
  return { variantId: r.variant_id, turnId, name, edit: stored, createdAt };
}

export function listVariants(store: Store, turnId: string): Variant[] {
  const pk = requireTurnPk(store.db, turnId);
  const rows = store.db
    .prepare(
      'SELECT variant_id, name, edit, created_at FROM counterfactual_variants WHERE turn_pk = ? ORDER BY variant_id',
    )
    .all(pk) as unknown as VariantRow[];
  return rows.map((r) => toVariant(turnId, r));
}

export function deleteVariant(store: Store, variantId: number): { variantId: number; deleted: true } {
  const r = store.db.prepare('DELETE FROM counterfactual_variants WHERE variant_id = ?').run(variantId);
  if (Number(r.changes) === 0) {
    throw new ApiError('not_found', `no saved variant ${variantId} in this workspace`, [
      { where: 'variantId', message: `unknown variant ${variantId}` },
    ]);
  }
  return { variantId, deleted: true };
}
