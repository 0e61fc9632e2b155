/**
 * Vendor creation on sync with the container's vendor cache (lib/sync/vendor-cache.ts,
 * vendor-creation.ts; issue #15): an in-memory Ramp that counts its calls by route and an ERP
 * whose createVendor is idempotent by name, as the port says. The lists are read once and kept
 * across batches; a miss re-reads once; what a batch creates is found by the next one without a
 * list; a batch's new vendors go up in one upload; a coding answer that confirms the vendor saves
 * the re-fetch; failures leave nothing behind.
 */
import { describe, expect, it } from "vitest";
import type { TenantConfig } from "../../../lib/config/tenant.js";
import type { CodingSurface, ErpVendor } from "../../../lib/erp/port.js";
import { RampApiError } from "../../../lib/ramp/errors.js";
import type { RampTransaction, Selection } from "../../../lib/ramp/model.js";
import { createVendorCache, VENDOR_CACHE_DEFAULTS } from "../../../lib/sync/vendor-cache.js";
import { createVendorResolver, type VendorRamp } from "../../../lib/sync/vendor-creation.js";
import { ENTITY_US, tenant as tenantFixture } from "../mapping-fixtures.js";
import { T0, tx, world } from "./world.js";

const VENDOR_FIELD = "ramp-field-vendors";

interface Row {
  id: string;
  ramp_id: string;
  name: string;
  is_active: boolean;
}

/** Ramp's accounting vendors, codings and transaction reads, counted by route. */
function vendorRamp() {
  const vendors = new Map<string, Row>();
  const objects = new Map<string, RampTransaction>();
  const calls: Record<string, number> = {};
  const count = (route: string) => {
    calls[route] = (calls[route] ?? 0) + 1;
  };
  let seq = 0;
  const failNext: Partial<Record<"list" | "upload", unknown>> = {};
  const state = {
    vendors,
    objects,
    calls,
    failNext,
    /** What the coding call answers: the coded transaction (the sandbox) or nothing (confirm by re-fetch). */
    codingAnswer: "transaction" as "transaction" | "empty",
    /** Someone else (another container, coa-push) puts a vendor in Ramp. */
    plant(remoteId: string, name: string) {
      const row = { id: remoteId, ramp_id: `rv-${++seq}`, name, is_active: true };
      vendors.set(remoteId, row);
      return row;
    },
  };
  const selectionOf = (v: Row): Selection => ({
    optionRampId: v.ramp_id,
    optionRemoteId: v.id,
    optionName: v.name,
    optionCode: v.id,
    fieldRampId: VENDOR_FIELD,
    fieldRemoteId: "vendors",
    fieldName: "Vendor",
    type: "MERCHANT",
  });
  const ramp: VendorRamp = {
    async *listAccountingVendors(filter = {}) {
      count(filter.remoteId ? "GET /accounting/vendors?remote_id" : "GET /accounting/vendors");
      const fail = failNext.list;
      if (fail) {
        delete failNext.list;
        throw fail;
      }
      for (const v of [...vendors.values()]) {
        if (filter.remoteId && v.id !== filter.remoteId) continue;
        if (filter.isActive !== undefined && v.is_active !== filter.isActive) continue;
        yield { ...v, code: null, is_synced: true } as never;
      }
    },
    async uploadAccountingVendors(items) {
      count("POST /accounting/vendors");
      const fail = failNext.upload;
      if (fail) {
        delete failNext.upload;
        throw fail;
      }
      // All-or-nothing, and a remote id Ramp already holds is refused (docs/ramp-api.md §7).
      if (items.some((i) => vendors.has(i.id)))
        throw new RampApiError(
          422,
          "DEVELOPER_7001",
          "duplicate",
          null,
          null,
          "POST",
          "/accounting/vendors",
          {},
        );
      const rows = items.map((i) => state.plant(i.id, i.name));
      return { items: rows as never[], uploaded: rows.map((r) => r.ramp_id) };
    },
    async setTransactionCoding(id, selections) {
      count("POST /accounting/codings");
      const t = objects.get(id);
      const v = [...vendors.values()].find((x) => x.ramp_id === selections[0]?.accounting_field_option_id);
      if (!t || !v) throw new RampApiError(422, null, "unknown option", null, null, "POST", "/codings", {});
      const coded = {
        ...t,
        requiresAccountingVendorCreation: false,
        selections: [...t.selections, selectionOf(v)],
      };
      objects.set(id, coded);
      return state.codingAnswer === "transaction" ? structuredClone(coded) : null;
    },
    async getTransaction(id) {
      count("GET /transactions/{id}");
      const t = objects.get(id);
      if (!t) throw new Error(`no transaction ${id}`);
      return structuredClone(t);
    },
  };
  return Object.assign(state, { ramp });
}

/** The ERP's vendors: readSurface counted, createVendor idempotent by exact name (ErpPort). */
function vendorErp() {
  const vendors: ErpVendor[] = [];
  const calls = { readSurface: 0, createVendor: 0 };
  const failNext: { readSurface?: unknown } = {};
  return {
    vendors,
    calls,
    failNext,
    erp: {
      async readSurface() {
        calls.readSurface++;
        const fail = failNext.readSurface;
        if (fail) {
          delete failNext.readSurface;
          throw fail;
        }
        return { vendors: structuredClone(vendors) } as unknown as CodingSurface;
      },
      async createVendor(input: { companyKey: string; name: string }) {
        calls.createVendor++;
        const found = vendors.find((v) => v.companyKey === input.companyKey && v.name === input.name);
        if (found) return found;
        const v = {
          remoteId: `${input.companyKey}:V-${vendors.length + 1}`,
          ...input,
          code: null,
          active: true,
        };
        vendors.push(v);
        return v;
      },
    },
  };
}

/** A transaction Ramp holds that needs a vendor, for this merchant. */
function vendorless(r: ReturnType<typeof vendorRamp>, merchantName: string): RampTransaction {
  const t = tx({ merchantName, entityId: ENTITY_US, requiresAccountingVendorCreation: true });
  r.objects.set(t.id, structuredClone(t));
  return t;
}

function setup(opts: { clock?: { now: number }; tenant?: TenantConfig } = {}) {
  const clock = opts.clock ?? { now: T0 };
  const r = vendorRamp();
  const e = vendorErp();
  const cache = createVendorCache({ clock: () => clock.now });
  const tenant = opts.tenant ?? tenantFixture();
  /** One batch's resolver over the shared cache. */
  const batch = () => createVendorResolver({ tenant, ramp: r.ramp, erp: e.erp, cache });
  const lists = () => r.calls["GET /accounting/vendors"] ?? 0;
  const uploads = () => r.calls["POST /accounting/vendors"] ?? 0;
  return { clock, r, e, cache, tenant, batch, lists, uploads };
}

describe("the vendor cache across batches", () => {
  it("two batches of the same tenant list Ramp's vendors once", async () => {
    const s = setup();
    s.r.plant("us:V-100", "Northwind Cloud");
    const one = await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    s.clock.now += 30_000;
    const two = await s.batch().ensureVendor(vendorless(s.r, "northwind  cloud "));
    expect([one.vendor.how, two.vendor.how]).toEqual(["ramp-match", "ramp-match"]);
    expect(two.vendor.remoteId).toBe("us:V-100");
    expect(s.lists()).toBe(1);
    expect(s.e.calls).toEqual({ readSurface: 0, createVendor: 0 });
  });

  it("the same holds through the syncer: the container's cache outlives its batches", async () => {
    const w = world();
    const r = vendorRamp();
    const e = vendorErp();
    r.plant("us:V-100", "Northwind Cloud");
    const ramp = Object.assign(w.ramp, r.ramp);
    Object.assign(w.erp, e.erp);
    const vendorCache = createVendorCache({ clock: () => w.clock.now });
    const item = (name: string) => {
      const t = tx({ merchantName: name, requiresAccountingVendorCreation: true });
      r.objects.set(t.id, structuredClone(t));
      return w.item("transaction", t);
    };
    for (const batch of [
      [item("Northwind Cloud"), item("Globex")],
      [item("Northwind Cloud"), item("Globex")],
    ]) {
      const syncer = w.syncer("w1", { vendorCache, runtimeFor: async () => ({ ...w.rt, ramp }) });
      const { outcomes } = await syncer.processItems(batch);
      expect(outcomes.map((o) => o.status)).toEqual(["posted", "posted"]);
    }
    expect(r.calls).toEqual({
      "GET /accounting/vendors": 1,
      "POST /accounting/vendors": 1,
      "POST /accounting/codings": 4,
    });
    expect(e.calls).toEqual({ readSurface: 1, createVendor: 1 });
    // What was posted carries the vendor (the posting reads it from the coded header).
    expect(w.erp.records).toHaveLength(4);
  });

  it("a miss re-reads the list once (another container may have uploaded it) before creating", async () => {
    const s = setup();
    s.r.plant("us:V-100", "Northwind Cloud");
    await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    expect(s.lists()).toBe(1);
    s.clock.now += VENDOR_CACHE_DEFAULTS.refreshAfterMs;
    s.r.plant("us:V-200", "Fabrikam");
    const b = s.batch();
    const found = await b.ensureVendor(vendorless(s.r, "Fabrikam"));
    expect(found.vendor).toMatchObject({ remoteId: "us:V-200", how: "ramp-match" });
    expect(s.lists()).toBe(2);
    // A second miss right after: the list is fresh, so it stands and the vendor is created.
    const created = await b.ensureVendor(vendorless(s.r, "Initech"));
    expect(created.vendor.how).toBe("created");
    expect(s.lists()).toBe(2);
    expect(s.uploads()).toBe(1);
    expect(s.e.calls.createVendor).toBe(1);
  });

  it("a miss on a list read moments ago does not re-read it", async () => {
    const s = setup();
    await s.batch().ensureVendor(vendorless(s.r, "Globex"));
    s.clock.now += 5_000;
    await s.batch().ensureVendor(vendorless(s.r, "Initech"));
    expect(s.lists()).toBe(1);
    expect(s.e.calls.readSurface).toBe(1);
  });

  it("a vendor a batch created is found by the next batch without a list or an upload", async () => {
    const s = setup();
    const first = await s.batch().ensureVendor(vendorless(s.r, "Globex"));
    expect(first.vendor.how).toBe("created");
    expect([s.lists(), s.uploads(), s.e.calls.readSurface]).toEqual([1, 1, 1]);
    // Long after, past the refresh floor but within the age bound: still no list.
    s.clock.now += VENDOR_CACHE_DEFAULTS.refreshAfterMs * 5;
    const next = await s.batch().ensureVendor(vendorless(s.r, "Globex"));
    expect(next.vendor).toMatchObject({ remoteId: first.vendor.remoteId, how: "ramp-match" });
    expect([s.lists(), s.uploads(), s.e.calls.readSurface, s.e.calls.createVendor]).toEqual([1, 1, 1, 1]);
  });

  it("concurrent batches of one container create and upload a new merchant's vendor once", async () => {
    const s = setup();
    const [a, b] = await Promise.all([
      s.batch().ensureVendor(vendorless(s.r, "Globex")),
      s.batch().ensureVendor(vendorless(s.r, "Globex")),
    ]);
    expect(b.vendor).toEqual(a.vendor);
    expect([s.lists(), s.uploads(), s.e.calls.createVendor]).toEqual([1, 1, 1]);
    expect(s.r.calls["POST /accounting/codings"]).toBe(2);
  });

  it("lists older than the age bound are read again, hits included", async () => {
    const s = setup();
    s.r.plant("us:V-100", "Northwind Cloud");
    await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    s.clock.now += VENDOR_CACHE_DEFAULTS.maxAgeMs;
    // Renamed in Ramp meanwhile (coa-push): the old name must not be served from memory forever.
    (s.r.vendors.get("us:V-100") as Row).name = "Northwind Cloud Ltd";
    const r = await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    expect(s.lists()).toBe(2);
    expect(r.vendor.how).toBe("created");
  });

  it("a tenant whose config version changed starts with empty lists", async () => {
    const s = setup();
    s.r.plant("us:V-100", "Northwind Cloud");
    await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    const bumped = { ...s.tenant, version: s.tenant.version + 1 };
    await createVendorResolver({ tenant: bumped, ramp: s.r.ramp, erp: s.e.erp, cache: s.cache }).ensureVendor(
      vendorless(s.r, "Northwind Cloud"),
    );
    expect(s.lists()).toBe(2);
  });

  it("keeps at most maxEntries names per list: an evicted name is a miss, never a wrong answer", async () => {
    const clock = { now: T0 };
    const cache = createVendorCache({ clock: () => clock.now, maxEntries: 2 });
    const list = cache.forTenant({ tenantId: "t", version: 0 }).ramp;
    const rows = ["A", "B", "C"].map((n, i) => ({ remoteId: `us:${i}`, rampId: `r${i}`, name: n }));
    let reads = 0;
    const read = async () => {
      reads++;
      return rows;
    };
    const any = () => true;
    expect(await list.find("C", any, read)).toMatchObject({ rampId: "r2" });
    expect(await list.find("B", any, read)).toMatchObject({ rampId: "r1" });
    // "A" was the oldest of three: it was not kept, and the fresh list is not re-read for it.
    expect(await list.find("A", any, read)).toBeUndefined();
    expect(reads).toBe(1);
  });
});

describe("one batch's vendor work", () => {
  it("100 transactions of 20 merchants: ≤ 1 list, 1 upload, 100 codings, 0 re-fetches", async () => {
    const s = setup();
    const merchants = Array.from({ length: 20 }, (_, i) => `Merchant ${i}`);
    s.r.plant("us:V-900", "Merchant 0"); // one Ramp already has
    const txs = Array.from({ length: 100 }, (_, i) => vendorless(s.r, merchants[i % 20] as string));
    const b = s.batch();
    const done = await Promise.all(txs.map((t) => b.ensureVendor(t)));
    expect(s.r.calls).toEqual({
      "GET /accounting/vendors": 1,
      "POST /accounting/vendors": 1,
      "POST /accounting/codings": 100,
    });
    expect(s.e.calls).toEqual({ readSurface: 1, createVendor: 19 });
    // Each comes back coded from the answer, as the normaliser would read it after a re-fetch.
    for (const [k, d] of done.entries()) {
      const t = txs[k] as RampTransaction;
      expect(d.transaction.requiresAccountingVendorCreation).toBe(false);
      expect(d.transaction.selections.filter((x) => x.type === "MERCHANT")).toEqual([
        expect.objectContaining({ optionRampId: d.vendor.rampId, optionRemoteId: d.vendor.remoteId }),
      ]);
      expect({ ...d.transaction, selections: [], requiresAccountingVendorCreation: true }).toEqual({
        ...t,
        selections: [],
      });
    }
    expect(new Set(done.map((d) => d.vendor.remoteId)).size).toBe(20);
  });

  it("re-fetches the transaction when the coding answer does not confirm the vendor", async () => {
    const s = setup();
    s.r.codingAnswer = "empty";
    const t = vendorless(s.r, "Globex");
    const r = await s.batch().ensureVendor(t);
    expect(s.r.calls["GET /transactions/{id}"]).toBe(1);
    expect(r.transaction.requiresAccountingVendorCreation).toBe(false);
  });

  it("an upload refused for one vendor someone else uploaded meanwhile still gives every vendor its id", async () => {
    const s = setup();
    const b = s.batch();
    const t1 = vendorless(s.r, "Globex");
    const t2 = vendorless(s.r, "Initech");
    // The ERP already holds Globex (the lists are read first) and another container uploads it
    // between our list and our upload: the batch upload is refused as a whole.
    s.e.vendors.push({ remoteId: "us:V-77", companyKey: "us", name: "Globex", code: null, active: true });
    const uploadsBefore = s.r.ramp.uploadAccountingVendors;
    s.r.ramp.uploadAccountingVendors = async (items) => {
      if (!s.r.vendors.has("us:V-77")) s.r.plant("us:V-77", "Globex");
      return uploadsBefore(items);
    };
    const [a, c] = await Promise.all([b.ensureVendor(t1), b.ensureVendor(t2)]);
    expect(a.vendor).toMatchObject({ remoteId: "us:V-77", how: "erp-match" });
    expect(c.vendor.how).toBe("created");
    expect(a.vendor.rampId).toBe(s.r.vendors.get("us:V-77")?.ramp_id);
    // The refused pair, then each on its own (Globex refused → read back by remote id).
    expect(s.uploads()).toBe(3);
    expect(s.r.calls["GET /accounting/vendors?remote_id"]).toBe(1);
  });
});

describe("failures do not poison the cache", () => {
  it("a failed Ramp list fails its lookups; the next lookup reads again and is cached", async () => {
    const s = setup();
    s.r.plant("us:V-100", "Northwind Cloud");
    s.r.failNext.list = new Error("Ramp unavailable");
    await expect(s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"))).rejects.toThrow(
      "Ramp unavailable",
    );
    const ok = await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    expect(ok.vendor.how).toBe("ramp-match");
    await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    expect(s.lists()).toBe(2);
    expect(s.uploads()).toBe(0);
  });

  it("a failed ERP read or upload leaves no entry behind: the retry creates and uploads it", async () => {
    const s = setup();
    s.e.failNext.readSurface = new Error("ERP down");
    const b = s.batch();
    await expect(b.ensureVendor(vendorless(s.r, "Globex"))).rejects.toThrow("ERP down");
    s.r.failNext.upload = new RampApiError(503, null, "busy", null, null, "POST", "/accounting/vendors", {});
    // Same batch, same merchant: the failed lookup left the pending map too.
    await expect(b.ensureVendor(vendorless(s.r, "Globex"))).rejects.toThrow(RampApiError);
    const r = await s.batch().ensureVendor(vendorless(s.r, "Globex"));
    expect(r.vendor).toMatchObject({ remoteId: "us:V-1", how: "erp-match" });
    expect(s.r.vendors.get("us:V-1")?.ramp_id).toBe(r.vendor.rampId);
    // One ERP vendor for the merchant (idempotent create), one Ramp vendor.
    expect(s.e.vendors).toHaveLength(1);
    expect(s.r.vendors.size).toBe(1);
  });

  it("a vendor Ramp refuses to code with is forgotten, so the retry looks it up afresh", async () => {
    const s = setup();
    const row = s.r.plant("us:V-100", "Northwind Cloud");
    await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    // Deactivated and replaced in Ramp (e.g. a reconnect re-uploaded the chart under new ids).
    s.r.vendors.delete("us:V-100");
    s.clock.now += VENDOR_CACHE_DEFAULTS.refreshAfterMs;
    await expect(s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"))).rejects.toThrow(RampApiError);
    const fresh = s.r.plant("us:V-100", "Northwind Cloud");
    const r = await s.batch().ensureVendor(vendorless(s.r, "Northwind Cloud"));
    expect(r.vendor.rampId).toBe(fresh.ramp_id);
    expect(r.vendor.rampId).not.toBe(row.ramp_id);
  });
});
