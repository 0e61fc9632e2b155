/** The embedded journal ERP (hledger). Conventions: syntax.ts. */
export { createJournalErp, JournalErp } from "./adapter.js";
export { hledgerBalance, hledgerCheck } from "./hledger-cli.js";
export { type JournalIndex, parseJournal } from "./parse.js";
export { classify, surfaceOf } from "./surface.js";
