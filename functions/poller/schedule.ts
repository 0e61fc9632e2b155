/** The poll schedule Lambda's entry: dependencies from the environment, once per cold start (functions/poller/make-schedule.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { pollerDeps } from "./deps.js";
import { makeHandler } from "./make-schedule.js";

export const handler = makeHandler(pollerDeps(fromEnvironment(FUNCTIONS.pollSchedule)));
