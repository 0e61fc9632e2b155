/**
 * Ops CLI entry point: `npx tsx local/ops/cli.ts <command> --tenant <id> …`
 * (commands in ./commands.ts). Needs TABLE_NAME (and AWS_REGION / the usual
 * AWS_ENDPOINT_URL_* variables for local emulators); reads tenants, secrets and
 * tokens exactly as the coa-push Lambda does.
 */

import { z } from "zod";
import { buildCoaDeps } from "../../functions/coa-push/deps.js";
import { BaseEnvSchema, loadEnv } from "../../lib/config/env.js";
import { runOpsCommand } from "./commands.js";

const env = loadEnv(
  BaseEnvSchema.extend({ TABLE_NAME: z.string().trim().min(1) }).transform((e) => ({
    ...e,
    // The ops commands never touch the Powertools idempotency table.
    IDEMPOTENCY_TABLE_NAME: "unused-by-ops",
  })),
);
const logger = {
  debug: () => {},
  info: () => {},
  warn: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`warn: ${m} ${JSON.stringify(d ?? {})}\n`),
  error: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`error: ${m} ${JSON.stringify(d ?? {})}\n`),
};
const code = await runOpsCommand(process.argv.slice(2), buildCoaDeps(env, logger), {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
});
process.exit(code);
