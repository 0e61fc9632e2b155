/**
 * The two independent readings of Ramp's contract checked against each other:
 * the client's zod schemas (lib/ramp) must parse every sandbox response they
 * cover, over real HTTP. A field either side got wrong fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRampClient, type RampClient } from "../../lib/ramp/client.js";
import { createMemoryRateLimiter, createMemoryTokenStore } from "../../lib/ramp/memory.js";
import type { RunningSandbox } from "../../local/ramp-sandbox/server.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const isMinor = (m: { minor: number; currency: string }) =>
  Number.isSafeInteger(m.minor) && /^[A-Z]{3}$/.test(m.currency);

describe("Ramp client against the Ramp sandbox", () => {
  let sb: RunningSandbox;
  let ramp: RampClient;

  beforeAll(async () => {
    sb = await startSandbox({
      port: 0,
      seed: 11,
      transactions: 60,
      reimbursements: 20,
      bills: 20,
      transfers: 5,
      cashbacks: 5,
      vendorCredits: 5,
      entities: 2,
      log: () => {},
    });
    ramp = createRampClient({
      tenantId: "t-cross",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
      retry: { maxAttempts: 2 },
    });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("parses the connection lifecycle responses", async () => {
    const before = await ramp.allConnections();
    const created =
      before.find((c) => c.is_active) ??
      (await ramp.createConnection({ remote_provider_name: "Cross Check ERP" }));
    expect(created.id).toBeTruthy();
    const got = await ramp.getConnection(created.id);
    expect(got.id).toBe(created.id);
    const patched = await ramp.updateConnectionSettings(created.id, {
      transaction_sync_button_enabled: true,
    });
    expect(patched.id).toBe(created.id);
    expect((await ramp.allConnections()).some((c) => c.id === created.id)).toBe(true);
  });

  it("parses every chart-of-accounts list, upload, patch and delete", async () => {
    const gl = await ramp.uploadGlAccounts([
      { id: "x:1", name: "Cross Travel", classification: "EXPENSE", code: "9100" },
      { id: "x:2", name: "Cross Meals", classification: "EXPENSE" },
    ]);
    expect(gl.uploaded).toHaveLength(2);
    const accounts = await all(ramp.listGlAccounts({ pageSize: 100 }));
    const travel = accounts.find((a) => a.id === "x:1");
    expect(travel?.name).toBe("Cross Travel");
    await ramp.patchGlAccount(travel!.ramp_id, { name: "Cross Travel & Lodging" });
    await ramp.deleteGlAccount(travel!.ramp_id);
    expect((await ramp.getGlAccount(travel!.ramp_id)).is_active).toBe(false);
    await ramp.patchGlAccount(travel!.ramp_id, { reactivate: true });

    const field = await ramp.createField({
      id: "field:CROSS",
      name: "Cross Dept",
      input_type: "SINGLE_CHOICE",
    });
    const opts = await ramp.uploadFieldOptions(field.ramp_id, [
      { id: "x:o1", value: "Engineering" },
      { id: "x:o2", value: "Sales", code: "S" },
    ]);
    expect(opts.uploaded).toHaveLength(2);
    const options = await all(ramp.listFieldOptions(field.ramp_id));
    expect(options.map((o) => o.id).sort()).toEqual(["x:o1", "x:o2"]);
    await ramp.patchFieldOption(options[0]!.ramp_id, { visibility: "HIDDEN" });
    expect((await ramp.getFieldOption(options[0]!.ramp_id)).visibility).toBe("HIDDEN");
    expect((await all(ramp.listFields())).some((f) => f.id === "field:CROSS")).toBe(true);

    await ramp.uploadAccountingVendors([{ id: "x:v1", name: "Cross Vendor" }]);
    const vendors = await all(ramp.listAccountingVendors());
    const v = vendors.find((x) => x.id === "x:v1");
    expect(v?.name).toBe("Cross Vendor");
    await ramp.patchAccountingVendor(v!.ramp_id, { code: "CV" });

    await ramp.uploadTaxRates([
      { id: "x:t1", name: "Cross 10%", rate: "0.10", accounting_gl_account_id: travel!.ramp_id },
    ]);
    expect((await all(ramp.listTaxRates())).some((r) => r.id === "x:t1")).toBe(true);
    await ramp.createTaxCodeField("Cross Tax Code");
    expect((await ramp.getTaxCodeField()).name).toBe("Cross Tax Code");
    await ramp.uploadTaxCodeOptions([{ id: "x:tc1", name: "Cross 10%", tax_rate_ids: ["x:t1"] }]);
    expect((await all(ramp.listTaxCodeOptions())).some((o) => o.id === "x:tc1")).toBe(true);
  });

  it("parses entities, Ramp vendors and vendor credits into the domain model", async () => {
    const entities = await all(ramp.listEntities());
    expect(entities.length).toBeGreaterThanOrEqual(2);
    const rampVendors = await all(ramp.listVendors());
    expect(rampVendors.length).toBeGreaterThan(0);
    await ramp.patchVendor(rampVendors[0]!.id, { accounting_vendor_remote_id: "x:v1" });
    const credits = await all(ramp.listVendorCredits());
    expect(credits.length).toBeGreaterThan(0);
    for (const c of credits) expect(isMinor(c.amount)).toBe(true);
    expect((await ramp.getVendorCredit(credits[0]!.id)).id).toBe(credits[0]!.id);
  });

  it("parses every syncable object kind, listed and fetched, with integer money", async () => {
    const txs = await all(ramp.listTransactions({ syncStatus: "SYNC_READY", pageSize: 7 }));
    expect(txs.length).toBeGreaterThan(7); // crossed at least one page boundary
    for (const t of txs) {
      expect(isMinor(t.amount)).toBe(true);
      for (const li of t.lineItems) expect(isMinor(li.amount)).toBe(true);
    }
    expect((await ramp.getTransaction(txs[0]!.id)).id).toBe(txs[0]!.id);

    const reimbursements = await all(ramp.listReimbursements({ syncStatus: "SYNC_READY" }));
    expect(reimbursements.length).toBeGreaterThan(0);
    expect((await ramp.getReimbursement(reimbursements[0]!.id)).amount.currency).toMatch(/^[A-Z]{3}$/);

    const transfers = await all(ramp.listTransfers({ syncStatus: "SYNC_READY" }));
    const cashbacks = await all(ramp.listCashbacks({ syncStatus: "SYNC_READY" }));
    expect(transfers.length).toBeGreaterThan(0);
    expect(cashbacks.length).toBeGreaterThan(0);
    expect((await ramp.getTransfer(transfers[0]!.id)).id).toBe(transfers[0]!.id);
    expect((await ramp.getCashback(cashbacks[0]!.id)).id).toBe(cashbacks[0]!.id);

    const bills = await all(ramp.listBills({ syncReady: true }));
    expect(bills.length).toBeGreaterThan(0);
    for (const b of bills) expect(isMinor(b.amount)).toBe(true);
    expect((await ramp.getBill(bills[0]!.id)).id).toBe(bills[0]!.id);

    const entity = (await all(ramp.listEntities()))[0]!;
    const scoped = await all(ramp.listTransactions({ syncStatus: "SYNC_READY", entityId: entity.id }));
    expect(scoped.every((t) => t.entityId === entity.id)).toBe(true);
  });

  it("reports a sync, and reads a replay of the same report as already applied", async () => {
    const [tx] = await all(ramp.listTransactions({ syncStatus: "SYNC_READY", pageSize: 2 }));
    const report = {
      tenantId: "t-cross",
      syncType: "TRANSACTION_SYNC" as const,
      successful: [{ id: tx!.id, reference_id: "ERP-1" }],
      failed: [],
    };
    const [first] = await ramp.reportSyncs(report);
    expect(first?.outcome).toBe("accepted");
    const [again] = await ramp.reportSyncs(report);
    expect(again?.outcome).toBe("already_applied");
    expect((await ramp.getTransaction(tx!.id)).syncStatus).toBe("SYNCED");
  });

  it("parses webhook subscription responses", async () => {
    const created = await ramp.createWebhook({
      endpoint_url: "http://127.0.0.1:9/hook",
      event_types: ["transactions.ready_to_sync"],
    });
    expect(created.secret).toBeTruthy();
    expect((await ramp.listWebhooks()).some((w) => w.id === created.id)).toBe(true);
    expect((await ramp.getWebhook(created.id)).status).toBe("pending_verification");
    await ramp.deleteWebhook(created.id);
  });
});
