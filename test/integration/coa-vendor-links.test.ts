/**
 * Vendor links a finance user can trust, end to end: a journal ERP whose payees have
 * near-miss names (and one a vendor code), Ramp vendors created in the sandbox over its
 * control API, coa-push and the `ops vendors` commands over real HTTP, manual links in
 * DynamoDB Local. The unambiguous vendors are linked by the push; the rest are listed
 * with their candidates; a person decides one, and the next push keeps it.
 */
import { appendFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushTenant, type TenantPushDeps } from "../../lib/coa/run.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createVendorLinks } from "../../lib/store/vendor-links.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { runVendorCommand } from "../../ops/vendor-commands.js";
import { freshTable } from "../support/dynamo-client.js";
import { collect, type SandboxRamp, sandboxRamp } from "./coa-harness.js";

describe("vendor links (near-miss names, codes, manual decisions)", () => {
  let r: SandboxRamp;
  let deps: TenantPushDeps;
  const ids: Record<string, string> = {};
  const vendors = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVendorCommand(
      args,
      deps,
      { out: (l) => out.push(l), err: (l) => err.push(l) },
      "ops:test",
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const linkOf = async () => {
    const all = await collect(r.client.listVendors());
    return Object.fromEntries(
      Object.entries(ids).map(([k, id]) => [
        k,
        all.find((v) => v.id === id)?.accounting_vendor_remote_id ?? null,
      ]),
    );
  };

  beforeAll(async () => {
    r = await sandboxRamp({ transactions: 0 });
    const dir = await mkdtemp(join(tmpdir(), "vendor-links-"));
    const path = join(dir, "books.journal");
    await createDemoJournal(path);
    // The ERP's vendors, in the US company only (a vendor shared by both companies has two candidates).
    await appendFile(
      path,
      [
        "payee Acme, Inc.  ; company: demo",
        "payee Globex  ; company: demo",
        "payee Initech  ; company: demo",
        "payee Umbrella Holdings  ; company: demo, code: V-77",
        "",
      ].join("\n"),
    );
    for (const [key, body] of Object.entries({
      acme: { name: "ACME Inc" },
      globex: { name: "Globex Trading", name_legal: "Globex GmbH" },
      initech1: { name: "Initech" },
      initech2: { name: "INITECH, LLC" },
      umbrella: { name: "Umbrella Corp Europe", external_vendor_id: "V-77" },
      soylent: { name: "Soylent" },
    })) {
      ids[key] = (await r.control<{ id: string }>("POST", "/vendors", body)).id;
    }
    const table = await freshTable("vendorlinks");
    const store = { doc: table.doc, tableName: table.tableName };
    const tenants = createTenants(store);
    await tenants.put({
      tenantId: "acme",
      displayName: "acme",
      ramp: { baseUrl: r.sb.url, remoteProviderName: "Acme Journal" },
      erp: { kind: "journal", path: "books.journal" },
      companies: demoCompanies(),
    });
    deps = {
      tenants,
      snapshots: createCoaSnapshots(store),
      vendorLinks: createVendorLinks(store),
      rampFor: () => r.client,
      erpFor: async () => createJournalErp(path),
    };
  });
  afterAll(() => r.close());

  it("a push links the unambiguous vendors; `vendors unlinked` lists the rest with their candidates", async () => {
    const push = await pushTenant(deps, "acme");
    expect(push.report.complete).toBe(true);
    expect(await linkOf()).toEqual({
      acme: "demo:Acme, Inc.",
      globex: "demo:Globex",
      initech1: null,
      initech2: null,
      umbrella: "demo:Umbrella Holdings",
      soylent: null,
    });

    const listed = await vendors("unlinked", "--tenant", "acme", "--json");
    expect(listed.code).toBe(0);
    const rows = (JSON.parse(listed.out) as { unlinked: Array<{ rampVendorId: string }> }).unlinked.filter(
      (u) => Object.values(ids).includes(u.rampVendorId),
    );
    expect(rows).toEqual([
      {
        rampVendorId: ids.initech1,
        name: "Initech",
        nameLegal: "Initech",
        reason: "ambiguous",
        candidates: [{ remoteId: "demo:Initech", name: "Initech", by: "name", linkedTo: null }],
        rivals: [ids.initech2],
      },
      expect.objectContaining({ rampVendorId: ids.initech2, reason: "ambiguous", rivals: [ids.initech1] }),
      expect.objectContaining({ rampVendorId: ids.soylent, reason: "no-candidate", candidates: [] }),
    ]);
    const table = await vendors("unlinked", "--tenant", "acme");
    expect(table.out).toMatch(/^RAMP VENDOR\s+NAME\s+NAME_LEGAL\s+REASON\s+CANDIDATES/);
    expect(table.out).toContain(`demo:Initech (Initech); also claimed by ${ids.initech2}`);
  });

  it("`vendors link` decides by hand, refuses a taken accounting vendor, and the next push keeps the decision", async () => {
    expect((await vendors("link", "--tenant", "acme", "nope", "demo:Initech")).code).toBe(2);
    expect((await vendors("link", "--tenant", "acme", ids.initech1!)).code).toBe(64);

    const done = await vendors("link", "--tenant", "acme", ids.initech1!, "demo:Initech");
    expect(done).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^linked Ramp vendor .* → demo:Initech/),
    });
    const refused = await vendors("link", "--tenant", "acme", ids.initech2!, "demo:Initech");
    expect(refused).toMatchObject({
      code: 2,
      err: expect.stringContaining(`already linked to Ramp vendor ${ids.initech1}`),
    });
    expect(await deps.vendorLinks?.list("acme")).toEqual([
      expect.objectContaining({
        rampVendorId: ids.initech1,
        accountingVendorRemoteId: "demo:Initech",
        decidedBy: "ops:test",
      }),
    ]);

    // A decision whose PATCH never reached Ramp (stored only): the next push applies it.
    await deps.vendorLinks?.put("acme", {
      rampVendorId: ids.soylent!,
      accountingVendorRemoteId: "demo:Office Depot",
      decidedBy: "ops:test",
    });
    const again = await pushTenant(deps, "acme");
    expect(again.operations.filter((o) => o.op === "link_vendor")).toEqual([
      { op: "link_vendor", rampVendorId: ids.soylent, accountingVendorRemoteId: "demo:Office Depot" },
    ]);
    expect(await linkOf()).toMatchObject({ initech1: "demo:Initech", soylent: "demo:Office Depot" });
    expect(again.unlinkedVendors.find((u) => u.rampVendorId === ids.initech2)).toMatchObject({
      reason: "accounting-vendor-taken",
      rivals: [ids.initech1],
    });
  });
});
