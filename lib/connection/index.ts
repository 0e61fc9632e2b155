/** Public surface of the connection lifecycle. */
export * from "./connection.js";
export * from "./errors.js";
export * from "./settings.js";
