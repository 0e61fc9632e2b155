import { ServiceError } from "../domain/errors.js";
/**
 * Why a tenant's connection cannot be used. Each carries a message meant for an
 * operator (CLI output, logs) that says what is wrong and what to do about it.
 */
export class ConnectionError extends ServiceError {
  override readonly name: string = "ConnectionError";
  constructor(
    readonly reason:
      | "direct_connection_active"
      | "other_connection_active"
      | "not_linked"
      | "not_found"
      | "confirmation_required",
    message: string,
    readonly connectionId: string | null = null,
  ) {
    super(message);
  }
}

/** Ramp's chart of accounts is read-only while a Ramp-managed (direct) integration is active. */
export class DirectConnectionActiveError extends ConnectionError {
  override name = "DirectConnectionActiveError";
  constructor(connectionId: string, providerName: string | null) {
    super(
      "direct_connection_active",
      `A direct accounting connection${providerName ? ` (${providerName})` : ""} is active in Ramp (connection ${connectionId}): ` +
        "its chart of accounts is read-only through the API, so nothing was written. " +
        "Use the migration tool (ops migrate) to move the customer onto the API connection, " +
        "or disconnect the direct integration in Ramp's UI first.",
      connectionId,
    );
  }
}
