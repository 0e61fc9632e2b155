/**
 * The port's `find`: the record holding a ref and whether it is complete, a draft,
 * or partial. Finishing what is not complete is postBatch's job (the façade's
 * finishBatch posts the same postings again, and postBatch completes what it finds).
 */
import type { FoundRecord, Posting } from "../port.js";
import type { TrytonCore } from "./core.js";
import { erpRef, parseErpRef } from "./ids.js";
import { companyInvoice, type Found, findRecord, paymentRefOf, unreconciledLines } from "./lookup.js";
import type { CompanyInfo } from "./refs.js";

type State = Pick<FoundRecord, "state" | "missing">;
const COMPLETE = { state: "complete", missing: null } as const;

export function findWithState(
  core: TrytonCore,
  ref: string,
  companyKey: string,
  posting?: Posting,
): Promise<FoundRecord | null> {
  return core.guard("looking up a reference", async () => {
    const company = await core.company(companyKey);
    const f = await findRecord(core, company, ref);
    if (!f) return null;
    const { state, missing } = await completeness(core, company, ref, f, posting);
    return { erpId: erpRef(f.model, f.id), created: false, state, missing };
  });
}

/**
 * Is everything the posting needs in Tryton? A draft (killed between create and post)
 * is never complete; a reimbursement Ramp already paid needs its payment move posted and
 * reconciled (the invoice `paid`); a bill payment's move must be reconciled with (or,
 * when partial, attached to) its bill.
 */
async function completeness(
  core: TrytonCore,
  company: CompanyInfo,
  ref: string,
  f: Found,
  posting: Posting | undefined,
): Promise<State> {
  if (f.state === "draft" || f.state === "validated")
    return { state: "draft", missing: `${f.model} ${f.id} is not posted` };
  if (posting?.kind === "reimbursement" && posting.payment && f.state !== "paid")
    return reimbursementPaymentState(core, company, ref);
  if (posting?.kind === "bill_payment") return billPaymentState(core, company, posting.billErpId, f.id);
  return COMPLETE;
}

/** The invoice is posted but not paid: what is wrong with the payment move Ramp already made. */
async function reimbursementPaymentState(
  core: TrytonCore,
  company: CompanyInfo,
  ref: string,
): Promise<State> {
  const pay = await findRecord(core, company, paymentRefOf(ref));
  if (!pay) return { state: "partial", missing: "the payment move Ramp already made is missing" };
  if (pay.state === "draft") return { state: "partial", missing: `payment move ${pay.id} is not posted` };
  return { state: "partial", missing: `payment move ${pay.id} is not reconciled with the invoice` };
}

/** A posted bill-payment move is complete once the bill is paid or none of its payable lines is loose. */
async function billPaymentState(
  core: TrytonCore,
  company: CompanyInfo,
  billErpId: string,
  moveId: number,
): Promise<State> {
  const invoiceId = parseErpRef(billErpId, "account.invoice");
  const inv =
    invoiceId === null
      ? null
      : await companyInvoice<{ state: string; account: number; payment_lines: number[] | null }>(
          core.session,
          company.id,
          invoiceId,
          ["state", "account", "payment_lines"],
        );
  if (!inv || inv.state === "paid") return COMPLETE;
  const open = await unreconciledLines(core.session, company.id, moveId, inv.account);
  const attached = new Set(inv.payment_lines ?? []);
  const loose = open.filter((id) => !attached.has(id));
  if (loose.length)
    return { state: "partial", missing: `payment move ${moveId} is not reconciled with the bill` };
  return COMPLETE;
}
