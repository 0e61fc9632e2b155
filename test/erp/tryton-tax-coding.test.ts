/**
 * A Ramp transaction whose line carries a TAX_CODE selection, mapped the way the syncer maps it
 * (coding context read from the live Tryton's surface) and posted to the live trytond: the move
 * read back over JSON-RPC has the net expense line and a tax line on the tax's own account, both
 * with their tax lines, for the tax the Ramp amount includes.
 */
import { describe, expect, it } from "vitest";
import { codingContextFromSurface, mapTransaction } from "../../lib/erp/mapping/index.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { money } from "../../lib/money/index.js";
import { ENTITY_US, gl, line, taxSel, transaction } from "../unit/mapping-fixtures.js";
import { idOfErp, moveLines, sides } from "./support/inspect.js";
import { useLiveAdapter } from "./support/live-adapter.js";
import { liveTenantConfig } from "./support/live-tenant.js";
import { type Live, newRampId, today } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
useLiveAdapter((l, e) => {
  live = l;
  erp = e;
});

describe("a TAX_CODE selection reaches Tryton as a tax line", () => {
  it("posts the net expense and the included tax on the tax's account, each with its tax line", async () => {
    const c = live.us;
    const tenant = liveTenantConfig([c], [{ rampEntityId: ENTITY_US, companyKey: c.key }]);
    const ctx = codingContextFromSurface(await erp.readSurface());
    const gross = money(11_000, "USD");
    const tx = transaction({
      id: newRampId(),
      amount: gross,
      accountingDate: `${today()}T00:00:00+00:00`,
      lineItems: [line(gross, [gl(c.account("6100"), "Travel"), taxSel(c.tax("Purchase Tax 10%"))])],
    });
    const posting = mapTransaction(tx, tenant, ctx);
    expect(posting.lines[0]?.tax?.amount.minor).toBe(1_000);

    const r = await erp.post(posting);
    const lines = await moveLines(live, c, idOfErp(r.erpId));
    expect(sides(lines, "USD")).toEqual([
      ["6100", 10_000, 0],
      ["2200", 1_000, 0],
      ["2100", 0, 11_000],
    ]);
    const by = (code: string) => lines.find((l) => l["account."].code === code);
    expect(by("6100")?.tax_lines).toHaveLength(1);
    expect(by("2200")?.tax_lines).toHaveLength(1);
  });
});
