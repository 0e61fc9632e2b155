/**
 * Wire shapes shared by many endpoints. Every object is loose (unknown fields
 * pass through untouched) and almost every field nullish: Ramp's API grows
 * additively and the 2025 and 2026 shapes differ (docs/ramp-api.md §1.1, §16).
 */
import * as z from "zod";

const str = z.string().nullish();

/** `CurrencyAmount`: integer minor units (bills, transfers, cashbacks, line items). */
export const CurrencyAmountSchema = z.looseObject({
  amount: z.number().int(),
  currency_code: z.string().min(3),
  minor_unit_conversion_rate: z.number().int().nullish(),
});
export type CurrencyAmountWire = z.infer<typeof CurrencyAmountSchema>;

/** 2026 `entity_amount` / `merchant_amount`: signed integer minor units. */
export const SignedAmountSchema = z.looseObject({
  currency: z.string().min(3),
  value: z.number().int(),
});
export type SignedAmountWire = z.infer<typeof SignedAmountSchema>;

/** A coding selection on transactions, reimbursements, bills and their lines (docs/ramp-api.md §8). */
export const SelectionSchema = z.looseObject({
  id: z.string(),
  name: str,
  display_name: str,
  external_id: str,
  external_code: str,
  type: str,
  provider_name: str,
  category_info: z
    .looseObject({
      id: str,
      name: str,
      external_id: str,
      type: str,
    })
    .nullish(),
});
export type SelectionWire = z.infer<typeof SelectionSchema>;

export const selections = z
  .array(SelectionSchema)
  .nullish()
  .transform((v) => v ?? []);

export const LineItemSchema = z.looseObject({
  amount: CurrencyAmountSchema,
  converted_amount: CurrencyAmountSchema.nullish(),
  memo: str,
  accounting_field_selections: selections,
});
export type LineItemWire = z.infer<typeof LineItemSchema>;

/** `{ data: [...], page: { next } }` envelope of every paginated list (docs/ramp-api.md §3). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    data: z.array(item),
    page: z.looseObject({ next: z.string().nullish() }).nullish(),
  });
}

const OBJECT_SYNC_STATUSES = ["NOT_SYNC_READY", "SYNC_READY", "SYNCED"] as const;
/** Known values are kept; an unknown value becomes null rather than failing the page. */
export const syncStatus = z
  .string()
  .nullish()
  .transform((v) =>
    (OBJECT_SYNC_STATUSES as readonly string[]).includes(v ?? "")
      ? (v as (typeof OBJECT_SYNC_STATUSES)[number])
      : null,
  );
