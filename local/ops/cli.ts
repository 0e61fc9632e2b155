/**
 * Ops CLI entry point: `npx tsx local/ops/cli.ts <command> --tenant <id> …`
 * (commands in ./commands.ts; `webhooks …` in ./webhooks.ts). Needs TABLE_NAME (and AWS_REGION / the usual
 * AWS_ENDPOINT_URL_* variables for local emulators); reads tenants, secrets and
 * tokens exactly as the coa-push Lambda does.
 */

import { z } from "zod";
import { tenantPushDeps } from "../../functions/coa-push/deps.js";
import { createAwsClients } from "../../lib/aws/clients.js";
import { BaseEnvSchema, loadEnv } from "../../lib/config/env.js";
import { runOpsCommand } from "./commands.js";
import { buildWebhookOpsDeps, runWebhookCommand } from "./webhooks.js";

const env = loadEnv(BaseEnvSchema.extend({ TABLE_NAME: z.string().trim().min(1) }));
const logger = {
  debug: () => {},
  info: () => {},
  warn: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`warn: ${m} ${JSON.stringify(d ?? {})}\n`),
  error: (m: string, d?: Record<string, unknown>) =>
    process.stderr.write(`error: ${m} ${JSON.stringify(d ?? {})}\n`),
};
const io = {
  out: (l: string) => process.stdout.write(`${l}\n`),
  err: (l: string) => process.stderr.write(`${l}\n`),
};
const aws = createAwsClients({ region: env.AWS_REGION });
const argv = process.argv.slice(2);
const code =
  argv[0] === "webhooks"
    ? await runWebhookCommand(argv.slice(1), buildWebhookOpsDeps(env, aws, logger), io)
    : await runOpsCommand(argv, tenantPushDeps({ env, aws, obs: { log: logger } }), io);
process.exit(code);
