/**
 * What every handler's dependencies are built from: its parsed environment,
 * its AWS clients (captured by its tracer) and its logger, metrics and tracer.
 * On Lambda these come from the process environment at cold start
 * (`fromEnvironment`); the local stack builds the same parts from the
 * deployment manifest and its emulators (its clients are not captured).
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { z } from "zod";
import { type AwsClients, createAwsClients } from "../aws/clients.js";
import { loadEnv } from "../config/env.js";
import { type Observability, observability } from "./handler-stack.js";

export interface HandlerParts<E> {
  env: E;
  aws: AwsClients;
  obs: Observability;
}

/** The part of a manifest entry (infra/functions.ts) a handler needs to start. */
export interface HandlerSpec<S extends z.ZodType> {
  name: string;
  envSchema: S;
}

export function fromEnvironment<S extends z.ZodType>(
  spec: HandlerSpec<S>,
  env: Record<string, string | undefined> = process.env,
  metrics?: Metrics,
): HandlerParts<z.infer<S>> {
  const parsed = loadEnv(spec.envSchema, env) as z.infer<S> & { AWS_REGION: string; LOG_LEVEL: string };
  const obs = observability(spec.name, parsed.LOG_LEVEL, metrics);
  // The function's own tracer captures its clients (X-Ray subsegments per SDK call on Lambda).
  return { env: parsed, aws: createAwsClients({ region: parsed.AWS_REGION, tracer: obs.tracer }), obs };
}
