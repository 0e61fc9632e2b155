/**
 * Compile-time only (types, imported by nothing): the DynamoDB repositories
 * satisfy the ports lib/sync, lib/poll and lib/status declare (lib/sync/ports.ts, lib/poll/ports.ts,
 * lib/status/ports.ts), and the rows they
 * trade are the same types both ways, so lib/sync never imports this package.
 */

import type * as PollPort from "../poll/ports.js";
import type { MAX_SYNC_ITEMS } from "../ramp/schemas/syncs.js";
import type * as StatusPort from "../status/ports.js";
import type { STATUS_BUCKETS } from "../status/tenant-status.js";
import type * as Port from "../sync/ports.js";
import type { Store } from "./index.js";
import type { LedgerBucket, LedgerItem, LedgerState } from "./ledger-item.js";
import type { CursorKey, PollCursor } from "./poll-cursors.js";
import type { MAX_PER_LIST } from "./report-content.js";
import type { ReportIntent } from "./report-intents.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
type Satisfies<A, P> = A extends P ? true : never;

/** Each entry is `true` only while the check holds; otherwise `never`, and the assignment below fails. */
export type SyncPortsCheck = [
  Same<LedgerItem, Port.LedgerItem>,
  Same<LedgerState, Port.LedgerState>,
  Same<LedgerBucket, Port.LedgerBucket>,
  Same<ReportIntent, Port.ReportIntent>,
  // lib/sync cuts reports at Ramp's list limit (lib/ramp): the number the intents are checked against.
  Same<typeof MAX_PER_LIST, typeof MAX_SYNC_ITEMS>,
  Satisfies<Store["ledger"], Port.LedgerPort>,
  Satisfies<Store["settlesLinks"], Port.SettlesLinksPort>,
  Satisfies<Store["reportIntents"], Port.ReportIntentsPort>,
  Satisfies<Store["reportLock"], Port.ReportLockPort>,
  Satisfies<Store["tenants"], Port.TenantsPort>,
  // lib/poll's ports (lib/poll/ports.ts).
  Same<PollCursor, PollPort.PollCursor>,
  Same<CursorKey, PollPort.CursorKey>,
  Satisfies<Store["pollCursors"], PollPort.PollCursorsPort>,
  Satisfies<Store["ledger"], PollPort.PollLedgerPort>,
  Satisfies<Store["tenants"], PollPort.ScheduleTenantsPort>,
  Satisfies<Store["pollRuns"], PollPort.PollRunsPort>,
  Satisfies<Store, PollPort.PollJobStore>,
  // lib/status's ports (lib/status/ports.ts): what the operator read models read.
  Same<(typeof STATUS_BUCKETS)[number], LedgerBucket>,
  Satisfies<Store, StatusPort.TenantStatusStore>,
  Satisfies<Store, StatusPort.ObjectStoryStore>,
  Satisfies<Store["ledger"], StatusPort.StatusLedgerPort>,
];
export const SYNC_PORTS_HOLD: SyncPortsCheck = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
