/**
 * The root of every error this service throws. Each package has one base
 * beneath it (RampError, ErpError, ConfigError, …) and every error passes the
 * error it wraps as `cause`, so a log line or a test sees the whole chain.
 * Names are written out, not taken from the class: Lambda bundles are minified.
 */
export abstract class ServiceError extends Error {
  abstract override readonly name: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
