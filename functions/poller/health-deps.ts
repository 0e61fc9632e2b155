/** What the health tick runs on: the tenants and their open work, and its allowances from the environment. */
import type { HealthEnv } from "../../lib/config/health-env.js";
import type { HealthStore } from "../../lib/health/ports.js";
import type { HealthAllowances } from "../../lib/health/signals.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createOpenWork } from "../../lib/store/open-work.js";
import { createTenants } from "../../lib/store/tenants.js";

export interface HealthDeps {
  obs: Observability;
  store: HealthStore;
  settings: HealthAllowances & { concurrency: number };
  clock?: () => number;
}

export function healthDeps(parts: HandlerParts<HealthEnv>): HealthDeps {
  const { env, aws, obs } = parts;
  const deps = { doc: aws.doc, tableName: env.TABLE_NAME };
  return {
    obs,
    store: { tenants: createTenants({ ...deps, logger: obs.log }), openWork: createOpenWork(deps) },
    settings: {
      drainAllowanceMs: env.HEALTH_DRAIN_ALLOWANCE_MINUTES * 60_000,
      pollSlackMs: env.HEALTH_POLL_SLACK_MINUTES * 60_000,
      concurrency: env.HEALTH_CONCURRENCY,
    },
  };
}
