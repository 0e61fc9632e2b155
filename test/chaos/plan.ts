/**
 * What each kill needs in flight, and the summary the suites print: the four
 * counts and the kills per window.
 */
import type { WorkItem } from "../../lib/sync/process-item.js";
import type { Counts } from "./check.js";
import type { ChaosResult, WindowName } from "./harness.js";

const paidReimbursement = (it: WorkItem) =>
  it.kind === "reimbursement" && (it.snapshot as { state?: string } | undefined)?.state === "REIMBURSED";
const isDocument = (it: WorkItem) => it.kind === "bill" || it.kind === "reimbursement";

/**
 * The fresh objects sent before a kill at this window: a few of any kind, plus what the
 * window needs to occur — a paid reimbursement (invoice → payment, payment → reconciliation)
 * or documents written one by one after the batch's moves (between batch records).
 */
export function feedFor(window: WindowName, fresh: WorkItem[]): WorkItem[] {
  const take = (pred: (it: WorkItem) => boolean, n: number) => fresh.filter(pred).slice(0, n);
  let needed: WorkItem[] = [];
  if (window === "invoice → payment" || window === "payment → reconciliation")
    needed = take(paidReimbursement, 1);
  if (window === "between batch records")
    needed = [...take(isDocument, 2), ...take((it) => it.kind === "transaction", 1)];
  // Otherwise two objects that always write something (a bill's phases may be owed elsewhere or
  // held); bills still come through the document windows and the final drain.
  if (!needed.length) needed = take((it) => it.kind !== "bill" && it.kind !== "bill_payment", 2);
  return needed.length ? needed : fresh.slice(0, 2);
}

export function printSummary(
  erp: string,
  r: ChaosResult,
  check: { counts: Counts; problems: string[]; outcomes: Record<string, number> },
): void {
  const lines = [
    `chaos (${erp}): ${r.totalKills} kills in ${r.cycles} cycles, ${r.pollRounds} poll rounds, ${(r.ms / 1000).toFixed(0)} s`,
    `  kills per window: ${Object.entries(r.killsPerWindow)
      .map(([w, n]) => `${w} ${n}`)
      .join(", ")}`,
    `  windows armed but not reached (retried): ${JSON.stringify(r.missed)}`,
    `  duplicates ${check.counts.duplicates}, incomplete reported synced ${check.counts.incompleteSynced}, lost ${check.counts.lost}, told more than once ${check.counts.toldTwice}`,
    `  outcomes: ${JSON.stringify(check.outcomes)}`,
    ...check.problems.slice(0, 20).map((p) => `  ! ${p}`),
  ];
  console.log(lines.join("\n"));
}
