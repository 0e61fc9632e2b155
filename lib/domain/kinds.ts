/**
 * A *kind* is one posting phase of one Ramp object (ARCHITECTURE.md "Names").
 * A bill has two: `bill` and `bill_payment`.
 */
export const KINDS = [
  "transaction",
  "bill",
  "bill_payment",
  "reimbursement",
  "transfer",
  "cashback",
  "vendor_credit",
  "credit_application",
] as const;
export type Kind = (typeof KINDS)[number];

/** Ramp's `sync_type` for each kind; vendor credits have no known sync type (the ledger is their record). */
export const SYNC_TYPE_BY_KIND = {
  transaction: "TRANSACTION_SYNC",
  bill: "BILL_SYNC",
  bill_payment: "BILL_PAYMENT_SYNC",
  reimbursement: "REIMBURSEMENT_SYNC",
  transfer: "TRANSFER_SYNC",
  cashback: "STATEMENT_CREDIT_SYNC",
  vendor_credit: null,
  credit_application: null,
} as const satisfies Record<Kind, string | null>;

export type SyncType = NonNullable<(typeof SYNC_TYPE_BY_KIND)[Kind]>;
export const SYNC_TYPES = Object.values(SYNC_TYPE_BY_KIND).filter((t): t is SyncType => t !== null);

/**
 * The external reference stored in the ERP for one kind of one Ramp object.
 * Released to production it must never change: a new format would re-post everything.
 */
export function externalRef(kind: Kind, rampId: string): string {
  return `ramp:${kind}:${rampId}`;
}

export function parseExternalRef(ref: string): { kind: Kind; rampId: string } | null {
  const m = /^ramp:([a-z_]+):(.+)$/.exec(ref);
  if (!m) return null;
  const kind = m[1] as Kind;
  return KINDS.includes(kind) ? { kind, rampId: m[2]! } : null;
}

/** The three kinds of failure Ramp's Export Errors show (the guide's "Errors", docs/ramp-api.md, Guide "Errors"). */
export const ERROR_CATEGORIES = ["user_actionable", "transient", "needs_integrator"] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The key of an object's ledger row within its tenant, as batch reads return them: `<kind>#<rampId>`. */
export const ledgerKeyOf = (k: { kind: Kind; rampId: string }) => `${k.kind}#${k.rampId}`;
