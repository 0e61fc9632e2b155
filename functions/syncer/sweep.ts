/** The report sweep Lambda's entry: dependencies from the environment, once per cold start (functions/syncer/make-sweep.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { syncerDeps } from "./deps.js";
import { makeHandler } from "./make-sweep.js";

export const handler = makeHandler(syncerDeps(fromEnvironment(FUNCTIONS.sweep)));
