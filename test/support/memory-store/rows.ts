/**
 * The in-memory table behind the fakes: ledger rows by key, written only when the
 * row is still at the revision the write was computed from (DynamoDB's
 * `#rev = :rev` / `attribute_not_exists(PK)` condition), and GSI1 as a sorted
 * scan of the rows' own index keys (lib/store/ledger-item.ts), so listings come
 * back in the table's order. No TTL: nothing expires on its own.
 */

import type { Kind } from "../../../lib/domain/kinds.js";
import type { Clock } from "../../../lib/domain/time.js";
import {
  bucketOf,
  ledgerGsi1Pk,
  ledgerGsi1Prefix,
  ledgerGsi1Sk,
  streamOf,
  withOpenSince,
} from "../../../lib/store/ledger-item.js";
import { withHistory } from "../../../lib/sync/ledger-rules.js";
import type { LedgerBucket, LedgerItem } from "../../../lib/sync/ports.js";

export const rowKey = (tenantId: string, kind: Kind, rampId: string) => `${tenantId}#${kind}#${rampId}`;

export interface MemoryRows {
  readonly clock: Clock;
  get(tenantId: string, kind: Kind, rampId: string): LedgerItem | undefined;
  /** Conditional put: `prev` is the row as read (undefined = must not exist). */
  put(prev: LedgerItem | undefined, next: LedgerItem): boolean;
  /** GSI1 rows of one bucket × stream, in sort-key order, optionally of one request only. */
  index(tenantId: string, bucket: LedgerBucket, stream: string, syncRequestId?: string | null): IndexEntry[];
  all(): LedgerItem[];
}

export interface IndexEntry {
  sk: string;
  item: LedgerItem;
}

export function createMemoryRows(clock: Clock): MemoryRows {
  const rows = new Map<string, LedgerItem>();
  const copy = (i: LedgerItem): LedgerItem => structuredClone(i);
  return {
    clock,
    get: (tenantId, kind, rampId) => {
      const r = rows.get(rowKey(tenantId, kind, rampId));
      return r ? copy(r) : undefined;
    },
    put(prev, next) {
      const key = rowKey(next.tenantId, next.kind, next.rampId);
      const current = rows.get(key);
      if (prev ? current?.rev !== prev.rev : current !== undefined) return false;
      // As lib/store/ledger.ts putLedgerItem: every write carries the row's history.
      rows.set(key, copy(withOpenSince(prev, withHistory(prev, next))));
      return true;
    },
    index(tenantId, bucket, stream, syncRequestId) {
      const pk = ledgerGsi1Pk(tenantId, bucket, stream);
      const prefix = syncRequestId === undefined ? "" : ledgerGsi1Prefix(syncRequestId);
      const out: IndexEntry[] = [];
      for (const item of rows.values()) {
        const b = bucketOf(item);
        if (!b || ledgerGsi1Pk(item.tenantId, b, streamOf(item.kind)) !== pk) continue;
        const sk = ledgerGsi1Sk(item);
        if (sk.startsWith(prefix)) out.push({ sk, item: copy(item) });
      }
      return out.sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    },
    all: () => [...rows.values()].map(copy),
  };
}
