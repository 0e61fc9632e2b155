/**
 * Powertools logger and metrics as every handler builds them: created once at
 * module scope (cold start), JSON logs with secrets redacted, EMF metrics in one
 * namespace. Handlers pass these down explicitly; lib/ code takes interfaces.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { RampLogger } from "../domain/logger.js";
import { redactingReplacer } from "../domain/redact.js";

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

export function createMetrics(functionName: string, level?: string): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { function: functionName },
    // Its own warnings (e.g. an invocation that recorded no metric) as structured logs that honour
    // LOG_LEVEL, not raw console lines; the metrics themselves still go to stdout as EMF.
    logger: createLogger(functionName, level),
  });
}

/** lib/ code takes the small RampLogger interface; Powertools' signature is wider (extra data must be an object). */
export function rampLoggerOf(p: Logger): RampLogger {
  return {
    debug: (m, d) => p.debug(m, d ?? {}),
    info: (m, d) => p.info(m, d ?? {}),
    warn: (m, d) => p.warn(m, d ?? {}),
    error: (m, d) => p.error(m, d ?? {}),
  };
}
