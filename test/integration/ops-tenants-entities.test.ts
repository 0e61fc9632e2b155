/**
 * `ops tenants show` on a local stack: the document, then Ramp's entities (GET
 * /entities through the tenant's own Ramp client, credentials from the local
 * Secrets Manager) beside the entity map — mapped, unmapped, the one-company
 * default — and status lines on the tenant's clock (its `timeZone`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCompanies } from "../../local/demo-journal.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import { demoEntityLinks, opsOn, startJournalStack } from "../support/journal-stack.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "ents";
const SOLO = "solo";
let r: SandboxRamp;
let stack: LocalStack;
let ents: Array<{ id: string; entity_name: string; currency: string }>;

beforeAll(async () => {
  // Three entities: USD → demo, EUR → demo-eu, the third in no map.
  r = await sandboxRamp({ transactions: 2, entities: 3, currencies: ["USD", "EUR", "CAD"] });
  ents = await r.control("GET", "/entities");
  const links = await demoEntityLinks(r);
  ({ stack } = await startJournalStack(r, {
    tenantId: TENANT,
    prefix: "ops-ents",
    tenant: { entities: links, timeZone: "Australia/Sydney" },
  }));
  // A second tenant on the same business: one company, no entity map (disabled: never polled here).
  stack.seedSecret(`ramp-erp-sync/${SOLO}/ramp`, {
    client_id: r.sb.clientId,
    client_secret: r.sb.clientSecret,
  });
  await stack.saveTenant({
    tenantId: SOLO,
    displayName: "Solo",
    version: 0,
    enabled: false,
    ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal (solo)" },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies().slice(0, 1),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await r?.close();
});

const ent = (currency: string) => {
  const e = ents.find((x) => x.currency === currency);
  if (!e) throw new Error(`no ${currency} entity`);
  return e;
};
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const row = (out: string[], id: string) => out.find((l) => l.trimStart().startsWith(id))?.trim();

describe("ops tenants show: Ramp's entities beside the map", () => {
  it("two companies: each entity's id, name, currency and company, or unmapped", async () => {
    const res = await opsOn(stack, "tenants", "show", TENANT);
    expect(res.code).toBe(0);
    const text = res.out.join("\n");
    // The document comes first, whole (it is what `tenants put` takes back).
    expect(JSON.parse(text.slice(0, text.indexOf("\nentities")))).toMatchObject({
      tenantId: TENANT,
      timeZone: "Australia/Sydney",
    });
    expect(res.out).toContain("entities (Ramp's, beside the entity map; companies: demo, demo-eu):");
    const [usd, eur, cad] = [ent("USD"), ent("EUR"), ent("CAD")];
    expect(row(res.out, usd.id)).toMatch(new RegExp(`^${usd.id}\\s+${esc(usd.entity_name)}\\s+USD\\s+demo$`));
    expect(row(res.out, eur.id)).toMatch(
      new RegExp(`^${eur.id}\\s+${esc(eur.entity_name)}\\s+EUR\\s+demo-eu$`),
    );
    expect(row(res.out, cad.id)).toMatch(
      new RegExp(`^${cad.id}\\s+${esc(cad.entity_name)}\\s+CAD\\s+unmapped — its objects fail until linked`),
    );
  });

  it("one company, no map: every entity maps to it by default", async () => {
    const res = await opsOn(stack, "tenants", "show", SOLO);
    expect(res.code).toBe(0);
    for (const e of ents)
      expect(row(res.out, e.id)).toMatch(
        new RegExp(`^${e.id}\\s+${esc(e.entity_name)}\\s+${e.currency}\\s+demo — default \\(one company\\)$`),
      );
  });

  it("--json is the document alone (it round-trips through tenants put)", async () => {
    const res = await opsOn(stack, "tenants", "show", TENANT, "--json");
    expect(res.code).toBe(0);
    expect(res.out).toHaveLength(1);
    expect(res.json).toMatchObject({ tenantId: TENANT, entities: expect.any(Array) });
    expect(res.json).not.toHaveProperty("rampEntities");
  });

  it("status lines show instants on the tenant's clock", async () => {
    await stack.pollSchedule();
    await stack.drain({ timeoutMs: 60_000 });
    const sydney = await opsOn(stack, "status", "--tenant", TENANT);
    expect(sydney.out[0]).toMatch(/last poll \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+1[01]:00 /);
    const utc = await opsOn(stack, "status", "--tenant", SOLO);
    expect(utc.out[0]).toMatch(/^tenant solo: (never polled|last poll \S+Z )/);
  }, 120_000);
});
