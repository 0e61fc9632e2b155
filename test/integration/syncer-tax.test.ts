/**
 * Tax codes end to end with the journal ERP, over real wires: coa-push uploads each company's tax
 * codes scoped to its entity, Ramp users pick them on a share of lines (the sandbox's code-ready
 * flow, respecting that scope), and every TAX_CODE selection reaches the journal as a tax leg on
 * the code's own tax account, tagged with the code, for the tax included in the line's amount.
 */
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

type Sel = { type: string; external_id: string };
type Txn = { entity_id: string; line_items: { accounting_field_selections: Sel[] }[] };

/** The journal transaction block carrying `ref`. */
function blockOf(journal: string, ref: string): string {
  const blocks = journal.split(/\n(?=\d{4}-\d{2}-\d{2})/);
  const found = blocks.find((b) => b.includes(`ramp-ref:${ref}`));
  if (!found) throw new Error(`no journal entry for ${ref}`);
  return found;
}

describe("syncer: tax codes reach the journal as tax lines", () => {
  it("scopes tax codes per entity and posts each TAX_CODE selection as a tax leg", async () => {
    h = await syncerHarness({
      transactions: 16,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      vendorlessShare: 0,
    });
    const codes = [];
    for await (const c of h.r.client.listTaxCodeOptions()) codes.push(c);
    expect(codes.map((c) => [c.id, c.entity_remote_ids]).sort()).toEqual([
      ["demo-eu:tax/VAT19", ["demo-eu"]],
      ["demo:tax/SALES10", ["demo"]],
    ]);
    const companyOf = new Map(h.tenant.entities.map((e) => [e.rampEntityId, e.companyKey]));

    const items = await h.ready();
    const taxed: Array<{ rampId: string; code: string }> = [];
    for (const it of items) {
      const t = (await h.object(it.rampId)).object as unknown as Txn;
      for (const s of t.line_items.flatMap((l) => l.accounting_field_selections)) {
        if (s.type !== "TAX_CODE") continue;
        // The code-ready flow picks only codes scoped to the object's entity.
        expect(s.external_id.split(":")[0]).toBe(companyOf.get(t.entity_id));
        taxed.push({ rampId: it.rampId, code: s.external_id });
      }
    }
    expect(taxed.length).toBeGreaterThan(0);
    expect(taxed.length).toBeLessThan(items.length * 2);

    const syncer = h.syncer();
    await syncer.processMessages(asRecords(items));
    await sweepTenant({ ledger: h.store.ledger, flush: syncer.flush }, await h.rt());

    const journal = await readFile(h.journalPath, "utf8");
    for (const { rampId, code } of taxed) {
      expect((await h.object(rampId)).sync.status).toBe("SYNCED");
      const block = blockOf(journal, externalRef("transaction", rampId));
      const [company, taxCode] = code.split(/:tax\//) as [string, string];
      const taxAccount =
        company === "demo" ? "demo:Liabilities:Sales Tax Payable" : "demo-eu:Liabilities:VAT Payable";
      const leg = block.split("\n").find((l) => l.includes(taxAccount));
      expect(leg, block).toBeDefined();
      expect(leg).toContain(`tax:${taxCode}`);
    }
  });
});
