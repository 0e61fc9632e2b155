/**
 * Lambda's invocation contract, locally: a real-shaped `Context` whose
 * `getRemainingTimeInMillis()` counts down from the configured timeout, and an
 * `invoke` that enforces that timeout the way Lambda does — the caller sees a
 * timeout error, whatever the handler is still doing in the background.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/** A handler as Lambda calls it: event and context in, a value or a promise out. */
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R> | R;

export interface FunctionOptions {
  functionName?: string;
  /** The function's configured timeout (Lambda's default is 3 s). */
  timeoutMs?: number;
  memoryMb?: number;
  region?: string;
  account?: string;
}

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "us-east-1";
const DEFAULT_TIMEOUT_MS = 3_000;

/** One invocation's context; the deadline is fixed when it is created, as in Lambda. */
export function createLambdaContext(
  options: FunctionOptions & { requestId?: string; now?: () => number } = {},
): Context {
  const now = options.now ?? Date.now;
  const functionName = options.functionName ?? "local-function";
  const region = options.region ?? LOCAL_REGION;
  const account = options.account ?? LOCAL_ACCOUNT;
  const deadline = now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const day = new Date(now()).toISOString().slice(0, 10).replaceAll("-", "/");
  const unsupported = () => {
    throw new Error("callback-style context methods are not supported; return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 1024),
    awsRequestId: options.requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Thrown by `invoke` when the handler outlives the function timeout ("Task timed out after N seconds"). */
export class LambdaTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutMs: number,
  ) {
    super(`${functionName}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = "LambdaTimeoutError";
  }
}

/**
 * Invokes a handler once with a fresh context and the function's timeout.
 * On timeout the handler's promise is abandoned (its late result or error is
 * swallowed): in Lambda the sandbox would be frozen, so nothing it does after
 * the deadline may count.
 */
export async function invoke<E, R>(
  handler: LambdaHandler<E, R>,
  event: E,
  options: FunctionOptions & { requestId?: string } = {},
): Promise<R> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const context = createLambdaContext({ ...options, timeoutMs });
  const run = Promise.resolve().then(() => handler(event, context));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(context.functionName, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    run.catch(() => {});
  }
}
