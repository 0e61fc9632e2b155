/**
 * From Ramp coding (selections on the header and on line items) to expense lines:
 * GL account, tax split and dimensions per line, amounts that total exactly the
 * Ramp amount. Pure; the coding context carries what the selections alone do not
 * say (tax rates per tax code, which field is the vendor field).
 */
import { allocate, type Money, money, sum } from "../../money/index.js";
import type { LineItem, Selection } from "../../ramp/model.js";
import { type CodingSurface, type Dimension, type ExpenseLine, userError } from "../port.js";
import { assertOwnedBy } from "./company.js";
import { includedTax } from "./decimal.js";

export interface CodingContext {
  /** Tax-code remote id → total rate as a decimal string ("0.10"). */
  taxRates: ReadonlyMap<string, string>;
  /** Remote id of the field the integration uploaded vendors under, if vendors are a field. */
  vendorFieldRemoteId?: string | null;
  /** Remote id of the field tax codes were uploaded under, if they are a field. */
  taxFieldRemoteId?: string | null;
}

/** Tax rates per tax code, summing the rates of a code (simple, non-compound taxes). */
export function codingContextFromSurface(
  surface: Pick<CodingSurface, "taxCodes" | "taxRates">,
  extra: Omit<CodingContext, "taxRates"> = {},
): CodingContext {
  const rateById = new Map(surface.taxRates.map((r) => [r.remoteId, r.rate]));
  const taxRates = new Map<string, string>();
  for (const code of surface.taxCodes) {
    const rates = code.taxRateRemoteIds
      .map((id) => rateById.get(id))
      .filter((r): r is string => r !== undefined);
    if (rates.length) taxRates.set(code.remoteId, addDecimals(rates));
  }
  return { taxRates, ...extra };
}

function addDecimals(values: string[]): string {
  const scale = Math.max(...values.map((v) => v.split(".")[1]?.length ?? 0));
  const total = values.reduce((a, v) => {
    const [w = "0", f = ""] = v.split(".");
    return a + BigInt(w + f.padEnd(scale, "0"));
  }, 0n);
  if (scale === 0) return total.toString();
  const s = total.toString().padStart(scale + 1, "0");
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

export type SelectionRole = "gl" | "vendor" | "tax" | "dimension" | "ignored";

function roleOf(s: Selection, ctx: CodingContext): SelectionRole {
  if (s.type === "GL_ACCOUNT") return "gl";
  if (s.type === "MERCHANT" || (!!ctx.vendorFieldRemoteId && s.fieldRemoteId === ctx.vendorFieldRemoteId))
    return "vendor";
  if (s.type === "TAX_CODE" || (!!ctx.taxFieldRemoteId && s.fieldRemoteId === ctx.taxFieldRemoteId))
    return "tax";
  // Options without a remote id are Ramp-only (NON_ERP, free tags): nothing to post.
  if (s.optionRemoteId && s.fieldRemoteId) return "dimension";
  return "ignored";
}

/** The field a selection answers, so a line selection replaces the header's for the same field only. */
function fieldKey(s: Selection, ctx: CodingContext): string {
  const role = roleOf(s, ctx);
  if (role === "gl" || role === "vendor" || role === "tax") return role;
  return s.fieldRampId ?? s.fieldRemoteId ?? s.fieldName ?? s.optionRampId;
}

/** Line selections, falling back to header selections per field. */
export function effectiveSelections(
  line: readonly Selection[],
  header: readonly Selection[],
  ctx: CodingContext,
): Selection[] {
  const onLine = new Set(line.map((s) => fieldKey(s, ctx)));
  return [...line, ...header.filter((s) => !onLine.has(fieldKey(s, ctx)))];
}

/** The accounting vendor selected on the header (or, failing that, on any line). */
export function selectedVendor(
  header: readonly Selection[],
  lines: readonly LineItem[],
  ctx: CodingContext,
): Selection | null {
  const all = [...header, ...lines.flatMap((l) => l.selections)];
  return all.find((s) => roleOf(s, ctx) === "vendor") ?? null;
}

/**
 * Line amounts that total exactly `total`. Ramp's FX line items may be in the
 * merchant's currency, and rounding can leave line sums a cent off: lines are
 * rescaled proportionally (largest remainder) whenever they do not already sum
 * to the header amount in the header currency.
 */
export function lineAmounts(total: Money, items: readonly LineItem[]): Money[] {
  if (items.length === 0) return [total];
  const sameCurrency = items.every((i) => i.amount.currency === total.currency);
  if (
    sameCurrency &&
    sum(
      items.map((i) => i.amount),
      total.currency,
    ).minor === total.minor
  ) {
    return items.map((i) => i.amount);
  }
  // allocate() weighs by magnitude and gives every part the total's sign: a rescaled refund stays a refund.
  return allocate(
    total,
    items.map((i) => i.amount.minor),
  );
}

export interface LinesInput {
  total: Money;
  header: readonly Selection[];
  items: readonly LineItem[];
  companyKey: string;
  defaultExpense: string;
  memo: string | null;
}

/** Expense lines of one object: GL per line (else default expense), tax split from gross, dimensions. */
export function expenseLines(input: LinesInput, ctx: CodingContext): ExpenseLine[] {
  const amounts = lineAmounts(input.total, input.items);
  const items: Array<{ selections: readonly Selection[]; memo: string | null }> = input.items.length
    ? input.items.map((i) => ({ selections: i.selections, memo: i.memo }))
    : [{ selections: [], memo: input.memo }];
  return items.map((item, i) => {
    const gross = amounts[i] ?? money(0, input.total.currency);
    const selections = effectiveSelections(item.selections, input.header, ctx);
    return expenseLine(gross, selections, item.memo, input, ctx);
  });
}

function expenseLine(
  gross: Money,
  selections: Selection[],
  memo: string | null,
  input: LinesInput,
  ctx: CodingContext,
): ExpenseLine {
  const { companyKey } = input;
  let account = input.defaultExpense;
  let tax: ExpenseLine["tax"] = null;
  const dimensions: Dimension[] = [];
  for (const s of selections) {
    switch (roleOf(s, ctx)) {
      case "gl": {
        if (!s.optionRemoteId) {
          throw userError(
            "UNKNOWN_ACCOUNT",
            `GL account "${s.optionName ?? s.optionRampId}" is not linked to the ERP`,
            "Choose a GL account that was synced from the ERP, then retry.",
          );
        }
        account = assertOwnedBy(s.optionRemoteId, companyKey, "UNKNOWN_ACCOUNT", "GL account");
        break;
      }
      case "tax": {
        if (!s.optionRemoteId) break;
        const code = assertOwnedBy(s.optionRemoteId, companyKey, "UNKNOWN_TAX", "Tax code");
        const rate = ctx.taxRates.get(code);
        if (rate === undefined) {
          throw userError(
            "UNKNOWN_TAX",
            `Tax code "${s.optionName ?? code}" has no rate in the ERP`,
            "Choose an active tax code synced from the ERP, then retry.",
          );
        }
        const taxMinor = includedTax(gross.minor, rate);
        tax = { taxCodeRemoteId: code, amount: money(taxMinor, gross.currency) };
        break;
      }
      case "dimension": {
        const option = assertOwnedBy(
          s.optionRemoteId ?? "",
          companyKey,
          "UNKNOWN_OPTION",
          s.fieldName ?? "Option",
        );
        dimensions.push({ fieldRemoteId: s.fieldRemoteId ?? "", optionRemoteId: option });
        break;
      }
      default:
        break;
    }
  }
  const net = money(gross.minor - (tax?.amount.minor ?? 0), gross.currency);
  return { accountRemoteId: account, amount: net, tax, dimensions, memo };
}
