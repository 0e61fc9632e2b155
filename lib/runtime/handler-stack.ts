/**
 * The one way a handler is wired (as in Powertools' example app): a plain
 * `run(event, context)` wrapped in middy with Powertools' logger context and
 * metrics middlewares, and SQS batches answered through Powertools' batch
 * processor (partial batch responses). Every function in functions/ is built
 * with `powertoolsHandler`; every SQS consumer answers with `sqsPartialBatch`.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { ServiceError } from "../domain/errors.js";
import type { RampLogger } from "../domain/logger.js";
import { createLogger, createMetrics, rampLoggerOf } from "./observability.js";

/** A function's logger and metrics; `log` is the small interface lib/ code takes. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  log: RampLogger;
}

export function observability(
  functionName: string,
  level: string,
  metrics: Metrics = createMetrics(functionName, level),
): Observability {
  const logger = createLogger(functionName, level);
  return { logger, metrics, log: rampLoggerOf(logger) };
}

export function powertoolsHandler<E, R>(
  obs: Pick<Observability, "logger" | "metrics">,
  run: (event: E, context: Context) => Promise<R>,
): middy.MiddyfiedHandler<E, R, Error, Context> {
  return middy<E, R, Error, Context>(run).use(injectLambdaContext(obs.logger)).use(logMetrics(obs.metrics));
}

/** Thrown for a record SQS must see as failed; the message says why. */
export class RecordNotDone extends ServiceError {
  override readonly name: string = "RecordNotDone";
}

/**
 * Each record through `record`, one at a time; a record that throws is listed
 * in `batchItemFailures` (SQS redelivers it, and after maxReceiveCount moves it
 * to the DLQ). Every record failing is an ordinary outcome (the ERP is down):
 * answered, not thrown.
 */
export function sqsPartialBatch(
  event: SQSEvent,
  context: Context,
  record: (r: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  return processPartialResponse(event, record, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
    processInParallel: false,
  });
}
