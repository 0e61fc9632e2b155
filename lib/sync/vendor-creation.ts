/**
 * Automatic accounting-vendor creation on sync (the guide, docs/ramp-api.md, Guide "Automatic vendor creation": a transaction with
 * `requires_accounting_vendor_creation_to_sync` cannot be marked synced until it
 * carries an accounting vendor). Match first so one merchant does not breed
 * vendors: an accounting vendor Ramp already has for this company with exactly
 * the merchant's name, else an ERP vendor of that name; only then create one in
 * the ERP. Then upload it to Ramp (`POST /accounting/vendors`) and code the
 * transaction with it (`POST /accounting/codings`).
 *
 * One resolver lives for one batch; the lists it matches against live in a VendorCache
 * (vendor-cache.ts) that outlives it — the syncer container's, or a private one per batch when
 * none is given. Concurrent transactions of the same merchant share one lookup/creation (pending
 * within the batch, the cache's `once` across the container's concurrent batches), and the vendors
 * the batch creates go to Ramp together: one upload of up to 500 rather than one per vendor
 * (uploadBatcher below).
 */
import type { TenantConfig } from "../config/tenant.js";
import { resolveCompany } from "../erp/mapping/index.js";
import { type ErpPort, userError } from "../erp/port.js";
import { COA_UPLOAD_MAX, type RampClient } from "../ramp/client.js";
import { RampApiError } from "../ramp/errors.js";
import type { RampTransaction, Selection } from "../ramp/model.js";
import { mapLimit } from "./limit.js";
import { createVendorCache, nameKey, type RampVendorRow, type VendorCache } from "./vendor-cache.js";

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
export const sameName = (a: string, b: string) => nameKey(a) === nameKey(b);

type OnRampCall = ((route: string) => void) | undefined;

/**
 * A batch's new vendors waiting for one upload. A resolver that may upload `enter`s first; the
 * upload goes out once every resolver that entered has either queued its vendor or left without
 * one, and nothing new entered for GRACE_MS — so the transactions of one batch, which reach this
 * point a few store round trips apart, share the call. MAX_WAIT_MS bounds the wait of the first
 * vendor queued when resolutions keep arriving; COA_UPLOAD_MAX (Ramp's batch limit) sends at once.
 */
const GRACE_MS = 25;
const MAX_WAIT_MS = 2_000;

interface Queued {
  vendor: { remoteId: string; name: string };
  entity: string | null;
  done: Promise<string>;
  settle: { resolve: (rampId: string) => void; reject: (err: unknown) => void };
}

function uploadBatcher(ramp: VendorRamp, onRampCall: OnRampCall) {
  let queue = new Map<string, Queued>();
  let inside = 0;
  let grace: ReturnType<typeof setTimeout> | null = null;
  let cap: ReturnType<typeof setTimeout> | null = null;

  const stop = (t: ReturnType<typeof setTimeout> | null) => {
    if (t) clearTimeout(t);
    return null;
  };
  const flush = () => {
    grace = stop(grace);
    cap = stop(cap);
    const batch = [...queue.values()];
    queue = new Map();
    if (!batch.length) return;
    uploadBatch(ramp, onRampCall, batch).catch((err: unknown) => {
      for (const q of batch) q.settle.reject(err);
    });
  };
  const settleLater = () => {
    if (queue.size >= COA_UPLOAD_MAX) return flush();
    if (queue.size === 0 || inside > 0) return;
    grace ??= setTimeout(flush, GRACE_MS);
  };

  return {
    /** A resolution that may upload a vendor started; the returned `leave` is idempotent. */
    enter() {
      inside++;
      grace = stop(grace);
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        inside--;
        settleLater();
      };
      return {
        leave,
        /** Queues the vendor (once per remote id) and leaves; resolves to Ramp's id for it. */
        upload(vendor: { remoteId: string; name: string }, entity: string | null): Promise<string> {
          let q = queue.get(vendor.remoteId);
          if (!q) {
            let settle: Queued["settle"] | undefined;
            const done = new Promise<string>((resolve, reject) => {
              settle = { resolve, reject };
            });
            q = { vendor, entity, done, settle: settle as Queued["settle"] };
            queue.set(vendor.remoteId, q);
            cap ??= setTimeout(flush, MAX_WAIT_MS);
          }
          const { done } = q;
          leave();
          return done;
        },
      };
    },
  };
}

const vendorInput = (q: Pick<Queued, "vendor" | "entity">) => ({
  id: q.vendor.remoteId,
  name: q.vendor.name,
  ...(q.entity ? { entity_remote_ids: [q.entity] } : {}),
});

/** One upload for the whole batch; each waiter gets Ramp's id of its vendor or its own error. */
async function uploadBatch(ramp: VendorRamp, onRampCall: OnRampCall, batch: Queued[]): Promise<void> {
  try {
    onRampCall?.("POST /accounting/vendors");
    const up = await ramp.uploadAccountingVendors(batch.map(vendorInput));
    const rampIds = new Map(up.items.map((v) => [v.id, v.ramp_id]));
    await mapLimit(batch, 4, async (q) => {
      try {
        const rampId =
          rampIds.get(q.vendor.remoteId) ?? (await readBack(ramp, onRampCall, q.vendor.remoteId));
        if (!rampId) throw new Error(`accounting vendor ${q.vendor.remoteId} not found in Ramp after upload`);
        q.settle.resolve(rampId);
      } catch (err) {
        q.settle.reject(err);
      }
    });
  } catch (err) {
    const refused = err instanceof RampApiError && err.isValidation;
    if (!refused || batch.length === 1) {
      // A lone vendor refused: the single-vendor path's read-back, without uploading it again.
      for (const q of batch) {
        if (refused) await settleFromReadBack(ramp, onRampCall, q, err);
        else q.settle.reject(err);
      }
      return;
    }
    // Uploads are all-or-nothing: one vendor another container uploaded meanwhile (or one Ramp
    // refuses for its own reason) refuses the lot. Each vendor goes again on its own, so only
    // the vendor at fault fails.
    await mapLimit(batch, 4, async (q) => {
      try {
        q.settle.resolve(await uploadVendor(ramp, onRampCall, q));
      } catch (e) {
        q.settle.reject(e);
      }
    });
  }
}

async function settleFromReadBack(ramp: VendorRamp, onRampCall: OnRampCall, q: Queued, refused: unknown) {
  try {
    const rampId = await readBack(ramp, onRampCall, q.vendor.remoteId);
    if (rampId) q.settle.resolve(rampId);
    else q.settle.reject(refused);
  } catch (err) {
    q.settle.reject(err);
  }
}

/** Ramp's id of the accounting vendor with this remote id, if Ramp holds one. */
async function readBack(
  ramp: VendorRamp,
  onRampCall: OnRampCall,
  remoteId: string,
): Promise<string | undefined> {
  onRampCall?.("GET /accounting/vendors");
  for await (const v of ramp.listAccountingVendors({ remoteId })) return v.ramp_id;
  return undefined;
}

/**
 * Uploads one ERP vendor to Ramp (scoped to its entity when the tenant has several) and returns
 * Ramp's id for it, read back by remote id when the upload's answer leaves it out.
 */
async function uploadVendor(
  ramp: VendorRamp,
  onRampCall: OnRampCall,
  q: Pick<Queued, "vendor" | "entity">,
): Promise<string> {
  onRampCall?.("POST /accounting/vendors");
  let rampId: string | undefined;
  let refused: unknown = null;
  try {
    const up = await ramp.uploadAccountingVendors([vendorInput(q)]);
    rampId = up.items.find((v) => v.id === q.vendor.remoteId)?.ramp_id;
  } catch (err) {
    // Another syncer invocation (concurrent SQS batches) may have uploaded the same vendor between our
    // lookup and this upload: Ramp refuses a second upload of a remote id. Read back what Ramp holds.
    if (!(err instanceof RampApiError && err.isValidation)) throw err;
    refused = err;
  }
  // Upload answers may omit the created rows: read it back by remote id.
  rampId ??= await readBack(ramp, onRampCall, q.vendor.remoteId);
  if (!rampId && refused) throw refused;
  if (!rampId) throw new Error(`accounting vendor ${q.vendor.remoteId} not found in Ramp after upload`);
  return rampId;
}

/**
 * The vendor selection Ramp's answer to the coding call shows on the transaction, if that answer
 * confirms the coding: it is the transaction, no longer requiring a vendor, coded with this option.
 *
 * Sources: the guide makes the re-fetch optional ("Optional: re-fetch the transaction and confirm
 * requires_accounting_vendor_creation_to_sync is no longer true"); Ramp's answer to
 * `POST /accounting/codings` is undocumented (REFERENCE §11.3 and §17: response [U]; the 2025
 * OpenAPI document has no codings path); the sandbox answers with the coded transaction. So we
 * trust an answer that says so and re-fetch on any other (an empty body, another shape).
 */
function confirmedVendor(answer: RampTransaction | null, txId: string, rampId: string): Selection | null {
  if (!answer || answer.id !== txId || answer.requiresAccountingVendorCreation) return null;
  const all = [...answer.selections, ...answer.lineItems.flatMap((l) => l.selections)];
  return all.find((s) => s.optionRampId === rampId) ?? null;
}

/**
 * The transaction as listed with the confirmed vendor on its header, as Ramp codes it (a selection
 * replaces the one of its field). Only the vendor comes from the answer — the one thing we wrote
 * and the answer confirms; the rest stays the object the claim's fingerprint was taken from.
 */
function codedWith(tx: RampTransaction, vendor: Selection): RampTransaction {
  const sameField = (s: Selection) =>
    s.optionRampId === vendor.optionRampId ||
    (vendor.fieldRampId !== null && s.fieldRampId === vendor.fieldRampId) ||
    (vendor.type !== null && vendor.type !== "OTHER" && s.type === vendor.type);
  return {
    ...tx,
    requiresAccountingVendorCreation: false,
    selections: [...tx.selections.filter((s) => !sameField(s)), vendor],
  };
}

export function createVendorResolver(deps: {
  tenant: TenantConfig;
  ramp: VendorRamp;
  erp: Pick<ErpPort, "readSurface" | "createVendor">;
  onRampCall?: (route: string) => void;
  /** Lists kept across batches (the syncer container's); absent = this batch only. */
  cache?: VendorCache;
}) {
  const { tenant, ramp, erp, onRampCall } = deps;
  const lists = (deps.cache ?? createVendorCache()).forTenant(tenant);
  const pending = new Map<string, Promise<VendorResolution>>();
  const uploads = uploadBatcher(ramp, onRampCall);
  const multiCompany = tenant.companies.length > 1;

  const readRamp = async (): Promise<RampVendorRow[]> => {
    onRampCall?.("GET /accounting/vendors");
    const out: RampVendorRow[] = [];
    for await (const v of ramp.listAccountingVendors({ isActive: true }))
      out.push({ remoteId: v.id, rampId: v.ramp_id, name: v.name });
    return out;
  };
  const readErp = async () => (await erp.readSurface()).vendors.filter((v) => v.active);

  async function resolve(companyKey: string, name: string): Promise<VendorResolution> {
    const inCompany = (r: { remoteId: string }) => r.remoteId.startsWith(`${companyKey}:`);
    const ticket = uploads.enter();
    try {
      const known = await lists.ramp.find(name, inCompany, readRamp);
      if (known) return { remoteId: known.remoteId, rampId: known.rampId, how: "ramp-match" };

      const existing = await lists.erp.find(name, (v) => v.companyKey === companyKey, readErp);
      const vendor = existing ?? (await erp.createVendor({ companyKey, name }));
      // Under the merchant's name too: the ERP may spell the vendor otherwise (journal payee rules).
      if (!existing) lists.erp.add([name, vendor.name], vendor);
      const rampId = await ticket.upload(vendor, multiCompany ? companyKey : null);
      lists.ramp.add([name, vendor.name], { remoteId: vendor.remoteId, rampId, name: vendor.name });
      return { remoteId: vendor.remoteId, rampId, how: existing ? "erp-match" : "created" };
    } finally {
      ticket.leave();
    }
  }

  return {
    /**
     * Gives the transaction an accounting vendor in Ramp and returns it coded (from Ramp's
     * answer when that confirms the coding, else re-fetched) with the vendor's remote id.
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
      const key = `${company.key}\u0000${nameKey(name)}`;
      let p = pending.get(key);
      if (!p) {
        p = lists.once(key, () => resolve(company.key, name));
        pending.set(key, p);
        // A failed lookup must not poison the rest of the batch.
        p.catch(() => pending.delete(key));
      }
      const vendor = await p;
      onRampCall?.("POST /accounting/codings");
      let answer: RampTransaction | null;
      try {
        answer = await ramp.setTransactionCoding(tx.id, [{ accounting_field_option_id: vendor.rampId }]);
      } catch (err) {
        // Ramp refused the option (deactivated, or another connection's since we cached it): the
        // retry must look the vendor up afresh, not code with the same id again.
        if (err instanceof RampApiError && err.isValidation) {
          lists.ramp.forget((r) => r.rampId === vendor.rampId);
          pending.delete(key);
        }
        throw err;
      }
      const confirmed = confirmedVendor(answer, tx.id, vendor.rampId);
      if (confirmed) return { transaction: codedWith(tx, confirmed), vendor };
      onRampCall?.("GET /transactions/{id}");
      const transaction = await ramp.getTransaction(tx.id);
      if (transaction.requiresAccountingVendorCreation) {
        throw new Error(`transaction ${tx.id} still requires a vendor after coding it with ${vendor.rampId}`);
      }
      return { transaction, vendor };
    },
  };
}

export type VendorResolver = ReturnType<typeof createVendorResolver>;
