// Migration 3: saved counterfactual variants (docs/debugging-views.md, "Saved variants").
// Append-only: never edit once shipped; add 004_….ts.
//  - counterfactual_variants: a named edit of one stored turn. `edit` is the JSON of the very object
//    score.counterfactual takes (contract.ts `turnEdit`: query, removeHistorySteps, features), so
//    applying a variant is one score.counterfactual call. Names are unique per turn. Deleting a turn
//    deletes its variants.
export default /* sql */ `
CREATE TABLE counterfactual_variants (
  variant_id  INTEGER PRIMARY KEY,
  turn_pk     INTEGER NOT NULL REFERENCES turns ON DELETE CASCADE,
  name        TEXT NOT NULL,
  edit        TEXT NOT NULL,  -- JSON: score.counterfactual's edit
  created_at  TEXT NOT NULL,
  UNIQUE (turn_pk, name)
) STRICT;
`;
