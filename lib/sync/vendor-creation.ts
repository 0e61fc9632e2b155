/**
 * Automatic accounting-vendor creation on sync (the guide, docs/ramp-api.md, Guide "Automatic vendor creation": a transaction with
 * `requires_accounting_vendor_creation_to_sync` cannot be marked synced until it
 * carries an accounting vendor). Match first so one merchant does not breed
 * vendors: an accounting vendor Ramp already has for this company with exactly
 * the merchant's name, else an ERP vendor of that name; only then create one in
 * the ERP. Then upload it to Ramp (`POST /accounting/vendors`), code the
 * transaction with it (`POST /accounting/codings`) and re-fetch to confirm.
 *
 * One resolver lives for one batch: concurrent transactions of the same
 * merchant share one lookup/creation (the ERP's createVendor is idempotent by
 * name anyway, but the Ramp upload is not free).
 */
import type { TenantConfig } from "../config/tenant.js";
import { resolveCompany } from "../erp/mapping/index.js";
import { type ErpPort, userError } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import { RampApiError } from "../ramp/errors.js";
import type { RampTransaction } from "../ramp/model.js";

export type VendorRamp = Pick<
  RampClient,
  "listAccountingVendors" | "uploadAccountingVendors" | "setTransactionCoding" | "getTransaction"
>;

export interface VendorResolution {
  /** The ERP vendor's remote id (`<company key>:<ERP id>`). */
  remoteId: string;
  /** Ramp's id of the accounting vendor (the option the transaction is coded with). */
  rampId: string;
  how: "ramp-match" | "erp-match" | "created";
}

/** Exact name match, ignoring case and surrounding/duplicate spaces only. */
export const sameName = (a: string, b: string) => norm(a) === norm(b);
const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();

export function createVendorResolver(deps: {
  tenant: TenantConfig;
  ramp: VendorRamp;
  erp: Pick<ErpPort, "readSurface" | "createVendor">;
  onRampCall?: (route: string) => void;
}) {
  const { tenant, ramp, erp } = deps;
  const pending = new Map<string, Promise<VendorResolution>>();
  let rampVendors: Promise<Array<{ id: string; ramp_id: string; name: string }>> | null = null;
  let erpVendors: Promise<Array<{ remoteId: string; companyKey: string; name: string }>> | null = null;
  const multiCompany = tenant.companies.length > 1;

  const listRamp = () => {
    rampVendors ??= (async () => {
      deps.onRampCall?.("GET /accounting/vendors");
      const out: Array<{ id: string; ramp_id: string; name: string }> = [];
      for await (const v of ramp.listAccountingVendors({ isActive: true })) out.push(v);
      return out;
    })();
    return rampVendors;
  };
  const listErp = () => {
    erpVendors ??= erp.readSurface().then((s) => s.vendors.filter((v) => v.active));
    return erpVendors;
  };

  async function resolve(companyKey: string, name: string): Promise<VendorResolution> {
    const inCompany = (remoteId: string) => remoteId.startsWith(`${companyKey}:`);
    const known = (await listRamp()).find((v) => inCompany(v.id) && sameName(v.name, name));
    if (known) return { remoteId: known.id, rampId: known.ramp_id, how: "ramp-match" };

    const existing = (await listErp()).find((v) => v.companyKey === companyKey && sameName(v.name, name));
    const vendor = existing ?? (await erp.createVendor({ companyKey, name }));
    const rampId = await uploadVendor(deps, vendor, multiCompany ? companyKey : null);
    return { remoteId: vendor.remoteId, rampId, how: existing ? "erp-match" : "created" };
  }

  return {
    /**
     * Gives the transaction an accounting vendor in Ramp and returns the
     * re-fetched transaction (now coded) with the vendor's remote id.
     */
    async ensureVendor(
      tx: RampTransaction,
    ): Promise<{ transaction: RampTransaction; vendor: VendorResolution }> {
      const company = resolveCompany(tenant, tx.entityId);
      const name = tx.merchantName?.trim();
      if (!name) {
        throw userError(
          "UNKNOWN_VENDOR",
          "Transaction has no merchant name to create a vendor from",
          "Select an accounting vendor on the transaction in Ramp, then retry.",
        );
      }
      const key = `${company.key}\u0000${norm(name)}`;
      let p = pending.get(key);
      if (!p) {
        p = resolve(company.key, name);
        pending.set(key, p);
        // A failed lookup must not poison the rest of the batch.
        p.catch(() => pending.delete(key));
      }
      const vendor = await p;
      deps.onRampCall?.("POST /accounting/codings");
      await ramp.setTransactionCoding(tx.id, [{ accounting_field_option_id: vendor.rampId }]);
      deps.onRampCall?.("GET /transactions/{id}");
      const transaction = await ramp.getTransaction(tx.id);
      if (transaction.requiresAccountingVendorCreation) {
        throw new Error(`transaction ${tx.id} still requires a vendor after coding it with ${vendor.rampId}`);
      }
      return { transaction, vendor };
    },
  };
}

export type VendorResolver = ReturnType<typeof createVendorResolver>;

/**
 * Uploads the ERP vendor to Ramp (scoped to its entity when the tenant has several) and returns
 * Ramp's id for it, read back by remote id when the upload's answer leaves it out.
 */
async function uploadVendor(
  deps: { ramp: VendorRamp; onRampCall?: (route: string) => void },
  vendor: { remoteId: string; name: string },
  entity: string | null,
): Promise<string> {
  const { ramp } = deps;
  deps.onRampCall?.("POST /accounting/vendors");
  let rampId: string | undefined;
  let refused: unknown = null;
  try {
    const up = await ramp.uploadAccountingVendors([
      { id: vendor.remoteId, name: vendor.name, ...(entity ? { entity_remote_ids: [entity] } : {}) },
    ]);
    rampId = up.items.find((v) => v.id === vendor.remoteId)?.ramp_id;
  } catch (err) {
    // Another syncer invocation (concurrent SQS batches) may have uploaded the same vendor between our
    // lookup and this upload: Ramp refuses a second upload of a remote id. Read back what Ramp holds.
    if (!(err instanceof RampApiError && err.isValidation)) throw err;
    refused = err;
  }
  if (!rampId) {
    // Upload answers may omit the created rows: read it back by remote id.
    deps.onRampCall?.("GET /accounting/vendors");
    for await (const v of ramp.listAccountingVendors({ remoteId: vendor.remoteId })) {
      rampId = v.ramp_id;
      break;
    }
  }
  if (!rampId && refused) throw refused;
  if (!rampId) throw new Error(`accounting vendor ${vendor.remoteId} not found in Ramp after upload`);
  return rampId;
}
