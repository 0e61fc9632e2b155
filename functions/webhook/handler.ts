/** The webhook Lambda's entry: dependencies from the environment, once per cold start (functions/webhook/make-handler.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { webhookDeps } from "./deps.js";
import { makeHandler } from "./make-handler.js";

export const handler = makeHandler(webhookDeps(fromEnvironment(FUNCTIONS.webhook)));
