/** Public surface of the migration tool. */
export * from "./backup.js";
export * from "./migrate.js";
export * from "./preflight.js";
