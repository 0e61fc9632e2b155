/** The base of lib/aws's errors: an AWS service answered, but not with what the adapter can use. */
import { ServiceError } from "../domain/errors.js";

export abstract class AwsAdapterError extends ServiceError {}
