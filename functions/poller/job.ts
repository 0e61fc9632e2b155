/** The poll job Lambda's entry: dependencies from the environment, once per cold start (functions/poller/make-job.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { pollerDeps } from "./deps.js";
import { makeHandler } from "./make-job.js";

export const handler = makeHandler(pollerDeps(fromEnvironment(FUNCTIONS.pollJob)));
