/**
 * Typed failures of a Ramp call. Callers branch on `status`, `code`
 * (`error_v2.error_code`, e.g. DEVELOPER_7001) and `retryable`; `traceId` is
 * Ramp's `x-trace-id`, the one thing Ramp support needs to find a request.
 */
import { z } from "zod";

/** `error_v2` envelope (REFERENCE §5); every field optional because Ramp does not always send it. */
export const ErrorV2Schema = z.looseObject({
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

export class RampApiError extends Error {
  override name = "RampApiError";
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly traceId: string | null,
    readonly additionalInfo: unknown,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    super(`Ramp ${method} ${path} → ${status}${code ? ` ${code}` : ""}: ${message}`);
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
export class RampTransportError extends Error {
  override name = "RampTransportError";
  readonly retryable = true;
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    override readonly cause?: unknown,
  ) {
    super(`Ramp ${method} ${path}: ${message}`);
  }
}

/** Ramp answered 2xx but the body does not match our schema: a contract change, never retried. */
export class RampResponseError extends Error {
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

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
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
    v2?.error_code ?? oauth,
    message,
    traceId,
    v2?.additional_info ?? null,
    method,
    path,
    body,
  );
}
