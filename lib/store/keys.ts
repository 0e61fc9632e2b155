/**
 * Key builders for every item this package writes to the main table. One file,
 * so the whole key space can be read at a glance and prefixes never collide:
 *
 * | item                | PK                 | SK                                        |
 * |---------------------|--------------------|-------------------------------------------|
 * | tenant config       | TENANT#<t>         | CONFIG                                    |
 * | ledger item         | TENANT#<t>         | LEDGER#<kind>#<rampId>                    |
 * | report intent       | TENANT#<t>         | INTENT#<reportId>                         |
 * | intent chunk        | TENANT#<t>         | INTENT#<reportId>#C#<nnnn>                |
 * | report lock         | TENANT#<t>         | REPORTLOCK#<syncType>#<syncRequestId|->   |
 * | settles-link        | TENANT#<t>         | SETTLES#<transactionId>                   |
 * | poll cursor         | TENANT#<t>         | CURSOR#<entityId|->#<kind>                |
 * | last poll run       | TENANT#<t>         | POLLRUN                                   |
 * | last synced (kind)  | TENANT#<t>         | SYNCED#<kind>                             |
 * | CoA snapshot        | TENANT#<t>         | COA#<scope> (+ COA#<scope>#G#<gen>#<nnnn>)|
 * | manual vendor link  | TENANT#<t>         | VENDORLINK#<rampVendorId>                 |
 * | webhook event seen  | TENANT#<t>         | EVENT#<eventId>                           |
 * | parked event        | TENANT#<t>         | PARKED#<receivedAt ISO>#<eventId>         |
 * | button request      | TENANT#<t>         | BUTTON#<syncRequestId>                    |
 * | its listed rows     | TENANT#<t>         | BUTTON#<syncRequestId>#R#<first rampId>   |
 * | receipt of object   | TENANT#<t>         | RECEIPT#<kind>#<rampId>#<receiptId>       |
 * | receipt stats/scope | TENANT#<t>         | RECEIPTS#STATS / #SCOPE / #CURSOR         |
 * | SQS message failure| MESSAGE#<messageId> | FAILURE                                  |
 * (tokens.ts: TOKEN#RAMP, rate-limit.ts: RATELIMIT#RAMP — owned elsewhere.)
 *
 * GSI1 holds ledger items by tenant × state bucket × sync type (see ledger-item.ts),
 * enabled tenants (GSI1PK=TENANTS#ENABLED) and receipts not attached
 * (GSI1PK=RECEIPTS#<t>#UNATTACHED, lib/store/receipts.ts).
 */
import type { Kind } from "../domain/kinds.js";

export const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;

export const TENANT_CONFIG_SK = "CONFIG";
export const ENABLED_TENANTS_GSI1PK = "TENANTS#ENABLED";

export const ledgerSk = (kind: Kind, rampId: string) => `LEDGER#${kind}#${rampId}`;
export const LEDGER_SK_PREFIX = "LEDGER#";

/** Zero-padded so chunks sort in write order. */
const seq = (n: number) => String(n).padStart(4, "0");

export const intentSk = (reportId: string) => `INTENT#${reportId}`;
export const intentChunkPrefix = (reportId: string) => `INTENT#${reportId}#C#`;
export const intentChunkSk = (reportId: string, n: number) => `${intentChunkPrefix(reportId)}${seq(n)}`;
export const INTENT_SK_PREFIX = "INTENT#";

/** `-` stands for "no sync_request_id" (scheduled/webhook work). */
const requestSegment = (syncRequestId: string | null | undefined) => syncRequestId ?? "-";

export const reportLockSk = (syncType: string, syncRequestId: string | null) =>
  `REPORTLOCK#${syncType}#${requestSegment(syncRequestId)}`;

export const settlesSk = (transactionId: string) => `SETTLES#${transactionId}`;

export const cursorSk = (entityId: string | null, kind: Kind) => `CURSOR#${entityId ?? "-"}#${kind}`;

export const POLL_RUN_SK = "POLLRUN";

/** GSI2PK of a tenant's open work: its open ledger rows and its poll run (lib/store/open-work.ts). */
export const openWorkGsi2Pk = (tenantId: string) => `OPEN#${tenantId}`;

export const lastSyncedSk = (kind: Kind) => `SYNCED#${kind}`;
export const LAST_SYNCED_SK_PREFIX = "SYNCED#";

export const coaHeaderSk = (scope: string) => `COA#${scope}`;
export const coaChunkSk = (scope: string, generation: string, n: number) =>
  `COA#${scope}#G#${generation}#${seq(n)}`;
export const coaGenerationPrefix = (scope: string, generation: string) => `COA#${scope}#G#${generation}#`;

export const vendorLinkSk = (rampVendorId: string) => `VENDORLINK#${rampVendorId}`;
export const VENDOR_LINK_SK_PREFIX = "VENDORLINK#";

export const eventSeenSk = (eventId: string) => `EVENT#${eventId}`;
export const parkedSk = (receivedAtIso: string, eventId: string) => `PARKED#${receivedAtIso}#${eventId}`;
export const PARKED_SK_PREFIX = "PARKED#";

export const buttonRequestSk = (syncRequestId: string) => `BUTTON#${syncRequestId}`;
export const buttonRowsPrefix = (syncRequestId: string) => `BUTTON#${syncRequestId}#R#`;
export const buttonRowsSk = (syncRequestId: string, firstRampId: string) =>
  `${buttonRowsPrefix(syncRequestId)}${firstRampId}`;

/** Keyed by message id alone: a malformed message names no tenant, and the DLQ lists ids. */
export const messageFailurePk = (messageId: string) => `MESSAGE#${messageId}`;
export const MESSAGE_FAILURE_SK = "FAILURE";

export const receiptSk = (kind: string, rampId: string, receiptId: string) =>
  `RECEIPT#${kind}#${rampId}#${receiptId}`;
export const receiptsOfPrefix = (kind: string, rampId: string) => `RECEIPT#${kind}#${rampId}#`;
export const RECEIPT_STATS_SK = "RECEIPTS#STATS";
export const RECEIPT_SCOPE_SK = "RECEIPTS#SCOPE";
export const RECEIPT_CURSOR_SK = "RECEIPTS#CURSOR";
export const unattachedReceiptsGsi1Pk = (tenantId: string) => `RECEIPTS#${tenantId}#UNATTACHED`;
