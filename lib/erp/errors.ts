/** The base of lib/erp's errors: the port's categorised ErpError and the adapters' wire errors. */
import { ServiceError } from "../domain/errors.js";

export abstract class ErpBaseError extends ServiceError {}
