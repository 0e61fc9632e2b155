/**
 * Powertools logger and metrics as every handler builds them: created once at
 * module scope (cold start), JSON logs with secrets redacted, EMF metrics in one
 * namespace. Handlers pass these down explicitly; lib/ code takes interfaces.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { redactingReplacer } from "./redact.js";

export const SERVICE_NAME = "ramp-erp-sync";
export const METRICS_NAMESPACE = "RampErpSync";

export function createLogger(functionName: string, level = process.env.LOG_LEVEL ?? "INFO"): Logger {
  return new Logger({
    serviceName: SERVICE_NAME,
    logLevel: level as "INFO",
    persistentKeys: { function: functionName },
    jsonReplacerFn: redactingReplacer,
  });
}

export function createMetrics(functionName: string): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { function: functionName },
  });
}
