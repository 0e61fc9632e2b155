/** Tryton 6.0 ERP adapter: `new TrytonErp(config)` implements the ERP port. */
export { TrytonErp } from "./adapter.js";
export type { TrytonConfig } from "./config.js";
export { toErpError } from "./errors.js";
export { convertMinor } from "./fx.js";
export { ensureIntegrationUser } from "./provision.js";
export { type Context, TrytonRpc, TrytonRpcError, TrytonTransportError } from "./rpc.js";
