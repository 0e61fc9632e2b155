/**
 * A child process running the real button-job Lambda (functions/poller/button.ts's wiring:
 * `makeButtonHandler(pollerDeps(fromEnvironment(FUNCTIONS.buttonJob)))`) on one
 * `button-deadline` job, for the kill test (test/e2e/button-deadline-kill.test.ts). Armed with a
 * point inside the deadline job's write (lib/poll/button-deadline.ts DEADLINE_CRASH_POINTS), it
 * tells the parent on fd 3 and freezes until it is SIGKILLed; unarmed it runs the job and exits 0.
 */
import { writeSync } from "node:fs";
import { z } from "zod";

const Config = z.object({
  env: z.record(z.string(), z.string()),
  body: z.string(),
  arm: z.string().nullable(),
});
const cfg = Config.parse(JSON.parse(process.env.DEADLINE_CHILD ?? "{}"));
Object.assign(process.env, cfg.env);

const tell = (msg: Record<string, unknown>) => writeSync(3, `${JSON.stringify(msg)}\n`);
const frozen = new Int32Array(new SharedArrayBuffer(4));

const { FUNCTIONS } = await import("../../../infra/functions.js");
const { fromEnvironment } = await import("../../../lib/runtime/handler-parts.js");
const { pollerDeps } = await import("../../../functions/poller/deps.js");
const { makeButtonHandler } = await import("../../../functions/poller/make-job.js");
const { createLambdaContext } = await import("../../../local/runtime/lambda-context.js");
const { oneRecordEvent } = await import("./child-record.js");

const deps = pollerDeps(fromEnvironment(FUNCTIONS.buttonJob));
const handler = makeButtonHandler({
  ...deps,
  deadlineCrash: (point) => {
    if (point !== cfg.arm) return;
    tell({ event: "window", point });
    for (;;) Atomics.wait(frozen, 0, 0);
  },
});
const event = oneRecordEvent(cfg.body, "button-jobs");
const answer = (await handler(
  event as never,
  createLambdaContext({ functionName: "button-job", timeoutMs: 300_000 }),
)) as {
  batchItemFailures?: unknown[];
};
tell({ event: "done", failures: answer?.batchItemFailures?.length ?? 0 });
process.exit(0);
