/**
 * A worker "killed" in-process, faithfully: a fetch for the Tryton adapter that passes
 * every JSON-RPC call through until `stopAt` names one. That request is never sent and
 * never answered, so the adapter never gets to run its clean-up code (a thrown error
 * would: it deletes its drafts) — exactly what a SIGKILL between two ERP calls leaves
 * behind. It works on any adapter version (no crash-point hooks needed).
 */

export interface Freeze {
  fetch: typeof fetch;
  /** Resolves with the method of the request the worker froze on. */
  frozen: Promise<string>;
  /** JSON-RPC methods sent so far (the frozen one not included). */
  sent: string[];
}

/** `stopAt(method, sent)`: freeze before this request, given the methods sent before it. */
export function freezingFetch(stopAt: (method: string, sent: readonly string[]) => boolean): Freeze {
  let signal: (method: string) => void = () => {};
  const frozen = new Promise<string>((resolve) => {
    signal = resolve;
  });
  const sent: string[] = [];
  let stopped = false;
  const f: typeof fetch = async (input, init) => {
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string }) : null;
    const method = body?.method ?? "";
    if (stopped || stopAt(method, sent)) {
      stopped = true;
      signal(method);
      return new Promise<Response>(() => {});
    }
    sent.push(method);
    return fetch(input, init);
  };
  return { fetch: f, frozen, sent };
}

/** The post button of a journal entry (a card transaction, transfer, cashback, payment move). */
export const MOVE_POST = "model.account.move.post";
/** The post button of an invoice (bill, vendor credit, reimbursement). */
export const INVOICE_POST = "model.account.invoice.post";

/** Before a reimbursement's payment move is created: its invoice is posted. */
export const beforePaymentMove = (method: string, sent: readonly string[]) =>
  method === "model.account.move.create" && sent.includes(INVOICE_POST);

/** After a payment move was posted, before it is reconciled with (or attached to) its invoice. */
export const beforeSettling = (method: string, sent: readonly string[]) =>
  sent.includes(MOVE_POST) &&
  (method === "wizard.account.move.reconcile_lines.create" || method === "model.account.invoice.write");
