/**
 * Vendor links decided by hand (`ops vendors link`): Ramp vendor id → the accounting
 * vendor a person chose for it. coa-push reads them on every run (lib/coa/vendor-match.ts:
 * a manual link wins over matching), so a decision is remembered across pushes even if
 * the link in Ramp is lost. One item per Ramp vendor: deciding again replaces the choice.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { systemClock } from "../domain/time.js";
import { tenantPk, VENDOR_LINK_SK_PREFIX, vendorLinkSk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { queryPrefix } from "./query-prefix.js";

const VendorLinkSchema = z.object({
  rampVendorId: z.string().min(1),
  accountingVendorRemoteId: z.string().min(1),
  decidedBy: z.string(),
  decidedAt: z.number().int(),
});
export type StoredVendorLink = z.infer<typeof VendorLinkSchema>;

export type VendorLinks = ReturnType<typeof createVendorLinks>;

export function createVendorLinks(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  return {
    /** Stores (or replaces) the decision for one Ramp vendor. */
    async put(
      tenantId: string,
      link: { rampVendorId: string; accountingVendorRemoteId: string; decidedBy: string },
    ): Promise<StoredVendorLink> {
      const item = VendorLinkSchema.parse({ ...link, decidedAt: clock() });
      await deps.doc.send(
        new PutCommand({
          TableName: deps.tableName,
          Item: { PK: tenantPk(tenantId), SK: vendorLinkSk(item.rampVendorId), type: "vendor-link", ...item },
        }),
      );
      return item;
    },

    /** Every decision of the tenant (one Query, strongly consistent). */
    async list(tenantId: string): Promise<StoredVendorLink[]> {
      const out: StoredVendorLink[] = [];
      for await (const row of queryPrefix(deps, tenantPk(tenantId), VENDOR_LINK_SK_PREFIX))
        out.push(VendorLinkSchema.parse(row));
      return out;
    },
  };
}
