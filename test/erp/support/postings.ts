/** Postings of every kind for a live company, with fresh Ramp ids. */

import { externalRef } from "../../../lib/domain/kinds.js";
import type {
  BillPaymentPosting,
  BillPosting,
  CardTransactionPosting,
  CashbackPosting,
  ExpenseLine,
  ReimbursementPosting,
  TransferPosting,
  VendorCreditPosting,
} from "../../../lib/erp/port.js";
import { fromMajor, type Money } from "../../../lib/money/index.js";
import { type LiveCompany, newRampId, today } from "./tryton-live.js";

const m = (major: string, currency: string): Money => fromMajor(major, currency);

function base<K extends string>(kind: K, c: LiveCompany, over: { currency?: string; date?: string } = {}) {
  const rampId = newRampId();
  return {
    kind,
    rampId,
    ref: externalRef(kind as never, rampId),
    companyKey: c.key,
    date: over.date ?? today(),
    currency: over.currency ?? c.currency,
    memo: `test ${kind}`,
    link: `https://app.ramp.com/x/${rampId}`,
  };
}

export function line(
  c: LiveCompany,
  code: string,
  net: string,
  currency: string,
  opts: { tax?: [string, string]; dept?: string } = {},
): ExpenseLine {
  return {
    accountRemoteId: c.account(code),
    amount: m(net, currency),
    tax: opts.tax ? { taxCodeRemoteId: c.tax(opts.tax[0]), amount: m(opts.tax[1], currency) } : null,
    dimensions: opts.dept ? [{ fieldRemoteId: "field:DEPT", optionRemoteId: c.dept(opts.dept) }] : [],
    memo: `line ${code}`,
  };
}

export function transaction(
  c: LiveCompany,
  lines?: ExpenseLine[],
  over: { currency?: string; date?: string } = {},
): CardTransactionPosting {
  const b = base("transaction", c, over);
  return {
    ...b,
    lines: lines ?? [line(c, "6100", "42.50", b.currency, { dept: "SALES" })],
    creditAccountRemoteId: c.account("2100"),
    vendorRemoteId: null,
    merchantName: "Delta",
    originalAmount: null,
  };
}

export function bill(
  c: LiveCompany,
  lines?: ExpenseLine[],
  over: { currency?: string; date?: string } = {},
): BillPosting {
  const b = base("bill", c, over);
  return {
    ...b,
    vendorRemoteId: c.vendor,
    invoiceNumber: `INV-${b.rampId.slice(0, 8)}`,
    dueDate: null,
    lines: lines ?? [
      line(c, "6300", "100.00", b.currency, { tax: ["Purchase Tax 10%", "10.00"], dept: "ENG" }),
    ],
    payableAccountRemoteId: c.account("2000"),
  };
}

export function billPayment(
  c: LiveCompany,
  billPosting: BillPosting,
  billErpId: string,
  amount: Money,
  method: "bank" | "card" = "bank",
): BillPaymentPosting {
  const b = base("bill_payment", c, { currency: billPosting.currency });
  return {
    ...b,
    billRef: billPosting.ref,
    billErpId,
    vendorRemoteId: billPosting.vendorRemoteId,
    amount,
    payableAccountRemoteId: c.account("2000"),
    creditAccountRemoteId: c.account(method === "card" ? "2100" : "1000"),
    method,
  };
}

export function reimbursement(c: LiveCompany, paid: boolean): ReimbursementPosting {
  const b = base("reimbursement", c);
  return {
    ...b,
    employeeName: c.employee.name,
    employeeRemoteId: c.employee.remoteId,
    lines: [line(c, "6200", "80.00", b.currency, { dept: "MKT" })],
    payableAccountRemoteId: c.account("2300"),
    payment: paid ? { date: b.date, bankAccountRemoteId: c.account("1000") } : null,
  };
}

export function transfer(c: LiveCompany, amount: string): TransferPosting {
  const b = base("transfer", c);
  return {
    ...b,
    amount: m(amount, b.currency),
    debitAccountRemoteId: c.account("2100"),
    creditAccountRemoteId: c.account("1000"),
  };
}

export function cashback(c: LiveCompany, amount: string): CashbackPosting {
  const b = base("cashback", c);
  return {
    ...b,
    amount: m(amount, b.currency),
    debitAccountRemoteId: c.account("2100"),
    creditAccountRemoteId: c.account("4900"),
  };
}

export function vendorCredit(c: LiveCompany, amount: string): VendorCreditPosting {
  const b = base("vendor_credit", c);
  return {
    ...b,
    vendorRemoteId: c.vendor,
    lines: [line(c, "6300", amount, b.currency)],
    payableAccountRemoteId: c.account("2000"),
  };
}
