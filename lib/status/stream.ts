import { type Kind, SYNC_TYPE_BY_KIND } from "../domain/kinds.js";

/**
 * The GSI1 stream a kind's rows are indexed under, as lib/store/ledger-item.ts
 * `streamOf` derives it (lib/status may not import lib/store;
 * test/unit/status/stream.test.ts holds the two together).
 */
export const ledgerStreamOf = (kind: Kind): string => SYNC_TYPE_BY_KIND[kind] ?? kind;
