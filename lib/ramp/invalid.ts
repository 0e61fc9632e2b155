/**
 * One Ramp object that cannot be read: it fails its wire schema or cannot be
 * normalised (e.g. a legacy decimal `amount: 12.345` in USD). Such an object
 * must never take its page, entity or kind down with it: the listing keeps
 * the rest of the page and hands this one on as an InvalidObject, the syncer
 * claims its ledger row and records a needs-integrator failure whose message
 * says what is wrong, and the reporter tells Ramp.
 *
 * The summary is what support reads in Ramp's export error and in the logs, so
 * it carries field paths, zod issue codes and our own parser's wording only —
 * never a value from the object (memos and names are the customer's text).
 */
import * as z from "zod";
import { MoneyError } from "../money/index.js";
import { RampError, RampResponseError } from "./errors.js";
import { RampMoneyShapeError } from "./normalise.js";

/** Keeps the summary short enough to leave room for the support contact and reference in Ramp's message. */
const MAX_SUMMARY_LENGTH = 110;

/** Thrown where one object could not be read; the sync records it as needs-integrator with the summary. */
export class RampObjectInvalidError extends RampError {
  override name = "RampObjectInvalidError";
  constructor(
    readonly summary: string,
    readonly objectId: string | null,
  ) {
    super(`Ramp object ${objectId ?? "(no id)"} cannot be read: ${summary}`);
  }
}

/** A listed object that did not parse or normalise. */
export interface InvalidObject {
  /** The raw object's `id` when it is a non-empty string (else it cannot be routed to a ledger row). */
  id: string | null;
  entityId: string | null;
  summary: string;
  /**
   * Bills only: the raw `payment.details.transaction_ids`, when readable. The card
   * transactions a bill paid must still be linked to it, or they would be posted as
   * ordinary expenses on top of the bill (twice the spend in the ERP).
   */
  settlingTransactionIds: string[];
}

interface IssueLike {
  path?: readonly PropertyKey[];
  code?: string;
  expected?: unknown;
}

const pathOf = (i: IssueLike) => (i.path?.length ? i.path.map(String).join(".") : "(root)");

function issueText(i: IssueLike): string {
  const expected =
    i.code === "invalid_type" && typeof i.expected === "string" ? ` (expected ${i.expected})` : "";
  return `${pathOf(i)}: ${i.code ?? "invalid"}${expected}`;
}

function issuesSummary(issues: readonly IssueLike[]): string {
  const head = issues.slice(0, 3).map(issueText);
  const more = issues.length > 3 ? `; +${issues.length - 3} more` : "";
  return `${head.join("; ")}${more}`;
}

/**
 * Our own parser's messages (MoneyError, RampMoneyShapeError) name amounts and currency
 * codes, which help support and are not customer text; anything outside a plain
 * character set is replaced all the same, in case a currency field carried free text.
 */
function plain(text: string): string {
  return text.replace(/[^A-Za-z0-9 .,:;_()+#"'/-]/g, "?");
}

const clip = (s: string, max = MAX_SUMMARY_LENGTH) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** A short, value-free description of why an object could not be read. */
export function summariseInvalid(err: unknown): string {
  if (err instanceof RampObjectInvalidError) return err.summary;
  if (err instanceof z.ZodError) return clip(`schema: ${issuesSummary(err.issues as IssueLike[])}`);
  if (err instanceof RampResponseError && Array.isArray(err.issues))
    return clip(`schema: ${issuesSummary(err.issues as IssueLike[])}`);
  if (err instanceof MoneyError || err instanceof RampMoneyShapeError)
    return clip(`amount: ${plain(err.message)}`);
  // A defect of ours in normalise (e.g. a TypeError): its name and message hold no object values.
  if (err instanceof Error) return clip(`${err.name}: ${plain(err.message)}`);
  return "unreadable";
}

/** Whether an error from reading one object is about that object's shape (not about Ramp being unavailable). */
export function isObjectShapeError(err: unknown): boolean {
  return (
    err instanceof RampObjectInvalidError ||
    err instanceof RampResponseError ||
    err instanceof MoneyError ||
    err instanceof RampMoneyShapeError ||
    err instanceof z.ZodError
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/** Parses and normalises one raw object; an InvalidObject instead of a throw when it cannot. */
export function readOne<T>(
  raw: unknown,
  schema: z.ZodType,
  map: (wire: never) => T,
): { ok: true; value: T } | { ok: false; invalid: InvalidObject } {
  let failure: unknown;
  const parsed = schema.safeParse(raw);
  if (parsed.success) {
    try {
      return { ok: true, value: map(parsed.data as never) };
    } catch (err) {
      failure = err;
    }
  } else failure = parsed.error;
  const obj = isRecord(raw) ? raw : {};
  const details = isRecord(obj.payment) && isRecord(obj.payment.details) ? obj.payment.details : {};
  const txIds = Array.isArray(details.transaction_ids) ? details.transaction_ids.filter(nonEmptyString) : [];
  return {
    ok: false,
    invalid: {
      id: nonEmptyString(obj.id) ? obj.id : null,
      entityId: nonEmptyString(obj.entity_id) ? obj.entity_id : null,
      summary: summariseInvalid(failure),
      settlingTransactionIds: txIds,
    },
  };
}
