/** The local Lambda harness: handlers invoked with real-shaped events over real local services. */
export * from "./api-gateway-event.js";
export * from "./event-source-mapping.js";
export * from "./http-to-api-gateway.js";
export * from "./lambda-context.js";
export * from "./local-sqs.js";
export * from "./scheduled-event.js";
export * from "./sqs-event.js";
