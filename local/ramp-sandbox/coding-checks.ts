/**
 * What Ramp checks about the items an object is coded to, per the guide's "Lifecycle: delete vs.
 * hide" table: a deleted item (is_active false: GL account, vendor, field option, tax code, or an
 * option of a deleted field) keeps its existing codings but "cannot be synced"; a HIDDEN option
 * keeps its codings and "can still be synced".
 */

import type { CoaRow, Connection, Selection, SpendObject } from "./model.js";
import { findOptionAnywhere } from "./routes/coa.js";

/** Every selection of an object, header and lines (transfers and cashbacks carry none). */
export function selectionsOf(o: SpendObject): Selection[] {
  if (!("header" in o)) return [];
  return [...o.header, ...o.lines.flatMap((l) => l.selections)];
}

/**
 * The first selection naming an item of `conn` that is deleted (or whose field is), or null.
 * Selections from another chart (the built-in demo chart, another connection) are not this
 * connection's to judge.
 */
export function inactiveSelection(conn: Connection, selections: readonly Selection[]): Selection | null {
  for (const s of selections) {
    const found = findOptionAnywhere(conn, s.id);
    if (!found) continue;
    if (!found.row.item.isActive) return s;
    if (found.kind === "option" && !fieldActive(conn, found.row)) return s;
    if (found.kind === "tax" && conn.coa.taxCodeField?.isActive === false) return s;
  }
  return null;
}

function fieldActive(conn: Connection, row: CoaRow): boolean {
  const fieldId = row.item.extra.field_ramp_id;
  return typeof fieldId === "string" ? conn.coa.fields.get(fieldId)?.field.isActive !== false : true;
}
