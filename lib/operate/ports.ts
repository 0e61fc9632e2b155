/**
 * What the operator use cases (retry, mark-synced, sync-now) need, declared
 * here and satisfied by lib/store and lib/aws in ops/act-commands.ts — or by
 * in-memory fakes in unit tests.
 */
import type { Kind } from "../domain/kinds.js";
import type { OutgoingMessage } from "../domain/queue.js";
import type { StatusLedgerPort } from "../status/ports.js";
import type { OperatorAct, OperatorDecision } from "../sync/operator-rules.js";
import type { LedgerItem } from "../sync/ports.js";

/** The ledger reads operators need: the same as the status read models'. */
export type OperateLedger = StatusLedgerPort;

export type OperatorWrite = OperatorDecision & { item: LedgerItem | undefined };

export interface OperatorLedgerPort {
  requestRetry(tenantId: string, kind: Kind, rampId: string, act: OperatorAct): Promise<OperatorWrite>;
  markSynced(
    tenantId: string,
    kind: Kind,
    rampId: string,
    act: OperatorAct & { erpRef: string },
  ): Promise<OperatorWrite>;
}

/** Sends every message or throws (lib/aws/sqs.ts sendAllOrThrow). */
export type SendMessages = (messages: OutgoingMessage[]) => Promise<void>;
