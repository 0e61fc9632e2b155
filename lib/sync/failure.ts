/**
 * Turns any failure into what Ramp's Export Errors show (the guide's three kinds, docs/ramp-api.md, Guide "Errors"):
 * user-actionable = title + how to fix; transient = title + "We'll retry shortly.";
 * needs integrator = title + support contact + reference id. The reference id is the
 * ledger item's id so support can find the whole story.
 */

import type { ErrorCategory } from "../domain/kinds.js";
import { ErpError } from "../erp/port.js";
import { MoneyError } from "../money/index.js";
import { RampApiError, RampTransportError } from "../ramp/errors.js";
import { RampObjectInvalidError } from "../ramp/invalid.js";
import { RateLimitWaitError } from "../ramp/ports.js";

export interface ClassifiedFailure {
  category: ErrorCategory;
  title: string;
  howToFix: string | null;
  /** For logs and support only; never shown to the finance user. */
  detail: string;
}

/** Ramp does not document a limit for `error.message`; keep it readable in one UI row. */
export const MAX_MESSAGE_LENGTH = 500;

export function classifyFailure(err: unknown): ClassifiedFailure {
  if (err instanceof ErpError) {
    return {
      category: err.category,
      title: err.title,
      howToFix: err.howToFix,
      detail: err.detail ?? err.message,
    };
  }
  if (err instanceof RateLimitWaitError || err instanceof RampTransportError) {
    return {
      category: "transient",
      title: "Ramp temporarily unavailable",
      howToFix: null,
      detail: err.message,
    };
  }
  if (err instanceof RampApiError && err.retryable) {
    return {
      category: "transient",
      title: "Ramp temporarily unavailable",
      howToFix: null,
      detail: `${err.status} ${err.code ?? ""} trace ${err.traceId ?? "-"}`,
    };
  }
  if (err instanceof RampObjectInvalidError) {
    // Ramp's own data is at fault (or our reading of it): nothing the finance user can fix.
    return {
      category: "needs_integrator",
      title: `Cannot read this object from Ramp: ${err.summary}`,
      howToFix: null,
      detail: err.message,
    };
  }
  if (err instanceof MoneyError) {
    return {
      category: "user_actionable",
      title: "Amount cannot be posted",
      howToFix: `${err.message}. Correct the amount in Ramp and retry.`,
      detail: err.message,
    };
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { category: "needs_integrator", title: "Unexpected sync error", howToFix: null, detail };
}

export function failureMessage(
  f: ClassifiedFailure,
  ctx: { supportContact: string; referenceId: string },
): string {
  // Cap the free-text parts so the reference id and the retry prompt always survive.
  const title = clip(stripPeriod(f.title), 150);
  const howToFix = f.howToFix ? clip(f.howToFix, 300) : null;
  let text: string;
  switch (f.category) {
    case "user_actionable":
      text = howToFix ? `${title}. ${howToFix}` : `${title}. Correct it in Ramp or the ERP and retry.`;
      break;
    case "transient":
      text = `${title}. We'll retry shortly.`;
      break;
    case "needs_integrator":
      text = `${title}. Contact ${ctx.supportContact}, ref ${ctx.referenceId}.`;
      break;
  }
  return clip(text, MAX_MESSAGE_LENGTH);
}

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const stripPeriod = (s: string) => s.replace(/[.\s]+$/, "");
