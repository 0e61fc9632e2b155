/**
 * What `ops vendors unlinked` and `ops vendors link` do, apart from the CLI: list the
 * Ramp vendors matching leaves unlinked (with the same rules and inputs as coa-push),
 * and record a person's decision — stored first, so a push applies it even if the
 * PATCH to Ramp below fails, then linked in Ramp at once.
 */
import type { TenantConfig } from "../config/tenant.js";
import type { ErpPort } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import { readRampVendors } from "./current.js";
import { desiredFromSurface } from "./desired.js";
import type { ManualVendorLinkStore } from "./push.js";
import type { RampVendorRef } from "./types.js";
import { type AccountingVendorRef, matchVendors, type UnlinkedVendor } from "./vendor-match.js";

export interface VendorReviewDeps {
  client: RampClient;
  erp: Pick<ErpPort, "readSurface">;
  vendorLinks?: ManualVendorLinkStore;
}

export interface UnlinkedVendorRow extends UnlinkedVendor {
  name: string;
  nameLegal: string | null;
}

/** The Ramp vendors a push leaves unlinked, with Ramp's names for them. */
export async function unlinkedVendors(
  deps: VendorReviewDeps,
  tenant: TenantConfig,
): Promise<UnlinkedVendorRow[]> {
  const rampVendors = await readRampVendors(deps.client);
  const accountingVendors = await erpVendors(deps, tenant);
  const match = matchVendors({
    rampVendors,
    accountingVendors,
    manualLinks: (await deps.vendorLinks?.list(tenant.tenantId)) ?? [],
  });
  const byId = new Map(rampVendors.map((v) => [v.id, v]));
  return match.unlinked.map((u) => ({
    ...u,
    name: byId.get(u.rampVendorId)?.name ?? "",
    nameLegal: byId.get(u.rampVendorId)?.nameLegal ?? null,
  }));
}

export type LinkByHandResult =
  | {
      ok: true;
      rampVendor: RampVendorRef;
      accountingVendor: { remoteId: string; name: string };
      previous: string | null;
    }
  | { ok: false; problem: string; hint: string };

/**
 * Links `rampVendorId` to the accounting vendor `accountingVendorRemoteId` (both must exist in
 * Ramp). An accounting vendor already linked — in Ramp or by an earlier manual decision — to
 * another Ramp vendor is refused: Ramp allows one Ramp vendor per accounting vendor (docs/ramp-api.md
 * §9.1), and silently moving a link would re-code that other vendor's bills.
 */
export async function linkVendorByHand(
  deps: VendorReviewDeps & { vendorLinks: ManualVendorLinkStore },
  tenant: TenantConfig,
  link: { rampVendorId: string; accountingVendorRemoteId: string; decidedBy: string; dryRun?: boolean },
): Promise<LinkByHandResult> {
  const rampVendors = await readRampVendors(deps.client);
  const rampVendor = rampVendors.find((v) => v.id === link.rampVendorId);
  if (!rampVendor)
    return {
      ok: false,
      problem: `no Ramp vendor ${link.rampVendorId}`,
      hint: `the ids are listed by: ops vendors unlinked --tenant ${tenant.tenantId}`,
    };
  let accountingVendor: { remoteId: string; name: string } | undefined;
  for await (const v of deps.client.listAccountingVendors({ pageSize: 100 })) {
    if (v.id === link.accountingVendorRemoteId && v.is_active !== false)
      accountingVendor = { remoteId: v.id, name: v.name };
  }
  if (!accountingVendor)
    return {
      ok: false,
      problem: `no active accounting vendor ${link.accountingVendorRemoteId} in Ramp`,
      hint: `push the ERP's vendors first: ops coa-push --tenant ${tenant.tenantId}`,
    };
  const manual = (await deps.vendorLinks.list(tenant.tenantId)) ?? [];
  const holder =
    rampVendors.find(
      (v) => v.id !== rampVendor.id && v.accountingVendorRemoteId === accountingVendor.remoteId,
    )?.id ??
    manual.find(
      (m) => m.rampVendorId !== rampVendor.id && m.accountingVendorRemoteId === accountingVendor.remoteId,
    )?.rampVendorId;
  if (holder)
    return {
      ok: false,
      problem: `accounting vendor ${accountingVendor.remoteId} is already linked to Ramp vendor ${holder}`,
      hint: "unlink that Ramp vendor in Ramp first (Vendors → the vendor → Accounting), then link again",
    };
  const previous = rampVendor.accountingVendorRemoteId;
  if (!link.dryRun) {
    await deps.vendorLinks.put(tenant.tenantId, {
      rampVendorId: rampVendor.id,
      accountingVendorRemoteId: accountingVendor.remoteId,
      decidedBy: link.decidedBy,
    });
    await deps.client.patchVendor(rampVendor.id, { accounting_vendor_remote_id: accountingVendor.remoteId });
  }
  return { ok: true, rampVendor, accountingVendor, previous };
}

/** The tenant's ERP vendors as coa-push desires them (the same remote ids and codes). */
async function erpVendors(deps: VendorReviewDeps, tenant: TenantConfig): Promise<AccountingVendorRef[]> {
  const surface = await deps.erp.readSurface();
  return desiredFromSurface(surface, { scopeToEntities: tenant.companies.length > 1 }).vendors;
}
