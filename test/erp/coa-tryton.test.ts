/**
 * coa-push of the live Tryton chart (both companies) into a fresh Ramp sandbox,
 * over real HTTP on both sides: every active account, department, vendor and
 * tax lands with the right remote id, entity scope and Ramp-side links; a second
 * push makes no write call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CoaPushResult, pushCoa } from "../../lib/coa/push.js";
import type { TenantConfig } from "../../lib/config/tenant.js";
import type { CodingSurface } from "../../lib/erp/port.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import type { GlAccount } from "../../lib/ramp/index.js";
import { type SandboxRamp, sandboxRamp } from "../integration/coa-harness.js";
import { liveTenantConfig } from "./support/live-tenant.js";
import { connectLive, type Live } from "./support/tryton-live.js";

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

let live: Live;
let erp: TrytonErp;
let r: SandboxRamp;
let tenant: TenantConfig;
let surface: CodingSurface;
let first: CoaPushResult;

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  r = await sandboxRamp();
  tenant = liveTenantConfig([live.us, live.eu]);
  surface = await erp.readSurface();
  first = await pushCoa({ client: r.client, erp }, { tenant });
}, 120_000);
afterAll(async () => {
  await erp?.close();
  await r?.close();
});

describe("coa-push of the Tryton chart", () => {
  it("lands every active GL account with its remote id, code, class and company scope", async () => {
    const gl = await collect(r.client.listGlAccounts({ isActive: true }));
    const active = surface.glAccounts.filter((a) => a.active);
    expect(active.length).toBeGreaterThan(10);
    expect(gl.map((a) => a.id).sort()).toEqual(active.map((a) => a.remoteId).sort());
    const byId = new Map(gl.map((a) => [a.id, a]));
    for (const a of active) {
      expect(byId.get(a.remoteId)).toMatchObject({
        name: a.name,
        classification: a.classification,
        entity_remote_ids: [a.companyKey],
        ...(a.code ? { code: a.code } : {}),
      });
    }
    for (const c of [live.us, live.eu]) {
      expect(byId.get(c.account("6100"))).toMatchObject({ name: "Travel", code: "6100" });
      expect(byId.has(c.account("6999"))).toBe(false);
    }
  });

  it("lands the departments as options of one field, scoped per company", async () => {
    const fields = await collect(r.client.listFields());
    const dept = fields.find((f) => f.id === "field:DEPT");
    expect(dept?.name).toBe("Departments");
    const options = await collect(r.client.listFieldOptions(dept?.ramp_id ?? "", { isActive: true }));
    const want =
      surface.fields.find((f) => f.remoteId === "field:DEPT")?.options.filter((o) => o.active) ?? [];
    expect(options.map((o) => o.id).sort()).toEqual(want.map((o) => o.remoteId).sort());
    for (const c of [live.us, live.eu]) {
      expect(options.find((o) => o.id === c.dept("ENG"))).toMatchObject({
        value: "Engineering",
        entity_remote_ids: [c.key],
      });
    }
  });

  it("lands every active vendor", async () => {
    const vendors = await collect(r.client.listAccountingVendors());
    const active = surface.vendors.filter((v) => v.active);
    expect(vendors.map((v) => v.id).sort()).toEqual(active.map((v) => v.remoteId).sort());
    for (const c of [live.us, live.eu]) expect(vendors.some((v) => v.id === c.vendor)).toBe(true);
  });

  it("lands tax rates on their GL account's Ramp id, then the tax-code field, then the codes", async () => {
    const gl = new Map((await collect(r.client.listGlAccounts())).map((a: GlAccount) => [a.id, a.ramp_id]));
    const rates = await collect(r.client.listTaxRates());
    const activeRates = surface.taxRates.filter((t) => t.active && t.glAccountRemoteId);
    expect(activeRates.length).toBeGreaterThan(0);
    expect(rates.map((t) => t.id).sort()).toEqual(activeRates.map((t) => t.remoteId).sort());
    for (const t of activeRates) {
      expect(rates.find((x) => x.id === t.remoteId)?.accounting_gl_account_id).toBe(
        gl.get(t.glAccountRemoteId ?? ""),
      );
    }
    expect((await r.client.getTaxCodeField()).name).toBe("Tax Code");
    const codes = await collect(r.client.listTaxCodeOptions());
    const activeCodes = surface.taxCodes.filter((c) => c.active);
    expect(codes.map((c) => c.id).sort()).toEqual(activeCodes.map((c) => c.remoteId).sort());
    for (const c of activeCodes) {
      expect([...(codes.find((x) => x.id === c.remoteId)?.tax_rate_ids ?? [])].sort()).toEqual(
        [...c.taxRateRemoteIds].sort(),
      );
    }
    // The whole chart went up without a refused item.
    expect(first.report.failures).toEqual([]);
    process.stdout.write(
      `coa-tryton first push: ${first.operations.length} operations, ${first.report.writeCalls} write calls, created ${JSON.stringify(first.report.created)}\n`,
    );
  });

  it("a second push with no change makes zero write calls", async () => {
    await r.resetCounters();
    const again = await pushCoa(
      { client: r.client, erp },
      { tenant: { ...tenant, ramp: { ...tenant.ramp, connectionId: first.connectionId } } },
    );
    expect(again.operations).toEqual([]);
    expect(await r.writeCalls()).toEqual({});
  });
});
