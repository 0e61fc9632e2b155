/** The coding surface read from the live trytond, both companies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodingSurface } from "../../lib/erp/port.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { connectLive, type Live } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
let s: CodingSurface;

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  s = await erp.readSurface();
});
afterAll(async () => {
  await erp?.close();
});

describe("readSurface", () => {
  it("lists both companies with their functional currency", () => {
    expect(s.companies.map((c) => [c.key, c.currency])).toEqual([
      [live.us.key, "USD"],
      [live.eu.key, "EUR"],
    ]);
  });

  it("classifies GL accounts per company and marks the retired one inactive", () => {
    for (const c of [live.us, live.eu]) {
      const acc = (code: string) => s.glAccounts.find((a) => a.remoteId === c.account(code));
      expect(acc("1000")).toMatchObject({ classification: "ASSET", active: true, companyKey: c.key });
      expect(acc("2000")?.classification).toBe("LIABILITY");
      expect(acc("2100")).toMatchObject({ classification: "CREDCARD", name: "Ramp Card Liability" });
      expect(acc("4900")?.classification).toBe("REVENUE");
      expect(acc("6100")).toMatchObject({ classification: "EXPENSE", code: "6100", name: "Travel" });
      expect(acc("6999")?.active).toBe(false);
    }
  });

  it("turns the DEPT analytic root into one field with each company's departments", () => {
    const dept = s.fields.find((f) => f.remoteId === "field:DEPT");
    expect(dept?.name).toBe("Departments");
    for (const c of [live.us, live.eu]) {
      const codes = dept?.options.filter((o) => o.companyKey === c.key && o.active).map((o) => o.code);
      expect(codes).toEqual(expect.arrayContaining(["ENG", "SALES", "MKT", "GA"]));
      expect(dept?.options.find((o) => o.remoteId === c.dept("ENG"))?.value).toBe("Engineering");
    }
  });

  it("lists taxes as rates with their GL account and as codes, per company", () => {
    for (const c of [live.us, live.eu]) {
      const id = c.tax("Purchase Tax 10%");
      expect(s.taxRates.find((r) => r.remoteId === id)).toMatchObject({
        rate: "0.10",
        glAccountRemoteId: c.account("2200"),
        active: true,
      });
      expect(s.taxRates.find((r) => r.remoteId === c.tax("Exempt 0%"))?.rate).toBe("0.00");
      expect(s.taxCodes.find((t) => t.remoteId === id)?.taxRateRemoteIds).toEqual([id]);
    }
  });

  it("lists supplier parties as vendors of each company, not employees or companies", () => {
    const names = (key: string) => s.vendors.filter((v) => v.companyKey === key).map((v) => v.name);
    for (const c of [live.us, live.eu]) {
      expect(names(c.key)).toEqual(expect.arrayContaining(["Delta Air Lines", "Lufthansa"]));
      expect(names(c.key)).not.toContain("Pam Beesly");
      expect(names(c.key)).not.toContain("Acme Corp");
      expect(s.vendors.map((v) => v.remoteId)).toContain(c.vendor);
    }
  });
});
