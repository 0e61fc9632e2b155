/** coa-push's metrics (functions/coa-push/make-handler.ts); the alarms read them (infra/constructs/alarms.ts). */
export const COA_METRIC = {
  /** Tenants the daily tick (or a bulk request) enqueued. */
  enqueued: "CoaPushTenantsEnqueued",
  /** Tenants pushed to the end. */
  pushed: "CoaPushTenants",
  /** A tenant's push that threw (retried by SQS, then the DLQ), or a tenant config that does not parse (alarmed). */
  tenantFailures: "CoaPushTenantFailures",
  /** Messages received before their due time and sent back with the rest of their delay. */
  deferred: "CoaPushDeferred",
  /** Pushes cut off by the Lambda deadline; the message comes back and the push resumes. */
  cutOff: "CoaPushCutOff",
  writeCalls: "CoaPushWriteCalls",
  refusedItems: "CoaPushRefusedItems",
} as const;
