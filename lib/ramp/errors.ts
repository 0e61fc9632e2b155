/**
 * Typed failures of a Ramp call. Callers branch on `status`, `code`
 * (`error_v2.error_code`, e.g. DEVELOPER_7001) and `retryable`; `traceId` is
 * Ramp's `x-trace-id`, the one thing Ramp support needs to find a request.
 */
import * as z from "zod";
import { ServiceError } from "../domain/errors.js";

/** `error_v2` envelope (docs/ramp-api.md §5); every field optional because Ramp does not always send it. */
const ErrorV2Schema = z.looseObject({
  error_code: z.string().nullish(),
  message: z.string().nullish(),
  additional_info: z.unknown().optional(),
  notes: z.string().nullish(),
  error_id: z.string().nullish(),
});

export const ErrorBodySchema = z.looseObject({
  error_v2: ErrorV2Schema.nullish(),
  error: z.unknown().optional(),
});

/**
 * Ramp refused a call. The message — which callers log — carries structured
 * fields only (method, route, status, error code, trace id): Ramp's own text,
 * `additional_info` and the body may quote what we sent (a memo with a card
 * number) and a proxy in front of Ramp may echo the whole request, credentials
 * included. Those stay readable for code (`rampMessage`, `additionalInfo`,
 * `body`) on non-enumerable fields, so a logger serialising the error object
 * does not print them either.
 */
/** The base of lib/ramp's errors: Ramp refused, could not be reached, or answered in an unexpected shape. */
export abstract class RampError extends ServiceError {}

export class RampApiError extends RampError {
  override name = "RampApiError";
  /** Ramp's `error_v2.message` (or the OAuth description): free text, for code only — never log it. */
  declare readonly rampMessage: string;
  declare readonly additionalInfo: unknown;
  declare readonly body: unknown;
  constructor(
    readonly status: number,
    readonly code: string | null,
    rampMessage: string,
    readonly traceId: string | null,
    additionalInfo: unknown,
    readonly method: string,
    readonly path: string,
    body: unknown,
  ) {
    super(
      `Ramp ${method} ${path} → ${status}${code ? ` ${code}` : ""}${traceId ? ` (trace ${traceId})` : ""}`,
    );
    Object.defineProperty(this, "rampMessage", { value: rampMessage, enumerable: false });
    Object.defineProperty(this, "additionalInfo", { value: additionalInfo, enumerable: false });
    Object.defineProperty(this, "body", { value: body, enumerable: false });
  }

  /** 400 and 422 both mean "the request was refused as invalid" (sources disagree on which). */
  get isValidation(): boolean {
    return this.status === 400 || this.status === 422;
  }

  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

/** The network failed or the body could not be read: nothing is known about Ramp's side. */
export class RampTransportError extends RampError {
  override name = "RampTransportError";
  readonly retryable = true;
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    cause?: unknown,
  ) {
    super(`Ramp ${method} ${path}: ${message}`, { cause });
  }
}

/** Ramp answered 2xx but the body does not match our schema: a contract change, never retried. */
export class RampResponseError extends RampError {
  override name = "RampResponseError";
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly traceId: string | null,
    readonly issues: unknown,
  ) {
    super(`Ramp ${method} ${path}: unexpected response: ${message}`);
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * A code or trace id as logged: it comes from the body or a header, so a proxy can put anything
 * there; only an identifier-shaped value is kept.
 */
function codeName(v: string | null | undefined): string | null {
  return typeof v === "string" && /^[A-Za-z0-9_.:-]{1,128}$/.test(v) ? v : null;
}

export function rampApiErrorFrom(
  status: number,
  body: unknown,
  traceId: string | null,
  method: string,
  path: string,
): RampApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  const v2 = parsed.success ? parsed.data.error_v2 : null;
  // OAuth errors of the token endpoint: { error: "invalid_client", error_description }.
  const oauth = parsed.success && typeof parsed.data.error === "string" ? parsed.data.error : null;
  const description =
    parsed.success && typeof parsed.data.error_description === "string"
      ? parsed.data.error_description
      : null;
  const message =
    v2?.message ??
    description ??
    oauth ??
    (typeof body === "string" && body ? body.slice(0, 200) : `HTTP ${status}`);
  return new RampApiError(
    status,
    codeName(v2?.error_code ?? oauth),
    message,
    codeName(traceId),
    v2?.additional_info ?? null,
    method,
    path,
    body,
  );
}
