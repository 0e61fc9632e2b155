/**
 * Ops commands for Ramp webhooks (kept apart from commands.ts; the ops CLI can
 * route `webhooks …` here):
 *
 *   webhooks subscribe --tenant T --endpoint https://<api>  [--no-ready-to-sync] [--timeout-ms N] [--single-endpoint]
 *   webhooks list      --tenant T
 *   webhooks parked    --tenant T [--limit N]
 *
 * `subscribe` creates or repairs the tenant's subscription (events from its
 * settings: `*.ready_to_sync` for enabled types, `*.sync_requested` for enabled
 * Sync Buttons), completes the verification handshake through the deployed
 * webhook Lambda, and keeps the signing secret in Secrets Manager; rerunning
 * it changes nothing when all is in place. Exit codes as commands.ts: 0 done,
 * 1 failed, 2 refused, 64 usage error.
 *
 *   TABLE_NAME=… npm run -s ops -- webhooks subscribe --tenant acme --endpoint https://…
 */
import { parseArgs } from "node:util";
import type { Command } from "commander";
import { tenantPushDeps } from "../functions/coa-push/deps.js";
import type { AwsClients } from "../lib/aws/clients.js";
import { secretsManagerStore } from "../lib/aws/webhook-secrets.js";
import type { CoaPushEnv } from "../lib/config/env.js";
import type { TenantConfig } from "../lib/config/tenant.js";
import type { RampLogger } from "../lib/domain/logger.js";
import type { RampClient } from "../lib/ramp/client.js";
import { type ChallengeStore, createChallengeStore } from "../lib/store/challenges.js";
import type { Tenants } from "../lib/store/tenants.js";
import { createWebhookEvents, type WebhookEvents } from "../lib/store/webhook-events.js";
import type { SecretStore } from "../lib/webhook/secret-source.js";
import { subscribeTenant, WebhookSetupError, webhookEndpointUrl } from "../lib/webhook/subscribe.js";
import type { CommandKit, OpsIo } from "./command-kit.js";

export interface WebhookOpsDeps {
  tenants: Pick<Tenants, "get" | "put">;
  rampFor: (tenant: TenantConfig) => RampClient | Promise<RampClient>;
  secrets: SecretStore;
  challenges: Pick<ChallengeStore, "get" | "delete">;
  webhookEvents: Pick<WebhookEvents, "listParked">;
  logger?: RampLogger;
  sleep?: (ms: number) => Promise<void>;
}

export const WEBHOOKS_USAGE = `usage:
  ops webhooks subscribe --tenant <id> --endpoint <https://api base> [--no-ready-to-sync] [--timeout-ms <n>] [--single-endpoint]
  ops webhooks list      --tenant <id>
  ops webhooks parked    --tenant <id> [--limit <n>]`;

/** `argv` starts after `webhooks`: `[subcommand, ...flags]`. */
export async function runWebhookCommand(
  argv: readonly string[],
  deps: WebhookOpsDeps,
  io: OpsIo,
): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        tenant: { type: "string" },
        endpoint: { type: "string" },
        "no-ready-to-sync": { type: "boolean", default: false },
        "timeout-ms": { type: "string" },
        "single-endpoint": { type: "boolean", default: false },
        limit: { type: "string" },
      },
      strict: true,
    }).values;
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n${WEBHOOKS_USAGE}`);
    return 64;
  }
  const tenantId = typeof values.tenant === "string" ? values.tenant : undefined;
  if (!command || !tenantId) {
    io.err(WEBHOOKS_USAGE);
    return 64;
  }
  const number = (name: string) => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
    return n;
  };
  try {
    const tenant = await deps.tenants.get(tenantId);
    if (!tenant) {
      io.err(`tenant ${tenantId} is not configured`);
      return 2;
    }
    switch (command) {
      case "subscribe": {
        if (typeof values.endpoint !== "string" || !/^https?:\/\//.test(values.endpoint)) {
          throw new UsageError("--endpoint <https://…> is required (the webhook API's base URL)");
        }
        const r = await subscribeTenant(
          {
            ramp: await deps.rampFor(tenant),
            secrets: deps.secrets,
            challenges: deps.challenges,
            tenants: deps.tenants,
            ...(deps.logger ? { log: deps.logger } : {}),
            ...(deps.sleep ? { sleep: deps.sleep } : {}),
          },
          tenantId,
          {
            endpointBaseUrl: values.endpoint,
            readyToSync: values["no-ready-to-sync"] !== true,
            challengeTimeoutMs: number("timeout-ms"),
            endpointMode: values["single-endpoint"] === true ? "single" : "per-tenant",
          },
        );
        io.out(
          `webhooks ${tenantId}: ${r.status} subscription ${r.subscriptionId} → ${r.endpointUrl} ` +
            `[${r.eventTypes.join(", ")}], secret in ${r.secretId}` +
            (r.removed.length ? `; removed ${r.removed.join(", ")}` : ""),
        );
        return 0;
      }
      case "list": {
        const ramp = await deps.rampFor(tenant);
        for (const s of await ramp.listWebhooks()) {
          io.out(`${s.id} ${s.status ?? "?"} ${s.endpoint_url} [${s.event_types.join(", ")}]`);
        }
        return 0;
      }
      case "parked": {
        const parked = await deps.webhookEvents.listParked(tenantId, number("limit") ?? 50);
        // Bodies can be long and are Ramp's data: print the reason and where to find the rest.
        for (const p of parked) io.out(`${p.receivedAt} ${p.eventId} ${p.reason}`);
        io.out(`${parked.length} parked event(s)`);
        return 0;
      }
      default:
        io.err(`unknown webhooks command ${command}\n${WEBHOOKS_USAGE}`);
        return 64;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n${WEBHOOKS_USAGE}`);
      return 64;
    }
    if (e instanceof WebhookSetupError) {
      io.err(e.message);
      return 2;
    }
    io.err(`webhooks ${command} ${tenantId} failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

class UsageError extends Error {}

/** The dependencies from the environment, as the ops CLI builds them (TABLE_NAME, AWS_* endpoints). */
export function buildWebhookOpsDeps(env: CoaPushEnv, aws: AwsClients, logger: RampLogger): WebhookOpsDeps {
  const coa = tenantPushDeps({ env, aws, obs: { log: logger } });
  const store = { doc: aws.doc, tableName: env.TABLE_NAME };
  return {
    tenants: coa.tenants,
    rampFor: coa.rampFor,
    secrets: secretsManagerStore(aws.secrets),
    challenges: createChallengeStore(store),
    webhookEvents: createWebhookEvents(store),
    logger,
  };
}

export { webhookEndpointUrl };

export function registerWebhookCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const webhooks = sub(program, "webhooks", "the tenant's Ramp webhook subscription");
  sub(webhooks, "subscribe", "create or repair the subscription and complete its verification")
    .requiredOption("--tenant <id>", "tenant id")
    .requiredOption("--endpoint <url>", "the deployed webhook API (stack output WebhookUrl without the path)")
    .option("--no-ready-to-sync", "subscribe to Sync Button events only")
    .option("--timeout-ms <n>", "how long to wait for the verification challenge")
    .option(
      "--single-endpoint",
      "subscribe on the shared POST /webhooks, the tenant named by the X-Ramp-Erp-Sync-Tenant header",
    )
    .action(
      async (o: {
        tenant: string;
        endpoint: string;
        readyToSync: boolean;
        timeoutMs?: string;
        singleEndpoint?: boolean;
      }) => {
        const argv = [
          "subscribe",
          "--tenant",
          o.tenant,
          "--endpoint",
          o.endpoint,
          ...(o.readyToSync ? [] : ["--no-ready-to-sync"]),
          ...(o.timeoutMs ? ["--timeout-ms", o.timeoutMs] : []),
          ...(o.singleEndpoint ? ["--single-endpoint"] : []),
        ];
        exit(await runWebhookCommand(argv, kit.ctx().webhooks(), io));
      },
    );
  sub(webhooks, "list", "the tenant's subscriptions in Ramp")
    .requiredOption("--tenant <id>", "tenant id")
    .action(async (o: { tenant: string }) => {
      exit(await runWebhookCommand(["list", "--tenant", o.tenant], kit.ctx().webhooks(), io));
    });
  sub(webhooks, "parked", "signed deliveries that could not be acted on (kept 30 days)")
    .requiredOption("--tenant <id>", "tenant id")
    .option("--limit <n>", "how many")
    .action(async (o: { tenant: string; limit?: string }) => {
      const argv = ["parked", "--tenant", o.tenant, ...(o.limit ? ["--limit", o.limit] : [])];
      exit(await runWebhookCommand(argv, kit.ctx().webhooks(), io));
    });
}
