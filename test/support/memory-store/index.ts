/**
 * In-memory fakes of the store ports lib/sync declares (lib/sync/ports.ts), held to
 * the DynamoDB repositories' behaviour by one shared contract
 * (test/support/store-contract.ts, run against both). For fast unit tests of the
 * syncer, process-item and the reporter; `rows` lets a test read the whole ledger.
 */
import type { Clock } from "../../../lib/domain/time.js";
import type { SyncStore } from "../../../lib/sync/ports.js";
import { createMemoryLedger } from "./ledger.js";
import { createMemoryReportIntents } from "./report-intents.js";
import { createMemoryReportLock } from "./report-lock.js";
import { createMemoryRows } from "./rows.js";
import { createMemorySettlesLinks } from "./settles-links.js";

export function createMemoryStore(clock: Clock) {
  const rows = createMemoryRows(clock);
  const store = {
    rows,
    ledger: createMemoryLedger(rows),
    reportIntents: createMemoryReportIntents(rows),
    reportLock: createMemoryReportLock(rows),
    settlesLinks: createMemorySettlesLinks(rows),
  };
  return store satisfies SyncStore;
}

export type MemoryStore = ReturnType<typeof createMemoryStore>;
