/** The base of lib/config's errors: configuration (environment, tenant, secret names) that cannot be used. */
import { ServiceError } from "../domain/errors.js";

export abstract class ConfigError extends ServiceError {}
