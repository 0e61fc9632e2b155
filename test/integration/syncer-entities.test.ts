/**
 * Entity → ERP company over the real wires (sandbox HTTP, DynamoDB Local,
 * journal ERP). The sandbox's spend carries `entity_id`; a tenant with one
 * company and no entity map posts every entity's objects to that company; a
 * tenant with two companies fails the objects of an entity it did not map —
 * those alone — with a message naming the entity (id and Ramp name) and the fix.
 */
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const small = { transactions: 8, reimbursements: 2, transfers: 1, cashbacks: 1, vendorlessShare: 0 };
const sweep = async (s: ReturnType<Harness["syncer"]>) =>
  sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());

describe("entities and ERP companies", () => {
  it("a one-company tenant without an entity map syncs every entity's objects to its company", async () => {
    h = await syncerHarness({ ...small, singleCompany: true, currencies: ["USD"], entities: 2 });
    expect(h.tenant.companies.map((c) => c.key)).toEqual(["demo"]);
    expect(h.tenant.entities).toEqual([]);
    const items = await h.ready();
    // Entity-scoped objects, from both of the business's entities.
    const entityIds = new Set(items.map((i) => i.entityId));
    expect(entityIds.has(null)).toBe(false);
    expect(entityIds.size).toBe(2);
    const s = h.syncer();
    await s.processMessages(asRecords(items));
    await sweep(s);
    const refs = await h.journalRefs();
    for (const it of items) {
      expect(await h.store.ledger.get(TENANT, it.kind, it.rampId)).toMatchObject({ state: "MARKED" });
      expect(refs.get(externalRef(it.kind, it.rampId))).toBe(1);
      expect((await h.object(it.rampId)).sync.status).toBe("SYNCED");
    }
  });

  it("a two-company tenant fails an unmapped entity's objects alone, naming the entity and the fix", async () => {
    // Three entities: USD → demo, EUR → demo-eu, the third (USD again) in no map.
    h = await syncerHarness({ ...small, transactions: 14, entities: 3 });
    expect(h.tenant.companies).toHaveLength(2);
    const mapped = new Set(h.tenant.entities.map((e) => e.rampEntityId));
    const stray = h.entities.find((e) => !mapped.has(e.id));
    if (!stray) throw new Error("the sandbox seeded no third entity");
    const items = await h.ready();
    const victims = items.filter((i) => i.entityId === stray.id);
    const others = items.filter((i) => i.entityId !== stray.id);
    expect(victims.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    const s = h.syncer();
    await s.processMessages(asRecords(items));
    await sweep(s);
    const message =
      `Ramp entity ${stray.id} (${stray.entity_name}) is not linked to an ERP company. ` +
      `Link entity ${stray.id} to one of this business's ERP companies (demo, demo-eu) in the integration ` +
      `settings — the tenant's "entities" setting; ramp-erp-sync tenants show lists the entities and ` +
      "companies — then retry.";
    for (const v of victims) {
      const row = await h.store.ledger.get(TENANT, v.kind, v.rampId);
      expect(row).toMatchObject({ state: "FAILED", category: "user_actionable", told: true });
      expect((await h.object(v.rampId)).sync.last_error).toBe(message);
    }
    for (const o of others) {
      expect((await h.object(o.rampId)).sync.status).toBe("SYNCED");
    }
    expect((await h.journalRefs()).size).toBe(others.length);
  });
});
