/** The coa-push Lambda's entry: dependencies from the environment, once per cold start (functions/coa-push/make-handler.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { coaPushDeps } from "./deps.js";
import { makeHandler } from "./make-handler.js";

export const handler = makeHandler(coaPushDeps(fromEnvironment(FUNCTIONS.coaPush)));
