/** Public surface of coa-push: plan (pure), read, execute, push, per-tenant runs. */
export * from "./current.js";
export * from "./desired.js";
export * from "./execute.js";
export * from "./isolate.js";
export * from "./plan.js";
export * from "./push.js";
export * from "./run.js";
export * from "./snapshot.js";
export type * from "./types.js";
export * from "./vendor-match.js";
export * from "./vendor-review.js";
