/** Public surface of the Ramp client. */
export * from "./client.js";
export * from "./errors.js";
export type { Query, RampHttp, RampHttpDeps, RequestSpec } from "./http.js";
export * from "./memory.js";
export * from "./normalise.js";
export * from "./ports.js";
export * from "./rate-window.js";
export * from "./retry.js";
export type * from "./schemas/accounting.js";
export type {
  CodingSelection,
  FailedSync,
  RefusalReason,
  SuccessfulSync,
  SyncRequest,
} from "./schemas/syncs.js";
export type * from "./schemas/webhooks.js";
export * from "./sync-report.js";
