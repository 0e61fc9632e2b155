/**
 * Before a cutover every ready-to-sync object on the old connection must be
 * synced: anything left ready does not survive the switch (the guide, docs/ramp-api.md, Guide "Migration tool"). This
 * counts them with list calls only.
 */
import type { RampClient } from "../ramp/index.js";

export interface ReadyCounts {
  transactions: number;
  reimbursements: number;
  bills: number;
  transfers: number;
  cashbacks: number;
  total: number;
}

async function count(gen: AsyncGenerator<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of gen) n++;
  return n;
}

export async function countReadyToSync(client: RampClient): Promise<ReadyCounts> {
  const ready = { syncStatus: "SYNC_READY" as const, pageSize: 100 };
  const c = {
    transactions: await count(client.listTransactions(ready)),
    reimbursements: await count(client.listReimbursements(ready)),
    bills: await count(client.listBills({ syncReady: true, pageSize: 100 })),
    transfers: await count(client.listTransfers(ready)),
    cashbacks: await count(client.listCashbacks(ready)),
  };
  return { ...c, total: c.transactions + c.reimbursements + c.bills + c.transfers + c.cashbacks };
}

export function describeCounts(c: ReadyCounts): string {
  return (Object.entries(c) as Array<[keyof ReadyCounts, number]>)
    .filter(([k, n]) => k !== "total" && n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}
