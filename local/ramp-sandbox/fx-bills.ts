/**
 * Foreign-currency bills (README "Foreign-currency bills"): `POST /sandbox/bills` creates an
 * approved bill in any currency with its `fx_conversion_rate`, and paying one with
 * `fx_conversion_rate` in the body pays it at that rate. Ramp's docs do not say which currency
 * a foreign bill's `payment.amount` is in, nor whether `fx_conversion_rate` moves at payment;
 * the sandbox takes the plausible reading: the payment is in the entity's (payer's) currency,
 * what left its bank at the payment's rate (half-even to its minor units), and
 * `fx_conversion_rate` stays the booking rate.
 */

import { convertAtRate, validRate } from "../../lib/erp/mapping/fx.js";
import { money } from "../../lib/money/index.js";
import { ControlError, num } from "./control-common.js";
import { approveBill } from "./lifecycle.js";
import type { Bill, Business } from "./model.js";
import { newSyncState } from "./seed.js";
import type { SandboxState } from "./state.js";

const DAY = 86_400_000;

/** The body's rate, checked: a positive decimal string. */
export function rateFrom(body: Record<string, unknown>, key = "fx_conversion_rate"): string | null {
  const raw = body[key];
  if (raw === undefined) return null;
  const rate = typeof raw === "string" ? validRate(raw) : null;
  if (!rate) throw new ControlError(400, `${key} must be a positive decimal string, e.g. "1.0850"`);
  return rate;
}

/** `POST /sandbox/bills`: one approved, uncoded bill (lines fall to the tenant's default expense). */
export function createBill(sb: SandboxState, biz: Business, body: Record<string, unknown>): Bill {
  const entity = biz.entities.find((e) => e.id === body.entity_id) ?? biz.entities[0];
  if (!entity) throw new ControlError(409, "business has no entity");
  const vendor = typeof body.vendor_id === "string" ? biz.vendors.get(body.vendor_id) : biz.vendors.all()[0];
  if (!vendor) throw new ControlError(404, "unknown vendor");
  const currency = typeof body.currency === "string" ? body.currency.toUpperCase() : entity.currency;
  if (!/^[A-Z]{3}$/.test(currency)) throw new ControlError(400, "currency must be an ISO-4217 code");
  const minor = num(body.amount_minor, 100_000) as number;
  if (!Number.isSafeInteger(minor) || minor <= 0)
    throw new ControlError(400, "amount_minor must be a positive integer");
  const rate = rateFrom(body) ?? (currency === entity.currency ? "1.0" : null);
  if (!rate)
    throw new ControlError(400, `a ${currency} bill of a ${entity.currency} entity needs fx_conversion_rate`);
  const now = sb.clock.now();
  const issuedAt = typeof body.issued_at === "string" ? Date.parse(body.issued_at) : now;
  if (Number.isNaN(issuedAt)) throw new ControlError(400, "issued_at must be a date");
  const b: Bill = {
    kind: "bill",
    id: sb.rng.uuid(),
    entityId: entity.id,
    createdAt: now,
    sync: newSyncState(now),
    status: "NOT_SYNCED",
    payStatus: "OPEN",
    approval: "PENDING",
    archived: false,
    minor,
    currency,
    fxRate: rate,
    invoiceNumber:
      typeof body.invoice_number === "string" ? body.invoice_number : `INV-FX-${biz.bills.size + 1}`,
    memo: typeof body.memo === "string" ? body.memo : `${vendor.name} invoice`,
    issuedAt,
    dueAt: issuedAt + 30 * DAY,
    accountingDate: issuedAt,
    paidAt: null,
    vendorId: vendor.id,
    ownerId: vendor.ownerId,
    header: [],
    lines: [{ minor, currency, memo: "Services", selections: [] }],
    payment: null,
    appliedCredits: [],
    remoteId: null,
    deepLinkUrl: null,
    billSyncedAt: null,
    invoiceFiles: [],
  };
  biz.bills.insert(b);
  if (body.approve !== false) approveBill(sb, biz, b);
  return b;
}

/**
 * After `pay`: a bill in another currency than its entity's is paid in the entity's currency,
 * at the body's `fx_conversion_rate` (the payment's rate) or else the booking rate.
 */
export function payInEntityCurrency(biz: Business, b: Bill, paymentRate: string | null): void {
  const entity = biz.entities.find((e) => e.id === b.entityId);
  if (!entity || !b.payment || entity.currency === b.currency) return;
  const rate = paymentRate ?? b.fxRate ?? "1.0";
  const paid = convertAtRate(money(b.minor, b.currency), rate, entity.currency);
  b.payment.minor = paid.minor;
  b.payment.currency = paid.currency;
}
