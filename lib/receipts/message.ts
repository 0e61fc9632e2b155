/**
 * Messages on the receipts queue (ARCHITECTURE.md, "Receipts"). Three sources:
 * - `attach`: the syncer, after a batch, for the objects it posted (or found already posted)
 *   that carry receipts — one message per tenant per batch, so the worker resolves many
 *   receipts' URLs with few `GET /receipts` pages;
 * - `late`: a `transactions.receipt_added` webhook (a receipt added after the export);
 * - `poll`: the scheduled poll of a tenant (receipts created since the cursor; reimbursements
 *   re-read for receipts added late, once a day).
 * zod at the boundary: a body that does not parse is poison (DLQ), never guessed at.
 */
import * as z from "zod";

export const RECEIPT_KINDS = ["transaction", "reimbursement", "bill"] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

export const ReceiptObjectSchema = z.object({
  kind: z.enum(RECEIPT_KINDS),
  rampId: z.string().min(1),
  entityId: z.string().nullable(),
  /** The ERP id recorded in the ledger (what Ramp was, or will be, told). */
  erpRef: z.string().min(1),
  /** Receipt ids (transactions, reimbursements) or invoice-file ids (bills: lib/receipts/invoice-id.ts). */
  receiptIds: z.array(z.string().min(1)).max(200),
  /** The transaction's `user_transaction_time`: bounds the `GET /receipts` window (from_date/to_date). */
  at: z.string().nullable(),
});
export type ReceiptObject = z.infer<typeof ReceiptObjectSchema>;

export const ReceiptsMessageSchema = z.discriminatedUnion("type", [
  z.object({
    v: z.literal(1),
    type: z.literal("attach"),
    tenantId: z.string().min(1),
    objects: z.array(ReceiptObjectSchema).min(1).max(1000),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal("late"),
    tenantId: z.string().min(1),
    transactionId: z.string().min(1),
    receiptId: z.string().min(1).nullable(),
  }),
  z.object({ v: z.literal(1), type: z.literal("poll"), tenantId: z.string().min(1) }),
]);
export type ReceiptsMessage = z.infer<typeof ReceiptsMessageSchema>;

/** Objects per `attach` message: well under SQS's 256 KiB (an object is ≲ 300 bytes with 3 receipts). */
export const OBJECTS_PER_MESSAGE = 500;

export function parseReceiptsMessage(body: string): ReceiptsMessage | null {
  try {
    const r = ReceiptsMessageSchema.safeParse(JSON.parse(body));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
