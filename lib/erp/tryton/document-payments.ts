/**
 * Payments of documents: a bill payment (its own move, reconciled with the bill) and
 * the payment of a reimbursement Ramp already paid (`<ref>#payment`). Both finish
 * what an earlier attempt left (a draft move, a missing reconciliation) and never
 * pay an invoice twice. The write steps themselves are payments.ts.
 */
import { fromMajor } from "../../money/index.js";
import { type Posting, type PostResult, userError } from "../port.js";
import type { DocumentScope } from "./documents.js";
import { erpRef, parseErpRef } from "./ids.js";
import { type Found, findBillPayment, findRecord, openLines, paymentRefOf } from "./lookup.js";
import { payInvoice, readInvoice, settle } from "./payments.js";

/** Ramp already paid the employee: clear the payable to the bank (once), reconciled with the invoice. */
export async function payReimbursement(
  s: DocumentScope,
  ref: string,
  payment: { date: string; bankAccountRemoteId: string },
  invoiceId: number,
): Promise<void> {
  const { core, company, refs } = s;
  const payRef = paymentRefOf(ref);
  const inv = await readInvoice(core.session, company.id, invoiceId);
  if (!inv || inv.state === "paid") return;
  const existing = await findRecord(core, company, payRef);
  if (existing) {
    if (existing.state === "draft")
      await core.session.rpc.button("account.move", "post", [existing.id], core.session.ctx(company.id));
    await settle(
      core.session,
      company.id,
      inv,
      existing.id,
      await openLines(core, company, inv.lines_to_pay),
    );
    return;
  }
  await payInvoice(
    core.session,
    refs,
    {
      invoice: inv,
      ref: payRef,
      date: payment.date,
      period: refs.period(payment.date).id,
      journal: s.journals.cash,
      creditAccount: refs.account(payment.bankAccountRemoteId, payment.date).id,
      amount: null,
    },
    core.hooks(ref),
  );
}

export async function postBillPayment(
  s: DocumentScope,
  p: Extract<Posting, { kind: "bill_payment" }>,
  found: Found | null,
): Promise<PostResult> {
  const { core, company, refs } = s;
  const invoiceId = parseErpRef(p.billErpId, "account.invoice");
  const inv = invoiceId === null ? null : await readInvoice(core.session, company.id, invoiceId);
  if (!inv || inv.state === "draft" || inv.state === "cancelled") {
    throw userError(
      "MISSING_BILL",
      `The bill ${p.billRef} is not posted in Tryton ${company.name} (ERP id ${p.billErpId})`,
      "Sync the bill first (or repost it in Tryton), then retry the payment.",
    );
  }
  if (found) {
    // Posted by an earlier attempt: finish what may be missing (post, reconciliation).
    if (found.state === "draft")
      await core.session.rpc.button("account.move", "post", [found.id], core.session.ctx(company.id));
    if (inv.state === "posted") {
      const open = await openLines(core, company, inv.lines_to_pay);
      const full = p.amount.minor === fromMajor(inv.amount_to_pay, inv["currency."].code).minor;
      await settle(core.session, company.id, inv, found.id, full ? open : null);
    }
    return { erpId: erpRef("account.move", found.id), created: false };
  }
  if (inv.state === "paid") {
    // Paid in Tryton already (by hand, or PAID_IN_ERP): never pay twice.
    const existing = await findBillPayment(core, erpRef("account.invoice", inv.id), company.key);
    return { erpId: existing ?? erpRef("account.invoice", inv.id), created: false };
  }
  const moveId = await payInvoice(
    core.session,
    refs,
    {
      invoice: inv,
      ref: p.ref,
      date: p.date,
      period: refs.period(p.date).id,
      journal: s.journals.cash,
      creditAccount: refs.account(p.creditAccountRemoteId, p.date).id,
      amount: p.amount,
      fx: {
        paid: p.paid ?? null,
        gainLossRemoteId: p.fxGainLossAccountRemoteId ?? null,
        companyKey: company.key,
      },
    },
    core.hooks(p.ref),
  );
  return { erpId: erpRef("account.move", moveId), created: true };
}
