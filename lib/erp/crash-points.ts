/**
 * Named points *inside* an adapter's multi-step ERP write, where a kill-based test
 * stops the worker (ARCHITECTURE.md, "Crash points"). The protocol's own step
 * boundaries are in lib/sync/crash-points.ts; these are the windows between the
 * ERP calls of one write, which only a real kill (or a worker frozen for good) can
 * reach faithfully: a thrown error would run the adapter's clean-up code, which a
 * killed process never does.
 *
 * - `erp-created`: a record is created but not posted yet (create → post);
 * - `erp-invoiced`: a reimbursement's invoice is posted, its payment not yet (invoice → payment);
 * - `erp-unsettled`: a payment move is posted, not yet reconciled with its invoice;
 * - `erp-between`: one record of a batch is written, the next one not yet.
 *
 * Inside `attach` (receipts, issue #17; ATTACH_CRASH_POINTS, kept apart so the posting
 * protocol's "crash at every ERP point" tests only iterate the points a post reaches):
 * - `erp-attach-between`: one file of an attach call is attached, the next one not yet (Tryton);
 * - `erp-receipt-filed`: the receipt files are on disk, their tags not yet in the entry (journal).
 *
 * Production passes no hook. A hook may block for good (the chaos worker waits there
 * for its SIGKILL) or throw (the protocol test double rethrows it).
 */
export const ERP_CRASH_POINTS = ["erp-created", "erp-invoiced", "erp-unsettled", "erp-between"] as const;
export const ATTACH_CRASH_POINTS = ["erp-attach-between", "erp-receipt-filed"] as const;
export type ErpCrashPoint = (typeof ERP_CRASH_POINTS)[number] | (typeof ATTACH_CRASH_POINTS)[number];

export type ErpCrashHook = (point: ErpCrashPoint, info: { refs: string[] }) => void | Promise<void>;
