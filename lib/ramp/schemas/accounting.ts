/** Accounting connection and chart-of-accounts wire shapes (docs/ramp-api.md §6, §7). */
import * as z from "zod";

const str = z.string().nullish();
const bool = z.boolean().nullish();

const ConnectionSettingsSchema = z.looseObject({
  transaction_sync_button_enabled: bool,
  reimbursement_sync_button_enabled: bool,
  transaction_accounting_vendor_creation_on_sync_enabled: bool,
  vendor_credits_enabled: bool,
  entity_selection_enabled: bool,
});
export type ConnectionSettings = z.infer<typeof ConnectionSettingsSchema>;

/** Settings we may write (entity_selection_enabled is read-only). */
export const ConnectionSettingsInputSchema = z.strictObject({
  transaction_sync_button_enabled: z.boolean().optional(),
  reimbursement_sync_button_enabled: z.boolean().optional(),
  transaction_accounting_vendor_creation_on_sync_enabled: z.boolean().optional(),
  vendor_credits_enabled: z.boolean().optional(),
});
export type ConnectionSettingsInput = z.infer<typeof ConnectionSettingsInputSchema>;

export const ConnectionSchema = z.looseObject({
  id: z.string(),
  remote_provider_name: str,
  is_active: z.boolean(),
  /** Lowercase in the spec, uppercase in the guide: compare case-insensitively (docs/ramp-api.md "Header decisions"). */
  status: str,
  connection_type: str,
  is_ready_to_migrate: bool,
  created_at: str,
  last_linked_at: str,
  settings: ConnectionSettingsSchema.nullish(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const AllConnectionsSchema = z.looseObject({ connections: z.array(ConnectionSchema) });

export const ConnectionCreateSchema = z.strictObject({
  remote_provider_name: z.string().min(1),
  settings: ConnectionSettingsInputSchema.optional(),
  /** false creates the inactive connection of the migration tool. */
  is_active: z.boolean().optional(),
});
export type ConnectionCreate = z.infer<typeof ConnectionCreateSchema>;

const GL_CLASSIFICATIONS = [
  "ANY",
  "ASSET",
  "CREDCARD",
  "EQUITY",
  "EXPENSE",
  "LIABILITY",
  "REVENUE",
  "UNKNOWN",
] as const;
const VISIBILITIES = ["HIDDEN", "VISIBLE"] as const;

const coaCommon = {
  ramp_id: z.string(),
  id: z.string(),
  code: str,
  is_active: z.boolean().nullish(),
  created_at: str,
  updated_at: str,
  accounting_connection_id: str,
  entity_remote_ids: z.array(z.string()).nullish(),
  provider_name: str,
};

export const GlAccountSchema = z.looseObject({
  ...coaCommon,
  name: z.string(),
  classification: str,
  visibility: str,
});
export type GlAccount = z.infer<typeof GlAccountSchema>;

export const GlAccountInputSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  classification: z.enum(GL_CLASSIFICATIONS),
  code: z.string().optional(),
  entity_remote_ids: z.array(z.string()).optional(),
});
export type GlAccountInput = z.infer<typeof GlAccountInputSchema>;

export const FieldSchema = z.looseObject({
  ramp_id: z.string(),
  id: z.string(),
  name: z.string(),
  display_name: str,
  input_type: str,
  is_active: z.boolean().nullish(),
  is_splittable: bool,
  is_required_for: z.array(z.string()).nullish(),
  created_at: str,
  updated_at: str,
  accounting_connection_id: str,
});
export type Field = z.infer<typeof FieldSchema>;

export const FieldInputSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  input_type: z.enum(["BOOLEAN", "FREE_FORM_TEXT", "SINGLE_CHOICE"]),
  is_splittable: z.boolean().optional(),
  is_required_for: z.array(z.string()).optional(),
  display_name: z.string().optional(),
  accounting_connection_id: z.string().optional(),
});
export type FieldInput = z.infer<typeof FieldInputSchema>;

/** PATCH body of a custom field. */
export const FieldPatchSchema = z.strictObject({
  name: z.string().min(1).optional(),
  display_name: z.string().optional(),
  is_splittable: z.boolean().optional(),
});
export type FieldPatch = z.infer<typeof FieldPatchSchema>;

export const FieldOptionSchema = z.looseObject({
  ...coaCommon,
  value: z.string(),
  display_name: str,
  visibility: str,
});
export type FieldOption = z.infer<typeof FieldOptionSchema>;

export const FieldOptionInputSchema = z.strictObject({
  id: z.string().min(1),
  value: z.string().min(1),
  code: z.string().optional(),
  display_name: z.string().optional(),
  entity_remote_ids: z.array(z.string()).optional(),
});
export type FieldOptionInput = z.infer<typeof FieldOptionInputSchema>;

export const AccountingVendorSchema = z.looseObject({
  ...coaCommon,
  name: z.string(),
  is_synced: bool,
});
export type AccountingVendor = z.infer<typeof AccountingVendorSchema>;

export const AccountingVendorInputSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  code: z.string().optional(),
  entity_remote_ids: z.array(z.string()).optional(),
});
export type AccountingVendorInput = z.infer<typeof AccountingVendorInputSchema>;

/** PATCH body of GL accounts, field options and accounting vendors. `code: ""` clears the code. */
export const CoaPatchSchema = z.strictObject({
  name: z.string().min(1).optional(),
  value: z.string().min(1).optional(),
  code: z.string().optional(),
  display_name: z.string().optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  /** Only the literal `true` is accepted by Ramp. */
  reactivate: z.literal(true).optional(),
});
export type CoaPatch = z.infer<typeof CoaPatchSchema>;

const UploadResultSchema = z.looseObject({ uploaded: z.array(z.string()).nullish() });

export const GlUploadResponseSchema = UploadResultSchema.extend({
  gl_accounts: z.array(GlAccountSchema).nullish(),
});
export const OptionUploadResponseSchema = UploadResultSchema.extend({
  options: z.array(FieldOptionSchema).nullish(),
});
export const VendorUploadResponseSchema = UploadResultSchema.extend({
  vendors: z.array(AccountingVendorSchema).nullish(),
});

/** Tax (beta): response shapes are undocumented, so only ids are relied on. */
export const TaxRateSchema = z.looseObject({
  id: z.string(),
  ramp_id: str,
  name: str,
  rate: z.union([z.string(), z.number()]).nullish(),
  accounting_gl_account_id: str,
  is_active: z.boolean().nullish(),
});
export type TaxRate = z.infer<typeof TaxRateSchema>;

export const TaxRateInputSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  /** Decimal fraction as a string ("0.10" = 10 %): no floats on the wire either. */
  rate: z.string().regex(/^\d+(\.\d+)?$/),
  accounting_gl_account_id: z.string().optional(),
});
export type TaxRateInput = z.infer<typeof TaxRateInputSchema>;

/**
 * PATCH body of a tax rate (`{ name?, rate?, accounting_gl_account_id? }`, plus the CoA-wide
 * `reactivate: true`). Values are left for Ramp to judge, as POST's are not: a refused
 * value is then reported for that one item instead of stopping the whole push.
 */
export const TaxRatePatchSchema = z.strictObject({
  name: z.string().optional(),
  /** Decimal fraction, as a string or a number (docs/ramp-api.md §7.5). */
  rate: z.union([z.string(), z.number()]).optional(),
  accounting_gl_account_id: z.string().optional(),
  reactivate: z.literal(true).optional(),
});
export type TaxRatePatch = z.infer<typeof TaxRatePatchSchema>;

export const TaxCodeFieldSchema = z.looseObject({
  id: str,
  ramp_id: str,
  name: str,
  is_active: z.boolean().nullish(),
});
export type TaxCodeField = z.infer<typeof TaxCodeFieldSchema>;

export const TaxCodeOptionSchema = z.looseObject({
  id: z.string(),
  ramp_id: str,
  name: str,
  tax_rate_ids: z.array(z.string()).nullish(),
  is_active: z.boolean().nullish(),
});
export type TaxCodeOption = z.infer<typeof TaxCodeOptionSchema>;

export const TaxCodeOptionInputSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  tax_rate_ids: z.array(z.string()).optional(),
  /** Scopes the code to entities like every other company item (REFERENCE.md §7 common rules). */
  entity_remote_ids: z.array(z.string().min(1)).optional(),
});
export type TaxCodeOptionInput = z.infer<typeof TaxCodeOptionInputSchema>;

/** PATCH body of a tax code option; `tax_rate_ids` (remote ids) replaces every association. */
export const TaxCodeOptionPatchSchema = z.strictObject({
  name: z.string().optional(),
  tax_rate_ids: z.array(z.string()).optional(),
  reactivate: z.literal(true).optional(),
});
export type TaxCodeOptionPatch = z.infer<typeof TaxCodeOptionPatchSchema>;
