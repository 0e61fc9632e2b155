/**
 * The vendor-credit listing is incremental. Ramp has no updated-at filter and no sync status
 * for credits (docs/ramp-api.md §9.2), only `from_created_at`; the ledger is their record.
 * So each walk lists credits created since a window start kept in the poll cursor
 * (`windowStart`), and what the window re-lists is deduplicated by the ledger (a MARKED credit
 * is skipped, lib/poll/work.ts).
 *
 * Where the next walk's window starts, once a walk completes:
 * - at the completed walk's start minus CREDIT_OVERLAP_MS. The overlap covers what a bare
 *   "since the last walk" would miss: Ramp's `from_created_at` is documented among date
 *   filters (a day may be all it compares), our clock and Ramp's differ, and a credit created
 *   just before the walk may only become listable after its page was read. A day covers all
 *   three at the cost of re-reading one day of credits (a page or two) per walk;
 * - never later than the oldest credit the walk listed that the ledger had not finished
 *   (no row yet, in flight, or FAILED): a credit that failed for a reason the user must fix
 *   (an unmapped vendor) is listed again until it posts, as every other kind is by Ramp's
 *   ready lists. A listed credit without `created_at` keeps the whole listing in the window.
 * The first walk (no cursor) lists every credit. Pure.
 */
import { ledgerKeyOf } from "../domain/kinds.js";
import type { RampVendorCredit } from "../ramp/model.js";
import type { LedgerItem } from "../sync/ports.js";
import type { Candidate } from "./work.js";

export const CREDIT_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The beginning of time for the window: the listing without a lower bound. */
const EVERYTHING = new Date(0).toISOString();

/** The oldest `created_at` of a listed credit the ledger has not finished, folded into `prior`. */
export function oldestOpenCredit(
  prior: string | null,
  candidates: readonly Candidate[],
  ledger: ReadonlyMap<string, LedgerItem | undefined>,
): string | null {
  let oldest = prior;
  for (const c of candidates) {
    if (c.kind !== "vendor_credit" || ledger.get(ledgerKeyOf(c))?.state === "MARKED") continue;
    const created = c.snapshot ? (c.snapshot as RampVendorCredit).createdAt : null;
    const at = created && Number.isFinite(Date.parse(created)) ? new Date(created).toISOString() : EVERYTHING;
    if (oldest === null || Date.parse(at) < Date.parse(oldest)) oldest = at;
  }
  return oldest;
}

/** The next walk's `from_created_at`: the completed walk's start less the overlap, or the oldest open credit if earlier. */
export function nextCreditWindow(walkStartedAt: number, openSince: string | null): string | null {
  const byTime = walkStartedAt - CREDIT_OVERLAP_MS;
  const open = openSince === null ? Number.POSITIVE_INFINITY : Date.parse(openSince);
  const start = Math.min(byTime, open);
  // Nothing is older than the epoch: a window from there is the whole listing, said plainly.
  return start <= 0 ? null : new Date(start).toISOString();
}
