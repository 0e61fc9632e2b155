/**
 * The button job Lambda's entry (button-jobs queue): Sync Button walks and their deadline jobs,
 * the same handler as the poll job's (functions/poller/make-job.ts) on its own queue and function.
 */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { pollerDeps } from "./deps.js";
import { makeButtonHandler } from "./make-job.js";

export const handler = makeButtonHandler(pollerDeps(fromEnvironment(FUNCTIONS.buttonJob)));
