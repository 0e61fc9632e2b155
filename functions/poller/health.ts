/** The health tick Lambda's entry: dependencies from the environment, once per cold start (functions/poller/make-health.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { healthDeps } from "./health-deps.js";
import { makeHandler } from "./make-health.js";

export const handler = makeHandler(healthDeps(fromEnvironment(FUNCTIONS.health)));
