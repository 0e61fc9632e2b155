/**
 * Powertools logger, metrics and tracer as every handler builds them: created once at
 * module scope (cold start), JSON logs with secrets redacted, EMF metrics in one
 * namespace, X-Ray subsegments under the service's name. Handlers pass these down
 * explicitly; lib/ code takes interfaces.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
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

/**
 * The X-Ray tracer (the stack turns active tracing on: infra/constructs/sync-function.ts).
 *
 * On only inside Lambda: Tracer switches itself off unless AWS_EXECUTION_ENV is set (the
 * Lambda runtime sets it), and also under SAM local (AWS_SAM_LOCAL), the Amplify mock, or
 * POWERTOOLS_TRACE_ENABLED=false. Off, every call is a no-op — captureAWSv3Client returns
 * the client untouched, the middleware does nothing, nothing is patched and nothing is
 * printed — so tests, the local stack and the ops CLI run exactly as before.
 *
 * On, with captureHTTPsRequests at its default (true), the constructor patches node:http(s)
 * and instruments `fetch` (it subscribes to undici's diagnostics channels,
 * `undici:request:create|headers|error`: ProviderService.instrumentFetch in
 * @aws-lambda-powertools/tracer), so every Ramp and ERP call made with the global fetch
 * becomes an HTTP subsegment (host, method, status) with nothing more to wire.
 */
export function createTracer(): Tracer {
  return new Tracer({ serviceName: SERVICE_NAME });
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
