/**
 * The one way a handler is wired (as in Powertools' example app): a plain
 * `run(event, context)` wrapped in middy with Powertools' tracer, logger context
 * and metrics middlewares, and SQS batches answered through Powertools' batch
 * processor (partial batch responses). Every function in functions/ is built
 * with `powertoolsHandler`; every SQS consumer answers with `sqsPartialBatch`.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import type { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { ServiceError } from "../domain/errors.js";
import type { RampLogger } from "../domain/logger.js";
import { errorSummary, type MessageFailures } from "../domain/message-failure.js";
import { createLogger, createMetrics, createTracer, rampLoggerOf } from "./observability.js";

/** A function's logger, metrics and tracer; `log` is the small interface lib/ code takes. */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** X-Ray; a no-op outside Lambda (lib/runtime/observability.ts createTracer). */
  tracer: Tracer;
  log: RampLogger;
}

export function observability(
  functionName: string,
  level: string,
  metrics: Metrics = createMetrics(functionName, level),
): Observability {
  const logger = createLogger(functionName, level);
  return { logger, metrics, tracer: createTracer(), log: rampLoggerOf(logger) };
}

/**
 * The tracer's middleware comes first (Powertools' order): its `## handler` subsegment
 * encloses the whole invocation, and the SDK and fetch subsegments open inside it. The
 * response is not recorded (batch item failures, webhook acks: nothing a trace needs, and
 * X-Ray metadata does not go through the logger's redaction).
 */
export function powertoolsHandler<E, R>(
  obs: Pick<Observability, "logger" | "metrics" | "tracer">,
  run: (event: E, context: Context) => Promise<R>,
): middy.MiddyfiedHandler<E, R, Error, Context> {
  return middy<E, R, Error, Context>(run)
    .use(captureLambdaHandler(obs.tracer, { captureResponse: false }))
    .use(injectLambdaContext(obs.logger))
    .use(logMetrics(obs.metrics));
}

/** Thrown for a record SQS must see as failed; the message says why. */
export class RecordNotDone extends ServiceError {
  override readonly name: string = "RecordNotDone";
}

/** Where a consumer's failed records are written down (SQS keeps no reason; `ops dlq list` shows it). */
export interface FailureRecording {
  /** Absent: nothing is recorded (tests that do not care). */
  failures?: MessageFailures | undefined;
  log: RampLogger;
}

/**
 * Each record through `record`, one at a time; a record that throws is listed
 * in `batchItemFailures` (SQS redelivers it, and after maxReceiveCount moves it
 * to the DLQ). Every record failing is an ordinary outcome (the ERP is down):
 * answered, not thrown.
 *
 * This is the one place a record is failed, so it is also where the failure is
 * recorded (message id → last error, `recording.failures`) for every consumer.
 * Recording is best effort: a table that refuses the write is logged and the
 * record is still failed as it would have been — the batch's answer never
 * depends on the bookkeeping.
 */
export function sqsPartialBatch(
  event: SQSEvent,
  context: Context,
  record: (r: SQSRecord) => Promise<void>,
  recording?: FailureRecording,
): Promise<SQSBatchResponse> {
  const failures = recording?.failures;
  const handle = !failures
    ? record
    : async (r: SQSRecord) => {
        try {
          await record(r);
        } catch (err) {
          await recordFailure(failures, recording.log, r, context, err);
          throw err;
        }
      };
  return processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
    context,
    throwOnFullBatchFailure: false,
    processInParallel: false,
  });
}

async function recordFailure(
  failures: MessageFailures,
  log: RampLogger,
  r: SQSRecord,
  context: Context,
  err: unknown,
): Promise<void> {
  const receiveCount = Number(r.attributes?.ApproximateReceiveCount);
  // arn:aws:sqs:<region>:<account>:<queue name>
  const queue = r.eventSourceARN?.split(":").at(-1);
  try {
    await failures.record({
      messageId: r.messageId,
      functionName: context.functionName,
      ...(queue ? { queue } : {}),
      error: errorSummary(err),
      at: Date.now(),
      ...(Number.isInteger(receiveCount) && receiveCount >= 0 ? { receiveCount } : {}),
    });
  } catch (recordErr) {
    log.warn("could not record why a message failed; it is failed all the same", {
      messageId: r.messageId,
      error: errorSummary(recordErr),
    });
  }
}
