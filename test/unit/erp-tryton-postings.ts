/** Postings for the Tryton adapter's pure pieces (batch planning, needs); no ERP involved. */
import type {
  BillPaymentPosting,
  BillPosting,
  CardTransactionPosting,
  ReimbursementPosting,
  TransferPosting,
} from "../../lib/erp/port.js";
import { money } from "../../lib/money/index.js";

const base = (kind: string, id: string) => ({
  rampId: id,
  ref: `ramp:${kind}:${id}`,
  companyKey: "us",
  date: "2026-03-02",
  currency: "USD",
  memo: null,
  link: null,
});

export const transaction = (
  id: string,
  over: Partial<CardTransactionPosting> = {},
): CardTransactionPosting => ({
  ...base("transaction", id),
  kind: "transaction",
  lines: [
    {
      accountRemoteId: "us:6100",
      amount: money(4250, "USD"),
      tax: { taxCodeRemoteId: "us:1", amount: money(425, "USD") },
      dimensions: [{ fieldRemoteId: "field:DEPT", optionRemoteId: "us:3" }],
      memo: null,
    },
  ],
  creditAccountRemoteId: "us:2100",
  vendorRemoteId: null,
  merchantName: null,
  originalAmount: null,
  ...over,
});

export const transfer = (id: string): TransferPosting => ({
  ...base("transfer", id),
  kind: "transfer",
  amount: money(10_000, "USD"),
  debitAccountRemoteId: "us:2100",
  creditAccountRemoteId: "us:1000",
});

export const bill = (id: string): BillPosting => ({
  ...base("bill", id),
  kind: "bill",
  vendorRemoteId: "us:7",
  invoiceNumber: null,
  dueDate: null,
  lines: [],
  payableAccountRemoteId: "us:2000",
});

export const billPayment = (id: string): BillPaymentPosting => ({
  ...base("bill_payment", id),
  kind: "bill_payment",
  billRef: "ramp:bill:b1",
  billErpId: "account.invoice,5",
  vendorRemoteId: "us:7",
  amount: money(10_000, "USD"),
  payableAccountRemoteId: "us:2000",
  creditAccountRemoteId: "us:1000",
  method: "bank",
});

export const reimbursement = (id: string, paid: boolean): ReimbursementPosting => ({
  ...base("reimbursement", id),
  kind: "reimbursement",
  employeeName: "Pam Beesly",
  employeeRemoteId: null,
  lines: [],
  payableAccountRemoteId: "us:2300",
  payment: paid ? { date: "2026-03-05", bankAccountRemoteId: "us:1000" } : null,
});
