/**
 * The postings that are documents rather than plain journal entries, written one at a
 * time (an invoice needs create, tax fix-up and post in sequence): bills and vendor
 * credits (supplier invoices / credit notes), reimbursements (an invoice to the
 * employee's party, plus its payment when Ramp already paid), and bill payments
 * (document-payments.ts).
 *
 * `found` is what an earlier attempt left under the posting's ref: a posted record is
 * kept, a draft one is deleted and written again.
 */
import type { Posting, PostResult } from "../port.js";
import type { Journals, TrytonCore } from "./core.js";
import { payReimbursement, postBillPayment } from "./document-payments.js";
import { erpRef } from "./ids.js";
import { createAndPostInvoice, discardInvoice, type InvoiceDraft, invoiceDraft } from "./invoices.js";
import type { Found } from "./lookup.js";
import { employeeParty } from "./parties.js";
import type { CompanyInfo, Refs } from "./refs.js";

export type DocumentPosting = Extract<
  Posting,
  { kind: "bill" | "vendor_credit" | "reimbursement" | "bill_payment" }
>;

/** What every document write needs besides the posting. */
export interface DocumentScope {
  core: TrytonCore;
  company: CompanyInfo;
  journals: Journals;
  refs: Refs;
}

export function postDocument(s: DocumentScope, p: DocumentPosting, found: Found | null): Promise<PostResult> {
  switch (p.kind) {
    case "bill":
    case "vendor_credit":
      return postSupplierInvoice(s, p, found);
    case "reimbursement":
      return postReimbursement(s, p, found);
    case "bill_payment":
      return postBillPayment(s, p, found);
  }
}

/** What a supplier invoice and a reimbursement's invoice have in common. */
function invoiceBase(
  s: DocumentScope,
  p: Extract<Posting, { kind: "bill" | "vendor_credit" | "reimbursement" }>,
) {
  return {
    ref: p.ref,
    date: p.date,
    currency: p.currency,
    payableAccountRemoteId: p.payableAccountRemoteId,
    journal: s.journals.expense,
    lines: p.lines,
  };
}

/**
 * Writes the invoice; a draft left by an attempt killed before `post` is deleted first,
 * so the invoice is written whole again.
 */
async function writeInvoice(s: DocumentScope, found: Found | null, ref: string, draft: InvoiceDraft) {
  if (found?.state === "draft" || found?.state === "validated")
    await discardInvoice(s.core.session, s.company.id, found.id);
  return createAndPostInvoice(s.core.session, s.company.id, draft, s.core.hooks(ref));
}

async function postSupplierInvoice(
  s: DocumentScope,
  p: Extract<Posting, { kind: "bill" | "vendor_credit" }>,
  found: Found | null,
): Promise<PostResult> {
  if (found && found.state !== "draft") return { erpId: erpRef(found.model, found.id), created: false };
  const number = p.kind === "bill" ? p.invoiceNumber : null;
  const draft = invoiceDraft(
    {
      ...invoiceBase(s, p),
      dueDate: p.kind === "bill" ? p.dueDate : null,
      party: s.refs.party(p.vendorRemoteId),
      sign: p.kind === "bill" ? 1 : -1,
      description:
        [number, p.memo, fxNote(p, s.refs.company.currency), p.link].filter(Boolean).join(" | ") || p.ref,
      rampRate: p.kind === "bill" ? (p.rampRate ?? null) : null,
    },
    s.refs,
  );
  const id = await writeInvoice(s, found, p.ref, draft);
  return { erpId: erpRef("account.invoice", id), created: true };
}

async function postReimbursement(
  s: DocumentScope,
  p: Extract<Posting, { kind: "reimbursement" }>,
  found: Found | null,
): Promise<PostResult> {
  let invoiceId: number;
  let created = false;
  if (found && found.state !== "draft") invoiceId = found.id;
  else {
    const party = await employeeParty(s.core, s.company, p.employeeRemoteId, p.employeeName);
    const draft = invoiceDraft(
      {
        ...invoiceBase(s, p),
        dueDate: null,
        party,
        sign: 1,
        description: [p.employeeName, p.memo, p.link].filter(Boolean).join(" | "),
      },
      s.refs,
    );
    if (p.payment) {
      // Check the payment's period and bank account before the invoice exists, not after.
      s.refs.period(p.payment.date);
      s.refs.account(p.payment.bankAccountRemoteId, p.payment.date);
    }
    invoiceId = await writeInvoice(s, found, p.ref, draft);
    created = true;
    if (p.payment) await s.core.crash?.("erp-invoiced", { refs: [p.ref] });
  }
  if (p.payment) await payReimbursement(s, p.ref, p.payment, invoiceId);
  return { erpId: erpRef("account.invoice", invoiceId), created };
}

/** A foreign bill booked at Ramp's rate says so on the invoice (Tryton's own rate needs no note: it is Tryton's). */
function fxNote(
  p: Extract<Posting, { kind: "bill" | "vendor_credit" }>,
  companyCurrency: string,
): string | null {
  if (p.kind !== "bill" || !p.rampRate || p.currency === companyCurrency) return null;
  return `${p.currency}→${companyCurrency} at Ramp's rate ${p.rampRate}`;
}
