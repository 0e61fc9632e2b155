/**
 * Settles-links in memory (lib/store/settles-links.ts without DynamoDB): card
 * transaction → the bill whose payment settles it; linking again is a no-op, a
 * transaction linked to another bill keeps its link and comes back as a conflict.
 */
import type { SettlesLink, SettlesLinksPort } from "../../../lib/sync/ports.js";
import type { MemoryRows } from "./rows.js";

export function createMemorySettlesLinks({ clock }: Pick<MemoryRows, "clock">) {
  const links = new Map<string, SettlesLink>();
  const keyOf = (tenantId: string, transactionId: string) => `${tenantId}#${transactionId}`;
  const settlesLinks = {
    async link(tenantId: string, billId: string, transactionIds: readonly string[]) {
      const conflicts: SettlesLink[] = [];
      for (const transactionId of new Set(transactionIds)) {
        const existing = links.get(keyOf(tenantId, transactionId));
        if (!existing)
          links.set(keyOf(tenantId, transactionId), { transactionId, billId, createdAt: clock() });
        else if (existing.billId === billId) existing.createdAt = clock();
        else conflicts.push({ ...existing });
      }
      return { conflicts };
    },

    async get(tenantId: string, transactionId: string): Promise<SettlesLink | undefined> {
      const link = links.get(keyOf(tenantId, transactionId));
      return link ? { ...link } : undefined;
    },
  };
  return settlesLinks satisfies SettlesLinksPort;
}
