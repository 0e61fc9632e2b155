/**
 * What happens to a receipt that could not be attached (ARCHITECTURE.md, "Receipts").
 * Pure. A receipt never fails its object: the object is in the ERP and Ramp is told so;
 * the receipt's own row says what is missing and why, `ops show` and `reconcile` list it.
 *
 * - gone (deleted in Ramp, or its file is), too large, not a receipt file type, or the
 *   ERP refuses the record (it is gone there): given up at once — trying again reads the same;
 * - transient (Ramp's file store or the ERP unavailable, a URL still expired after a fresh
 *   one was fetched): retried with the message, up to MAX_RECEIPT_ATTEMPTS, then given up;
 * - scope (the app lacks `receipts:read`): waiting, not counted as attempts — the tenant is
 *   flagged once and alarmed, and the next poll after the scope is granted attaches them.
 */
export const FAIL_REASONS = [
  "expired",
  "gone",
  "too_large",
  "unsupported_type",
  "transient",
  "erp",
  "scope",
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

export type ReceiptState = "attached" | "failed" | "given_up";

export const MAX_RECEIPT_ATTEMPTS = 5;

/**
 * Largest receipt we download (bytes). Unknown what Ramp allows; its UI takes phone photos and
 * PDFs of a few MB. 20 MiB leaves room for a long scanned invoice and stays under every ERP's
 * attachment limit we know (the adapter's own `maxAttachmentBytes` caps it further).
 */
export const DEFAULT_MAX_RECEIPT_BYTES = 20 * 1024 * 1024;

export interface FailureVerdict {
  state: "failed" | "given_up";
  /** Attempts after this one (scope waits are not attempts). */
  attempts: number;
  /** The message should come back (SQS redelivery). */
  retry: boolean;
}

export function verdictFor(reason: FailReason, attemptsBefore: number): FailureVerdict {
  if (reason === "scope") return { state: "failed", attempts: attemptsBefore, retry: false };
  const attempts = attemptsBefore + 1;
  if (reason === "transient" || reason === "expired") {
    const spent = attempts >= MAX_RECEIPT_ATTEMPTS;
    return { state: spent ? "given_up" : "failed", attempts, retry: !spent };
  }
  return { state: "given_up", attempts, retry: false };
}

/** Rows nothing will change any more (attached, or given up for good). Scope waits are not final. */
export function isSettled(row: { state: ReceiptState }): boolean {
  return row.state === "attached" || row.state === "given_up";
}

/** What a finance user or operator reads for a reason (ops show, reconcile). */
export const REASON_TEXT: Record<FailReason, string> = {
  expired: "its download link kept expiring",
  gone: "deleted in Ramp",
  too_large: "the file is larger than the limit",
  unsupported_type: "not a receipt file type (PDF or image)",
  transient: "Ramp's file store or the ERP kept failing",
  erp: "the ERP refused the attachment",
  scope: "the Ramp app lacks the receipts:read scope",
};
