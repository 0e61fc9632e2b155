/**
 * Issue 6's headline end-to-end test against the journal ERP: ~500 mixed objects
 * over three entities, coded against the chart coa-push uploaded from the demo
 * journal, drained through the poll schedule, the poll-job and syncer handlers on
 * fauxqs, and the report sweep (see support/drain-scenario.ts and drain-suite.ts).
 */
import { drainSuite } from "./support/drain-suite.js";
import { journalSide } from "./support/journal-side.js";

drainSuite("the journal ERP", journalSide, 42);
