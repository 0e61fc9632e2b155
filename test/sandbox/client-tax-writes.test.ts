/**
 * The typed tax writes of the Ramp client (PATCH/DELETE of tax rates and tax code
 * options, docs/ramp-api.md §7.5) against the Ramp sandbox over real HTTP: each reaches
 * its own route with the body it was given, and the sandbox's state shows it landed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRampClient, type RampClient } from "../../lib/ramp/client.js";
import { createMemoryRateLimiter, createMemoryTokenStore } from "../../lib/ramp/memory.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import type { RunningSandbox } from "../../local/ramp-sandbox/server.js";
import { startSandbox } from "../../local/ramp-sandbox/server.js";

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("typed tax-rate and tax-code-option writes against the Ramp sandbox", () => {
  let sb: RunningSandbox;
  let ramp: RampClient;
  let writes: () => Promise<Record<string, number>>;

  beforeAll(async () => {
    sb = await startSandbox({ port: 0, seed: 13, transactions: 0, log: () => {} });
    ramp = createRampClient({
      tenantId: "t-tax",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
      retry: { maxAttempts: 2 },
    });
    const control = sandboxControl(sb.url);
    writes = async () => {
      const { byRoute } = await control<{ byRoute: Record<string, number> }>("GET", "/stats");
      return Object.fromEntries(Object.entries(byRoute).filter(([k]) => /^(PATCH|DELETE) .*\/tax\//.test(k)));
    };
    if (!(await ramp.allConnections()).some((c) => c.is_active))
      await ramp.createConnection({ remote_provider_name: "Tax Writes ERP" });
    const gl = await ramp.uploadGlAccounts([{ id: "tw:gl", name: "Sales Tax", classification: "LIABILITY" }]);
    await ramp.uploadTaxRates([
      { id: "tw:r1", name: "GST", rate: "0.10", accounting_gl_account_id: gl.items[0]!.ramp_id },
      { id: "tw:r2", name: "PST", rate: "0.07", accounting_gl_account_id: gl.items[0]!.ramp_id },
    ]);
    await ramp.createTaxCodeField("Tax Code");
    await ramp.uploadTaxCodeOptions([{ id: "tw:c1", name: "GST only", tax_rate_ids: ["tw:r1"] }]);
  });
  afterAll(async () => {
    await sb?.close();
  });

  const rate = async (remoteId: string) => (await all(ramp.listTaxRates())).find((r) => r.id === remoteId)!;
  const option = async (remoteId: string) => (await all(ramp.listTaxCodeOptions({ remoteId })))[0]!;

  it("patches a tax rate's name and rate, deletes it (soft) and reactivates it", async () => {
    const r1 = await rate("tw:r1");
    await ramp.patchTaxRate(r1.ramp_id!, { name: "GST (10%)", rate: "0.1" });
    const patched = await rate("tw:r1");
    expect(patched.name).toBe("GST (10%)");
    expect(patched.rate).toBe("0.1");
    expect(patched.ramp_id).toBe(r1.ramp_id);

    await ramp.deleteTaxRate(r1.ramp_id!);
    expect((await rate("tw:r1")).is_active).toBe(false);
    await ramp.patchTaxRate(r1.ramp_id!, { reactivate: true });
    expect((await rate("tw:r1")).is_active).toBe(true);

    expect(await writes()).toMatchObject({
      "PATCH /developer/v1/accounting/tax/rates/{tax_rate_id}": 2,
      "DELETE /developer/v1/accounting/tax/rates/{tax_rate_id}": 1,
    });
  });

  it("patches a tax code option's name and rate associations, deletes it (soft) and reactivates it", async () => {
    const c1 = await option("tw:c1");
    await ramp.patchTaxCodeOption(c1.ramp_id!, { name: "GST + PST", tax_rate_ids: ["tw:r1", "tw:r2"] });
    const patched = await option("tw:c1");
    expect(patched.name).toBe("GST + PST");
    expect(patched.tax_rate_ids).toEqual(["tw:r1", "tw:r2"]);

    await ramp.deleteTaxCodeOption(c1.ramp_id!);
    expect((await option("tw:c1")).is_active).toBe(false);
    await ramp.patchTaxCodeOption(c1.ramp_id!, { reactivate: true });
    expect((await option("tw:c1")).is_active).toBe(true);

    expect(await writes()).toMatchObject({
      "PATCH /developer/v1/accounting/tax/code/options/{option_id}": 2,
      "DELETE /developer/v1/accounting/tax/code/options/{option_id}": 1,
    });
  });

  it("refuses a key the PATCH bodies do not have before anything is sent", async () => {
    const before = await writes();
    const r1 = await rate("tw:r1");
    const c1 = await option("tw:c1");
    await expect(async () =>
      ramp.patchTaxRate(r1.ramp_id!, { code: "X" } as unknown as { name: string }),
    ).rejects.toThrow(/code/);
    await expect(async () =>
      ramp.patchTaxCodeOption(c1.ramp_id!, { reactivate: false } as unknown as { reactivate: true }),
    ).rejects.toThrow();
    expect(await writes()).toEqual(before);
  });

  it("a refused value comes back as Ramp's item error, not a local one", async () => {
    const r2 = await rate("tw:r2");
    const err = await ramp.patchTaxRate(r2.ramp_id!, { rate: "ten percent" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422 });
    expect((await rate("tw:r2")).rate).toBe("0.07");
  });
});
