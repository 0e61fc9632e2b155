/**
 * The store's public surface: one factory wiring every repository of the main
 * table to the same client, table name and clock. (Ramp tokens and rate-limit
 * buckets live in tokens.ts and rate-limit.ts.)
 */
import type { RampLogger } from "../domain/logger.js";
import { createButtonRequests } from "./button-requests.js";
import { createCoaSnapshots } from "./coa-snapshots.js";
import { createIntentHeaders } from "./intent-headers.js";
import { createLastSynced } from "./last-synced.js";
import { createLedger, type StoreDeps } from "./ledger.js";
import { createLedgerCounts } from "./ledger-counts.js";
import { createMessageFailures } from "./message-failures.js";
import { createPollCursors } from "./poll-cursors.js";
import { createPollRuns } from "./poll-runs.js";
import { createReceipts } from "./receipts.js";
import { createReportIntents } from "./report-intents.js";
import { createReportLock } from "./report-lock.js";
import { createSettlesLinks } from "./settles-links.js";
import { createTenants } from "./tenants.js";
import { createVendorLinks } from "./vendor-links.js";
import { createWebhookEvents } from "./webhook-events.js";

/** `logger`: where the repositories warn (a tenant document with keys this version does not know). */
export function createStore(deps: StoreDeps & { logger?: Pick<RampLogger, "warn"> }) {
  return {
    ledger: createLedger(deps),
    reportIntents: createReportIntents(deps),
    reportLock: createReportLock(deps),
    tenants: createTenants(deps),
    settlesLinks: createSettlesLinks(deps),
    pollCursors: createPollCursors(deps),
    pollRuns: createPollRuns(deps),
    lastSynced: createLastSynced(deps),
    ledgerCounts: createLedgerCounts(deps),
    intentHeaders: createIntentHeaders(deps),
    coaSnapshots: createCoaSnapshots(deps),
    webhookEvents: createWebhookEvents(deps),
    messageFailures: createMessageFailures(deps),
    buttonRequests: createButtonRequests(deps),
    receipts: createReceipts(deps),
    vendorLinks: createVendorLinks(deps),
  };
}
export type Store = ReturnType<typeof createStore>;

export type { CloseDisposition, FailureInput, SkipReason } from "../sync/ledger-rules.js";
export type { ButtonRequestHeader, ButtonRequestOutcome, ButtonRow } from "./button-requests.js";
export type { IntentHeader } from "./intent-headers.js";
export type { LastSynced } from "./last-synced.js";
export type {
  AttachResult,
  ClaimResult,
  HolderResult,
  ReportableQuery,
  ReportableRows,
  StoreDeps,
} from "./ledger.js";
export type { LedgerBucket, LedgerItem, LedgerState } from "./ledger-item.js";
export type { PollCursor } from "./poll-cursors.js";
export type { PollRunRecord } from "./poll-runs.js";
export type { ReportOutcome } from "./report-content.js";

export type { CloseOptions, CloseSummary, ReportIntent, WriteIntentInput } from "./report-intents.js";
export type { ReportLockKey } from "./report-lock.js";
export type { SettlesLink } from "./settles-links.js";
export type { EnabledTenantsPage, PutTenantResult } from "./tenants.js";
export type { StoredVendorLink } from "./vendor-links.js";
export type { ParkedEvent } from "./webhook-events.js";
