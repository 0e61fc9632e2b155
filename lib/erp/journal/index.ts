/** The embedded journal ERP (hledger). Conventions: syntax.ts. */
export { classify, createJournalErp, JOURNAL_CAPABILITIES, JournalErp } from "./adapter.js";
export { hledgerBalance, hledgerCheck } from "./hledger-cli.js";
export { type JournalIndex, parseJournal } from "./parse.js";
