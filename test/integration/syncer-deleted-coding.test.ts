/**
 * An object coded to a GL account that was deactivated in the ERP — and so deleted in Ramp by
 * coa-push — over real wires (sandbox over HTTP, DynamoDB Local, the demo journal). Ramp keeps the
 * coding but would refuse to mark it synced (INACTIVE_CODING); the syncer must not post it to
 * the ERP, and must tell the customer, for that object alone, what to recode.
 */
import { readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { pushCoa } from "../../lib/coa/push.js";
import { externalRef } from "../../lib/domain/kinds.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("syncer: coding to a deleted GL account", () => {
  it("posts nothing for that object, reports it failed with what to recode, and syncs the rest", async () => {
    h = await syncerHarness({
      transactions: 8,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      vendorlessShare: 0,
    });
    const items = await h.ready();
    const glOf = async (id: string) => {
      const t = (await h.object(id)).object as {
        line_items: { accounting_field_selections: { type: string; external_id: string; id: string }[] }[];
      };
      return t.line_items.flatMap((l) => l.accounting_field_selections).find((s) => s.type === "GL_ACCOUNT");
    };
    const first = items[0];
    if (!first) throw new Error("no ready transaction");
    const gl = await glOf(first.rampId);
    if (!gl) throw new Error("first transaction has no GL account");
    const coded = new Set<string>();
    for (const it of items) if ((await glOf(it.rampId))?.external_id === gl.external_id) coded.add(it.rampId);

    // Deactivated in the ERP; the next push deletes it in Ramp, which keeps the coding.
    const name = gl.external_id;
    const text = await readFile(h.journalPath, "utf8");
    const line = text.split("\n").find((l) => l.startsWith(`account ${name}  ;`));
    if (!line) throw new Error(`no account directive for ${name}`);
    await writeFile(h.journalPath, text.replace(line, `${line}, inactive: true`));
    expect((await pushCoa({ client: h.r.client, erp: h.erp }, { tenant: h.tenant })).report.deleted).toBe(1);
    expect((await glOf(first.rampId))?.id).toBe(gl.id);

    const syncer = h.syncer();
    await syncer.processMessages(asRecords(items));
    await sweepTenant({ ledger: h.store.ledger, flush: syncer.flush }, await h.rt());

    const refs = await h.journalRefs();
    for (const it of items) {
      const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
      const o = await h.object(it.rampId);
      if (coded.has(it.rampId)) {
        expect(refs.has(externalRef(it.kind, it.rampId))).toBe(false);
        expect(row).toMatchObject({ state: "FAILED", category: "user_actionable", told: true });
        expect(o.sync.status).toBe("SYNC_READY");
        expect(o.sync.last_error).toMatch(/inactive/i);
        expect(o.sync.last_error).toMatch(/re-code|recode/i);
      } else {
        expect(row?.state).toBe("MARKED");
        expect(o.sync.status).toBe("SYNCED");
      }
    }
    expect(coded.size).toBeLessThan(items.length);
    expect(h.logs.filter((l) => l.message.includes("Ramp refused"))).toEqual([]);
  });
});
