/**
 * The smaller repositories over DynamoDB Local: tenants (optimistic version,
 * enabled-tenant paging), settles-links, vendor links, poll cursors, CoA snapshots (chunked
 * and compressed) and webhook event dedupe / parking.
 */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { TenantConfigInput } from "../../lib/config/tenant.js";
import { createCoaSnapshots } from "../../lib/store/coa-snapshots.js";
import { createPollCursors } from "../../lib/store/poll-cursors.js";
import { createSettlesLinks } from "../../lib/store/settles-links.js";
import { createTenants } from "../../lib/store/tenants.js";
import { createVendorLinks } from "../../lib/store/vendor-links.js";
import { createWebhookEvents, PARKED_BODY_MAX_CHARS } from "../../lib/store/webhook-events.js";
import { freshTable } from "../support/dynamo-client.js";

let deps: Awaited<ReturnType<typeof freshTable>>;
let now = Date.UTC(2026, 2, 1, 12);
const clock = () => now;
const store = () => ({ doc: deps.doc, tableName: deps.tableName, clock });

beforeAll(async () => {
  deps = await freshTable("repos");
});

const tenant = (tenantId: string, over: Partial<TenantConfigInput> = {}): TenantConfigInput => ({
  tenantId,
  displayName: `Tenant ${tenantId}`,
  ramp: { remoteProviderName: "Tryton" },
  erp: { kind: "journal", path: "books.journal" },
  companies: [
    {
      key: "main",
      erpCompanyId: "1",
      currency: "USD",
      defaults: {
        cardLiability: "main:2100",
        accountsPayable: "main:2000",
        bank: "main:1000",
        reimbursementsPayable: "main:2200",
        cashbackIncome: "main:4900",
        defaultExpense: "main:6000",
      },
    },
  ],
  ...over,
});

describe("tenants", () => {
  it("stores a validated document and bumps the version; a stale write is a typed conflict", async () => {
    const tenants = createTenants(store());
    const created = await tenants.put(tenant("t-version"));
    expect(created).toMatchObject({
      ok: true,
      config: { version: 1, objectTypes: { vendorCredits: false } },
    });
    const read = await tenants.get("t-version");
    expect(read).toEqual(created.ok && created.config);

    const edit = await tenants.put({ ...read!, displayName: "Renamed" });
    expect(edit).toMatchObject({ ok: true, config: { version: 2, displayName: "Renamed" } });
    const stale = await tenants.put({ ...read!, displayName: "Lost update" });
    expect(stale).toEqual({ ok: false, reason: "version-conflict", currentVersion: 2 });
    expect((await tenants.get("t-version"))?.displayName).toBe("Renamed");
    expect(await tenants.put(tenant("t-version"))).toMatchObject({ ok: false, currentVersion: 2 });
  });

  it("refuses an invalid document before writing it", async () => {
    const tenants = createTenants(store());
    await expect(
      tenants.put(tenant("t-bad", { entities: [{ rampEntityId: "e1", companyKey: "nope" }] })),
    ).rejects.toThrow(/unknown company/);
    expect(await tenants.get("t-bad")).toBeUndefined();
  });

  it("lists enabled tenants page by page, and reports stored documents that no longer parse", async () => {
    const { doc, tableName } = await freshTable("tenants");
    const tenants = createTenants({ doc, tableName, clock });
    for (const id of ["a", "b", "c", "d", "e"]) await tenants.put(tenant(id));
    await tenants.put(tenant("off", { enabled: false }));
    const enabledThenDisabled = await tenants.put(tenant("later"));
    await tenants.put({
      ...(enabledThenDisabled.ok ? enabledThenDisabled.config : tenant("x")),
      enabled: false,
    });
    // Written by an older release, now invalid:
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          PK: "TENANT#zz",
          SK: "CONFIG",
          tenantId: "zz",
          version: 1,
          config: { tenantId: "zz" },
          GSI1PK: "TENANTS#ENABLED",
          GSI1SK: "zz",
        },
      }),
    );
    const seen: string[] = [];
    const invalid: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await tenants.listEnabled({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.tenants.map((t) => t.tenantId));
      invalid.push(...page.invalid.map((i) => i.tenantId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(invalid).toEqual(["zz"]);
    expect(pages).toBeGreaterThanOrEqual(3);
  });
});

describe("settles-links", () => {
  it("links card transactions to the bill they paid, idempotently, and refuses a second bill", async () => {
    const links = createSettlesLinks(store());
    expect(await links.link("acme", "bill-1", ["tx-1", "tx-2", "tx-1"])).toEqual({ conflicts: [] });
    expect(await links.link("acme", "bill-1", ["tx-2"])).toEqual({ conflicts: [] });
    const clash = await links.link("acme", "bill-2", ["tx-2", "tx-3"]);
    expect(clash.conflicts).toEqual([expect.objectContaining({ transactionId: "tx-2", billId: "bill-1" })]);
    expect((await links.get("acme", "tx-3"))?.billId).toBe("bill-2");
    expect(await links.get("other-tenant", "tx-1")).toBeUndefined();
    const many = await links.getMany("acme", ["tx-1", "tx-2", "tx-9"]);
    expect([...many.entries()].map(([t, l]) => [t, l.billId]).sort()).toEqual([
      ["tx-1", "bill-1"],
      ["tx-2", "bill-1"],
    ]);
  });
});

describe("vendor links", () => {
  it("keeps one decision per Ramp vendor, the latest, scoped to its tenant", async () => {
    const links = createVendorLinks(store());
    await links.put("acme", { rampVendorId: "rv-1", accountingVendorRemoteId: "us:A", decidedBy: "ops:ann" });
    await links.put("acme", { rampVendorId: "rv-2", accountingVendorRemoteId: "us:B", decidedBy: "ops:ann" });
    await links.put("acme", { rampVendorId: "rv-1", accountingVendorRemoteId: "us:C", decidedBy: "ops:bob" });
    await links.put("other", {
      rampVendorId: "rv-9",
      accountingVendorRemoteId: "us:A",
      decidedBy: "ops:ann",
    });
    expect(await links.list("acme")).toEqual([
      { rampVendorId: "rv-1", accountingVendorRemoteId: "us:C", decidedBy: "ops:bob", decidedAt: now },
      { rampVendorId: "rv-2", accountingVendorRemoteId: "us:B", decidedBy: "ops:ann", decidedAt: now },
    ]);
    expect(await links.list("nobody")).toEqual([]);
  });
});

describe("poll cursors", () => {
  it("resumes where a poll stopped, per entity and kind, and refuses an overlapping poll's write", async () => {
    const cursors = createPollCursors(store());
    const key = { tenantId: "acme", entityId: "ent-1", kind: "transaction" as const };
    expect(await cursors.get(key)).toBeUndefined();
    const first = await cursors.save(key, undefined, {
      next: "https://api.ramp.com/developer/v1/transactions?start=abc",
      windowStart: "2026-02-01T00:00:00Z",
      startedAt: now,
      lastCompletedAt: null,
    });
    expect(first).toMatchObject({ rev: 0 });
    const read = await cursors.get(key);
    expect(read?.next).toContain("start=abc");
    expect(await cursors.get({ ...key, kind: "bill" })).toBeUndefined();
    expect(await cursors.get({ ...key, entityId: null })).toBeUndefined();

    now += 1_000;
    const done = await cursors.save(key, read, {
      next: null,
      windowStart: null,
      startedAt: null,
      lastCompletedAt: now,
    });
    expect(done).toMatchObject({ rev: 1, lastCompletedAt: now });
    expect(
      await cursors.save(key, read, {
        next: "stale",
        windowStart: null,
        startedAt: null,
        lastCompletedAt: null,
      }),
    ).toBe(false);
    expect(
      await cursors.save(key, undefined, {
        next: "dup",
        windowStart: null,
        startedAt: null,
        lastCompletedAt: null,
      }),
    ).toBe(false);
    expect((await cursors.get(key))?.next).toBeNull();
  });
});

describe("CoA snapshots", () => {
  const Snapshot = z.object({ accounts: z.array(z.object({ id: z.string(), name: z.string() })) });
  // Random-ish names so gzip cannot squeeze it into one item.
  const big = {
    accounts: Array.from({ length: 40_000 }, (_, i) => ({
      id: `main:${i}`,
      name: `${i}-${(i * 2654435761) % 1e9}-${Math.sin(i)}`,
    })),
  };

  it("round-trips a snapshot larger than one item, and a replacement removes the old chunks", async () => {
    const coa = createCoaSnapshots(store());
    expect(await coa.get("acme", "main", Snapshot)).toBeUndefined();
    const written = await coa.put("acme", "main", big);
    expect(written.chunkCount).toBeGreaterThan(1);
    expect(await coa.get("acme", "main", Snapshot)).toEqual(big);

    const small = { accounts: [{ id: "main:1", name: "Cash" }] };
    expect(await coa.put("acme", "main", small)).toMatchObject({ chunkCount: 1 });
    expect(await coa.get("acme", "main", Snapshot)).toEqual(small);
    const rows = await deps.doc.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues: { ":pk": "TENANT#acme", ":p": "COA#main#G#" },
      }),
    );
    expect(rows.Items).toHaveLength(1);
    expect(rows.Items?.[0]?.ttl).toBeUndefined();
  });

  it("validates what it reads", async () => {
    const coa = createCoaSnapshots(store());
    await coa.put("acme", "other", { accounts: [{ id: 1 }] });
    await expect(coa.get("acme", "other", Snapshot)).rejects.toThrow();
  });
});

describe("webhook events", () => {
  it("deduplicates event ids until their TTL passes; forget lets a retry through", async () => {
    const events = createWebhookEvents(store());
    expect(await events.markSeen("acme", "ev-1", 60_000)).toBe("new");
    expect(await events.markSeen("acme", "ev-1", 60_000)).toBe("duplicate");
    expect(await events.markSeen("beta", "ev-1", 60_000)).toBe("new");
    now += 60_000;
    expect(await events.markSeen("acme", "ev-1", 60_000)).toBe("new");
    await events.forget("acme", "ev-1");
    expect(await events.markSeen("acme", "ev-1", 60_000)).toBe("new");
  });

  it("parks signed-but-malformed events, newest first, cutting huge bodies", async () => {
    const events = createWebhookEvents(store());
    await events.park("parky", { eventId: "ev-a", reason: "unknown type", body: '{"type":"x"}' });
    now += 1_000;
    const b = await events.park("parky", {
      reason: "not JSON",
      body: "y".repeat(PARKED_BODY_MAX_CHARS + 10),
    });
    expect(b.eventId).toMatch(/^unknown-/);
    expect(b.truncated).toBe(true);
    const listed = await events.listParked("parky");
    expect(listed.map((p) => p.reason)).toEqual(["not JSON", "unknown type"]);
    expect(listed[0]?.body).toHaveLength(PARKED_BODY_MAX_CHARS);
    const raw = await deps.doc.send(
      new GetCommand({
        TableName: deps.tableName,
        Key: { PK: "TENANT#parky", SK: `PARKED#${listed[1]?.receivedAt}#ev-a` },
      }),
    );
    expect(raw.Item?.ttl).toBeGreaterThan(now / 1000);
  });
});
