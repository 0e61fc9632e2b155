/** Configuration: the Lambda environment (env.ts) and per-tenant documents (tenant.ts, stored by lib/store/tenants.ts). */
export * from "./env.js";
export * from "./tenant.js";
