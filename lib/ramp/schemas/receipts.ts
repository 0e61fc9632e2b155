/**
 * `GET /receipts` and `GET /receipts/{id}` (OpenAPI `Receipt`): only `receipt_url` is
 * required there; an item without an id cannot be attached, so the id is required here
 * and such an item fails the page's parse loudly instead of being attached under nothing.
 */
import * as z from "zod";

const str = z.string().nullish();

export const ReceiptSchema = z.looseObject({
  id: z.string().min(1),
  created_at: str,
  /** Pre-signed, valid about an hour (OpenAPI); re-read the receipt when it has expired. */
  receipt_url: z.string().min(1),
  transaction_id: str,
  user_id: str,
});
export type ReceiptWire = z.infer<typeof ReceiptSchema>;
