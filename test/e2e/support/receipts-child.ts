/**
 * A child process running the real receipts Lambda (functions/syncer/receipts.ts's wiring:
 * `makeReceiptsHandler(receiptsDeps(fromEnvironment(FUNCTIONS.receipts)))`) on one attach
 * message, for the kill test (test/e2e/receipts-kill.test.ts). Armed with a point inside the
 * attach (lib/receipts/ports.ts RECEIPT_CRASH_POINTS, or the journal's `erp-receipt-filed`), it
 * tells the parent on fd 3 and freezes until it is SIGKILLed; unarmed it runs to the end.
 */
import { writeSync } from "node:fs";
import { z } from "zod";

const Config = z.object({
  env: z.record(z.string(), z.string()),
  body: z.string(),
  arm: z.string().nullable(),
});
const cfg = Config.parse(JSON.parse(process.env.RECEIPTS_CHILD ?? "{}"));
Object.assign(process.env, cfg.env);

const tell = (msg: Record<string, unknown>) => writeSync(3, `${JSON.stringify(msg)}\n`);
const frozen = new Int32Array(new SharedArrayBuffer(4));
const freezeAt = (point: string) => {
  if (point !== cfg.arm) return;
  tell({ event: "window", point });
  for (;;) Atomics.wait(frozen, 0, 0);
};

const { FUNCTIONS } = await import("../../../infra/functions.js");
const { fromEnvironment } = await import("../../../lib/runtime/handler-parts.js");
const { receiptsDeps } = await import("../../../functions/syncer/receipts-deps.js");
const { makeReceiptsHandler } = await import("../../../functions/syncer/make-receipts.js");
const { createLambdaContext } = await import("../../../local/runtime/lambda-context.js");
const { oneRecordEvent } = await import("./child-record.js");

const handler = makeReceiptsHandler(
  receiptsDeps(fromEnvironment(FUNCTIONS.receipts), { crash: freezeAt, erpCrash: freezeAt }),
);
const event = oneRecordEvent(cfg.body, "receipts");
const answer = (await handler(
  event as never,
  createLambdaContext({ functionName: "receipts", timeoutMs: 300_000 }),
)) as { batchItemFailures?: unknown[] };
tell({ event: "done", failures: answer?.batchItemFailures?.length ?? 0 });
process.exit(0);
