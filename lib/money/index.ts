export { currencyExponent } from "./currencies.js";
export * from "./money.js";
