/** The receipts Lambda's entry: dependencies from the environment, once per cold start (make-receipts.ts). */
import { FUNCTIONS } from "../../infra/functions.js";
import { fromEnvironment } from "../../lib/runtime/handler-parts.js";
import { makeReceiptsHandler } from "./make-receipts.js";
import { receiptsDeps } from "./receipts-deps.js";

export const handler = makeReceiptsHandler(receiptsDeps(fromEnvironment(FUNCTIONS.receipts)));
