/**
 * Syncable Ramp objects and their neighbours, as Ramp sends them
 * (docs/ramp-api.md §9, §10). Money fields are kept in whichever shapes arrive;
 * lib/ramp/normalise.ts turns them into Money.
 */
import * as z from "zod";
import {
  CurrencyAmountSchema,
  LineItemSchema,
  SignedAmountSchema,
  selections,
  syncStatus,
} from "./common.js";

const str = z.string().nullish();
/** Receipt ids (transactions, reimbursements) and pre-signed invoice URLs (bills): absent = none. */
const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const lines = z
  .array(LineItemSchema)
  .nullish()
  .transform((v) => v ?? []);

export const TransactionSchema = z.looseObject({
  id: z.string(),
  entity_id: str,
  state: str,
  sync_status: syncStatus,
  synced_at: str,
  /** Legacy decimal in major units; deprecated in favour of `entity_amount`. */
  amount: z.number().nullish(),
  currency_code: str,
  entity_amount: SignedAmountSchema.nullish(),
  merchant_amount: SignedAmountSchema.nullish(),
  original_transaction_amount: CurrencyAmountSchema.nullish(),
  minor_unit_conversion_rate: z.number().int().nullish(),
  accounting_date: str,
  user_transaction_time: str,
  merchant_id: str,
  merchant_name: str,
  memo: str,
  card_holder: z.looseObject({ user_id: str, first_name: str, last_name: str, employee_id: str }).nullish(),
  limit_id: str,
  accounting_field_selections: selections,
  line_items: lines,
  requires_accounting_vendor_creation_to_sync: z.boolean().nullish(),
  original_transaction_id: str,
  receipts: strings,
});
export type TransactionWire = z.infer<typeof TransactionSchema>;

export const ReimbursementSchema = z.looseObject({
  id: z.string(),
  entity_id: str,
  state: str,
  type: str,
  sync_status: syncStatus,
  synced_at: str,
  amount: z.number().nullish(),
  currency: str,
  entity_amount: SignedAmountSchema.nullish(),
  accounting_date: str,
  transaction_date: str,
  created_at: str,
  user_id: str,
  user_full_name: str,
  user_email: str,
  employee_id: str,
  merchant: str,
  memo: str,
  payment_processed_at: str,
  accounting_field_selections: selections,
  line_items: lines,
  receipts: strings,
});
export type ReimbursementWire = z.infer<typeof ReimbursementSchema>;

export const TransferSchema = z.looseObject({
  id: z.string(),
  entity_id: str,
  amount: CurrencyAmountSchema,
  created_at: str,
  status: str,
  sync_status: syncStatus,
  payment_id: str,
  bank_account_id: str,
});
export type TransferWire = z.infer<typeof TransferSchema>;

export const CashbackSchema = z.looseObject({
  id: z.string(),
  entity_id: str,
  amount: CurrencyAmountSchema,
  created_at: str,
  sync_status: syncStatus,
});
export type CashbackWire = z.infer<typeof CashbackSchema>;

const BILL_SYNC_STATUSES = ["NOT_SYNCED", "BILL_SYNCED", "BILL_AND_PAYMENT_SYNCED"] as const;

export const BillPaymentSchema = z.looseObject({
  id: str,
  amount: CurrencyAmountSchema,
  payment_method: str,
  payment_date: str,
  effective_date: str,
  /** One of card / manual / vendor details; told apart by their fields (docs/ramp-api.md §19). */
  details: z
    .looseObject({
      spend_limit_id: str,
      transaction_ids: z.array(z.string()).nullish(),
      manual_payment_method: str,
      source_bank_account_id: str,
      vendor_account_id: str,
      approval_status: str,
    })
    .nullish(),
});
export type BillPaymentWire = z.infer<typeof BillPaymentSchema>;

export const BillSchema = z.looseObject({
  id: z.string(),
  entity_id: str,
  status: z.enum(["OPEN", "PAID"]),
  sync_status: z.enum(BILL_SYNC_STATUSES),
  approval_status: str,
  amount: CurrencyAmountSchema,
  /** Invoice currency → payer currency, a decimal string; read leniently, checked where a policy uses it. */
  fx_conversion_rate: z.union([z.string(), z.number()]).nullish(),
  invoice_number: str,
  memo: str,
  invoice_urls: strings,
  issued_at: str,
  due_at: str,
  accounting_date: str,
  paid_at: str,
  vendor: z.looseObject({ id: str, name: str, remote_id: str }).nullish(),
  accounting_field_selections: selections,
  line_items: lines,
  payment: BillPaymentSchema.nullish(),
  /** Credits applied to the bill (docs/ramp-api.md §10.5, 2026): `{ id, amount }`, USD only per Ramp. */
  applied_vendor_credits: z
    .array(z.looseObject({ id: z.string(), amount: CurrencyAmountSchema }))
    .nullish()
    .transform((v) => v ?? []),
  remote_id: str,
  deep_link_url: str,
});
export type BillWire = z.infer<typeof BillSchema>;

/** Shape undocumented (docs/ramp-api.md "Header decisions"): the project's reading, tolerant of extras and gaps. */
export const VendorCreditSchema = z.looseObject({
  id: z.string(),
  vendor_id: str,
  entity_id: str,
  amount: CurrencyAmountSchema,
  remaining_amount: CurrencyAmountSchema.nullish(),
  accounting_date: str,
  created_at: str,
  memo: str,
  accounting_field_selections: selections,
  line_items: lines,
});
export type VendorCreditWire = z.infer<typeof VendorCreditSchema>;

export const EntitySchema = z.looseObject({
  id: z.string(),
  entity_name: z.string(),
  currency: str,
  is_primary: z.boolean().nullish(),
});
export type EntityWire = z.infer<typeof EntitySchema>;

/** Ramp (bill-pay) vendor — not an accounting vendor (docs/ramp-api.md §9.1). */
export const RampVendorSchema = z.looseObject({
  id: z.string(),
  name: str,
  name_legal: str,
  accounting_vendor_remote_id: str,
  is_active: z.boolean().nullish(),
  merchant_id: str,
  external_vendor_id: str,
});
export type RampVendor = z.infer<typeof RampVendorSchema>;

export const RampVendorPatchSchema = z.strictObject({
  accounting_vendor_remote_id: z.string().min(1).optional(),
  vendor_tracking_category_option_id: z.string().min(1).optional(),
});
export type RampVendorPatch = z.infer<typeof RampVendorPatchSchema>;
