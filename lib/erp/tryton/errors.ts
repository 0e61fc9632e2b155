/**
 * Tryton failures → the port's three error categories.
 *
 * The detail (logged by the syncer) is always the TrytonRpcError's structured
 * message (method, type, status, length, hash), never Tryton's text: a UserError
 * quotes field values (memos), an exception or a proxy page may echo the request.
 * The text is only matched here, to pick the category and our own title.
 *
 * The adapter checks periods, accounts, departments and taxes *before* it
 * writes (errors that name the period or account and say how to fix it); the
 * message patterns below are the fallback for what slips through, e.g. a period
 * closed between our check and the create. Texts are Tryton 6.0's (docs/tryton.md "Error texts matched").
 */
import { ErpError, integratorError, transientError, userError } from "../port.js";
import { TrytonRpcError, TrytonTransportError } from "./rpc.js";

const TRANSIENT_STATUS = new Set([502, 503, 504]);

export function toErpError(err: unknown, what = "Tryton call"): ErpError {
  if (err instanceof ErpError) return err;
  if (err instanceof TrytonTransportError) {
    return err.reason === "timeout"
      ? transientError("TIMEOUT", "Tryton did not answer in time", `${err.method}`, err)
      : transientError("UNAVAILABLE", "Tryton is unreachable", `${err.method}: ${causeText(err)}`, err);
  }
  if (err instanceof TrytonRpcError) return fromRpcError(err, what);
  return integratorError(`Unexpected failure during ${what}`, String((err as Error)?.message ?? err), err);
}

function fromRpcError(err: TrytonRpcError, what: string): ErpError {
  if (err.status === 429)
    return transientError("RATE_LIMITED", "Tryton is refusing requests for now (HTTP 429)", err.method, err);
  if (TRANSIENT_STATUS.has(err.status)) {
    return transientError("UNAVAILABLE", `Tryton is unavailable (HTTP ${err.status})`, err.method, err);
  }
  if (err.kind === "LoginRejected" || err.status === 401) {
    return integratorError(
      "Tryton rejected the integration's login",
      `${err.method}: check the username and password secret`,
      err,
    );
  }
  // Lost update / SQLite busy: trytond retries these itself; if one still escapes, a retry is the fix.
  if (err.kind === "ConcurrencyException" || /database is locked|could not serialize/i.test(err.kind)) {
    return transientError("UNAVAILABLE", "Tryton was busy (concurrent update)", err.message, err);
  }
  const msg = err.userMessage;
  if (msg) {
    const closed = /closed (?:journal-)?period "([^"]+)"/.exec(msg) ?? /in closed period "([^"]+)"/.exec(msg);
    if (closed) {
      return userError(
        "CLOSED_PERIOD",
        `The accounting period "${periodName(closed[1] ?? "")}" is closed in Tryton`,
        "Reopen the period in Tryton (Financial > Periods, then its journal-periods) or change the date in Ramp, then retry the sync.",
        err.message,
      );
    }
    const noPeriod = /create a period for the date "([^"]+)"/.exec(msg);
    if (noPeriod) {
      return userError(
        "CLOSED_PERIOD",
        `No open accounting period in Tryton for ${noPeriod[1]}`,
        "Create or reopen the fiscal year and period covering that date in Tryton, then retry the sync.",
        err.message,
      );
    }
    if (/not balanced/i.test(msg)) {
      return userError(
        "UNBALANCED",
        "The entry does not balance",
        "Check the line amounts in Ramp; debits must equal credits.",
        err.message,
      );
    }
    if (/"Account" in "(?:Account Move Line|Invoice Line|Invoice)" is not valid/.test(msg)) {
      return userError(
        "INACTIVE_ACCOUNT",
        "A GL account of this entry cannot take postings in Tryton (closed, inactive or outside its dates)",
        "Reactivate the account in Tryton or code the expense to an active account in Ramp, then retry the sync.",
        err.message,
      );
    }
    return integratorError(`Tryton refused the ${what}`, err.message, err);
  }
  return integratorError(`Tryton failed during ${what}`, err.message, err);
}

/** "Ramp Card - 2025-06" (a journal-period) → "2025-06"; a period name stays as is. */
function periodName(name: string): string {
  const i = name.lastIndexOf(" - ");
  return i >= 0 ? name.slice(i + 3) : name;
}

function causeText(err: Error): string {
  const cause = err.cause as { cause?: { code?: string }; message?: string } | undefined;
  return cause?.cause?.code ?? cause?.message ?? "fetch failed";
}
