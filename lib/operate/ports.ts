/**
 * What the operator use cases (retry, mark-synced, sync-now) need, declared
 * here and satisfied by lib/store and lib/aws in ops/act-commands.ts — or by
 * in-memory fakes in unit tests.
 */
import type { Kind } from "../domain/kinds.js";
import type { OutgoingMessage } from "../domain/queue.js";
import type { OperatorAct, OperatorDecision } from "../sync/operator-rules.js";
import type { LedgerBucket, LedgerItem, LedgerPage } from "../sync/ports.js";

export interface OperateLedger {
  getMany(
    tenantId: string,
    keys: ReadonlyArray<{ kind: Kind; rampId: string }>,
  ): Promise<Map<string, LedgerItem>>;
  listBucket(q: {
    tenantId: string;
    bucket: LedgerBucket;
    stream: string;
    limit: number;
    cursor?: Record<string, unknown>;
  }): Promise<LedgerPage>;
}

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
