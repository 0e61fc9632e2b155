/**
 * Ramp's error envelope: `{ error_v2: { error_code, message, additional_info, notes, error_id }, error }`.
 * Validation problems are 422 `DEVELOPER_7001`, missing scopes 403 `DEVELOPER_7100`, a reused
 * idempotency key 400 `DEVELOPER_7005` (docs/ramp-api.md "Header decisions"); semantic refusals are 400.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly additionalInfo: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const CODES = {
  validation: "DEVELOPER_7001",
  idempotencyReused: "DEVELOPER_7005",
  scope: "DEVELOPER_7100",
  /** The sandbox's own codes for statuses whose real code is unknown (docs/ramp-api.md §17). */
  unauthorized: "UNAUTHORIZED",
  notFound: "NOT_FOUND",
  refused: "DEVELOPER_7001",
  rateLimited: "RATE_LIMITED",
  fault: "SANDBOX_INJECTED_FAULT",
} as const;

export function validation(message: string, field: string, problems: string[] = [message]): ApiError {
  return new ApiError(422, CODES.validation, message, { [field]: problems });
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, CODES.notFound, `${what} ${id} not found`);
}

export function refused(message: string, additionalInfo: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, CODES.refused, message, additionalInfo);
}

export function envelope(err: ApiError, errorId: string): Record<string, unknown> {
  const legacy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err.additionalInfo)) if (Array.isArray(v)) legacy[k] = v;
  return {
    error_v2: {
      error_code: err.code,
      message: err.message,
      additional_info: err.additionalInfo,
      notes: "",
      error_id: errorId,
    },
    ...(Object.keys(legacy).length > 0 ? { error: legacy } : {}),
  };
}
