/**
 * What coa-push runs on: the tenants, CoA snapshots and manual vendor links in the store, and per
 * tenant a Ramp client and an ERP adapter (lib/aws/tenant-runtime.ts). Built
 * from a handler's parts; shared by the Lambda and the ops CLI.
 */
import { coaRequestQueue } from "../../lib/aws/coa-requests.js";
import { changeVisibility, type VisibilityChange } from "../../lib/aws/sqs.js";
import { tenantRuntimesOf } from "../../lib/aws/tenant-runtime.js";
import type { CoaRequestQueue } from "../../lib/coa/fleet.js";
import type { TenantPushDeps } from "../../lib/coa/run.js";
import type { CoaPushEnv } from "../../lib/config/env.js";
import type { MessageFailures } from "../../lib/domain/message-failure.js";
import type { Clock } from "../../lib/domain/time.js";
import type { HandlerParts } from "../../lib/runtime/handler-parts.js";
import type { Observability } from "../../lib/runtime/handler-stack.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createMessageFailures } from "../../lib/store/message-failures.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createVendorLinks } from "../../lib/store/vendor-links.js";

export interface CoaPushDeps {
  obs: Observability;
  push: TenantPushDeps;
  /** The daily schedule spreads the tenants' due times over this window (lib/coa/fleet.ts). */
  scheduleWindowMs: number;
  /** The coa-request queue: the daily fan-out, and messages sent back until their due time. */
  requests?: CoaRequestQueue;
  /** ChangeMessageVisibility on the coa-request queue: a cut-off push comes back in seconds. */
  changeVisibility?(changes: readonly VisibilityChange[]): Promise<{ changed: number; failed: number }>;
  clock?: Clock;
  random?: () => number;
  /** Where failed records are written down (message id → last error, for `ops dlq list`); absent = not recorded. */
  failures?: MessageFailures;
}

export function coaPushDeps(parts: HandlerParts<CoaPushEnv>): CoaPushDeps {
  const { env, aws } = parts;
  const queueUrl = env.COA_REQUESTS_QUEUE_URL;
  return {
    obs: parts.obs,
    push: tenantPushDeps(parts),
    scheduleWindowMs: env.COA_PUSH_WINDOW_SECONDS * 1000,
    ...(queueUrl
      ? {
          requests: coaRequestQueue(aws.sqs, queueUrl),
          changeVisibility: (changes: readonly VisibilityChange[]) =>
            changeVisibility(aws.sqs, [queueUrl], changes),
        }
      : {}),
    failures: createMessageFailures({ doc: aws.doc, tableName: env.TABLE_NAME }),
  };
}

export function tenantPushDeps(
  parts: Omit<HandlerParts<CoaPushEnv>, "obs"> & { obs: Pick<Observability, "log"> },
): TenantPushDeps {
  const { env, aws, obs } = parts;
  const store = { doc: aws.doc, tableName: env.TABLE_NAME };
  const tenants = createTenants({ ...store, logger: obs.log });
  const runtimes = tenantRuntimesOf(parts, tenants);
  return {
    tenants,
    snapshots: createCoaSnapshots(store),
    vendorLinks: createVendorLinks(store),
    logger: obs.log,
    rampFor: runtimes.rampFor,
    erpFor: runtimes.erpFor,
  };
}
