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
 * Production passes no hook. A hook may block for good (the chaos worker waits there
 * for its SIGKILL) or throw (the protocol test double rethrows it).
 */
export const ERP_CRASH_POINTS = ["erp-created", "erp-invoiced", "erp-unsettled", "erp-between"] as const;
export type ErpCrashPoint = (typeof ERP_CRASH_POINTS)[number];

export type ErpCrashHook = (point: ErpCrashPoint, info: { refs: string[] }) => void | Promise<void>;
