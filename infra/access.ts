/**
 * What each function's code path really calls, read from the repositories it
 * reaches (lib/store/*, including the ledger's batched getMany and the webhook challenges).
 * infra/stack.ts grants exactly this; test/unit/iam-least-privilege.test.ts
 * holds the same list as resolved policy statements and fails on any addition.
 * Grow a function's list only together with the code that needs it.
 */
import type { TenantSecretKind } from "../lib/config/tenant-secrets.js";
import type { TableAction } from "./constructs/grants.js";

export interface FunctionAccess {
  table: TableAction[];
  /** Query on GSI1 (enabled tenants, ledger buckets). */
  index: boolean;
  /** Query on GSI2 (a tenant's open work, lib/store/open-work.ts). */
  openWorkIndex?: boolean;
  sendTo: Array<"work" | "priority" | "pollJobs" | "buttonJobs" | "receipts" | "coaRequests">;
  secrets: TenantSecretKind[];
}

export const FUNCTION_ACCESS = {
  // Internet-facing: tenant config (Get), event ids and parked events (Put, Delete on a failed
  // hand-off), challenges (Put). Only the webhook signing secrets; no Query, no Scan, no batch.
  webhook: {
    table: ["GetItem", "PutItem", "DeleteItem"],
    index: false,
    // receipts: a `transactions.receipt_added` becomes a late-receipt message.
    sendTo: ["pollJobs", "buttonJobs", "receipts"],
    secrets: ["webhook"],
  },
  // Enabled tenants (GSI1) and the reserved schedule cursor (Get, Put). Reads no secret.
  pollSchedule: { table: ["GetItem", "PutItem"], index: true, sendTo: ["pollJobs"], secrets: [] },
  // Tenant, cursors, settles-links, ledger rows (Get / BatchGet), Ramp token (Get, Put), rate window (Update).
  pollJob: {
    table: ["GetItem", "PutItem", "UpdateItem", "BatchGetItem"],
    index: false,
    // buttonJobs: a button job found on poll-jobs (sent before that queue existed) is forwarded there.
    // receipts: a scheduled poll also polls the tenant's receipts (lib/receipts/poll.ts).
    sendTo: ["work", "priority", "pollJobs", "buttonJobs", "receipts"],
    secrets: ["ramp"],
  },
  // A click's walk (as pollJob's, onto the priority queue; continuations and the deadline job onto
  // button-jobs), its request rows (Put, Query), the deadline's forced flush (the reporter's intents,
  // locks and reportable buckets on GSI1, as the syncer's) and its `failed_syncs`. Ramp only: no ERP.
  buttonJob: {
    table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"],
    index: true,
    sendTo: ["priority", "buttonJobs"],
    secrets: ["ramp"],
  },
  // Ledger (claims, reportable buckets on GSI1, bill gates by BatchGet), report intents (Put,
  // transactional Puts, Update, Delete, chunk Query), report locks, token and rate window.
  // receipts: the objects a batch found in the ERP, with their receipt ids.
  syncer: {
    table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"],
    index: true,
    sendTo: ["receipts"],
    secrets: ["ramp", "erp"],
  },
  // The sweep runs the syncer's flush and intent replay (same deps, lib/sync/sweep.ts) over the enabled tenants.
  sweep: {
    table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"],
    index: true,
    sendTo: [],
    secrets: ["ramp", "erp"],
  },
  // Enabled tenants (GSI1) and each one's open work (GSI2): reads only, no item access, no secret.
  health: { table: [], index: true, openWorkIndex: true, sendTo: [], secrets: [] },
  // Tenants (Get, Put of the connection id, enabled list on GSI1), CoA snapshots (Get, Put, Delete,
  // chunk Query), token and rate window. coaRequests: the daily fan-out, and a message received
  // before its due time goes back with the rest of its delay (lib/coa/fleet.ts).
  coaPush: {
    table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"],
    index: true,
    sendTo: ["coaRequests"],
    secrets: ["ramp", "erp"],
  },
  // Receipt rows (Query per object, Put, Update of the tenant's totals), the not-attached rows on
  // GSI1, the cursor and scope flag (Get, Put, Update), ledger rows (BatchGet: which objects are in
  // the ERP), token and rate window; the Ramp secret (receipts) and the ERP's (attach). Sends nothing.
  receipts: {
    table: ["GetItem", "PutItem", "UpdateItem", "BatchGetItem", "Query"],
    index: true,
    sendTo: [],
    secrets: ["ramp", "erp"],
  },
} satisfies Record<string, FunctionAccess>;
