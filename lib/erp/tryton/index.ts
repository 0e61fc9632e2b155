/** Tryton 6.0 ERP adapter: `new TrytonErp(config)` implements the ERP port. */
export { TrytonErp } from "./adapter.js";
export { type TrytonConfig, TrytonConfigSchema } from "./config.js";
export { toErpError } from "./errors.js";
export { convertMinor } from "./fx.js";
export { ensureIntegrationUser, INTEGRATION_GROUPS } from "./provision.js";
export { type Context, TrytonRpc, TrytonRpcError, TrytonTransportError } from "./rpc.js";
export { TrytonSession } from "./session.js";
