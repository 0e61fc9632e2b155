/** The receipts worker's metrics (lib/receipts/attach.ts); the alarms read them (infra/constructs/alarms.ts). */
export const RECEIPT_METRIC = {
  attached: "ReceiptsAttached",
  bytes: "ReceiptBytes",
  /** Each recorded failure, by reason; given-up ones also by `final: "yes"`. */
  failed: "ReceiptsFailed",
  /** Once per tenant, when `receipts:read` is found missing (alarmed). */
  scopeMissing: "ReceiptsScopeMissing",
} as const;
