/**
 * Reads the facts of one tenant's status through the declared ports and
 * assembles them (tenant-status.ts). Per kind × bucket one COUNT query; the
 * oldest row and the held rows only where the count says there are any, so an
 * idle tenant costs 49 small queries and nothing more.
 */
import { KINDS, type Kind } from "../domain/kinds.js";
import type { LedgerBucket, LedgerItem } from "../sync/ports.js";
import type { OldestRow, TenantStatusStore } from "./ports.js";
import { ledgerStreamOf } from "./stream.js";
import { assembleTenantStatus, HELD_SHOWN, STATUS_BUCKETS, type TenantStatus } from "./tenant-status.js";

export async function readTenantStatus(
  store: TenantStatusStore,
  tenantId: string,
  now: number,
): Promise<TenantStatus> {
  const pairs = KINDS.flatMap((kind) => STATUS_BUCKETS.map((bucket) => ({ kind, bucket })));
  const cells = await Promise.all(
    pairs.map(async ({ kind, bucket }) => {
      const count = await store.ledgerCounts.count(tenantId, bucket, kind);
      const oldest = count > 0 ? await store.ledgerCounts.oldest(tenantId, bucket, kind) : undefined;
      return { kind, bucket, count, oldest };
    }),
  );
  const counts = new Map<Kind, Partial<Record<LedgerBucket, number>>>();
  const oldest: OldestRow[] = [];
  for (const c of cells) {
    counts.set(c.kind, { ...counts.get(c.kind), [c.bucket]: c.count });
    if (c.oldest) oldest.push(c.oldest);
  }
  const heldKinds = cells.filter((c) => c.bucket === "HELD" && c.count > 0).map((c) => c.kind);
  const [pollRun, lastSynced, held] = await Promise.all([
    store.pollRuns.get(tenantId),
    store.lastSynced.list(tenantId),
    Promise.all(heldKinds.map((kind) => firstHeld(store, tenantId, kind))),
  ]);
  return assembleTenantStatus({ tenantId, pollRun, lastSynced, counts, oldest, held: held.flat() }, now);
}

/** The first HELD rows of one kind (index order: button requests, then oldest change first). */
async function firstHeld(store: TenantStatusStore, tenantId: string, kind: Kind): Promise<LedgerItem[]> {
  const out: LedgerItem[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await store.ledger.listBucket({
      tenantId,
      bucket: "HELD",
      stream: ledgerStreamOf(kind),
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.filter((i) => i.kind === kind));
    cursor = page.cursor;
  } while (cursor && out.length < HELD_SHOWN * 4);
  return out;
}
