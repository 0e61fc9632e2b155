import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, harness } from "./support.js";

interface Page {
  data: { id: string }[];
  page: { next: string | null };
}

describe("sandbox pagination, error envelope, rate limit and faults", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ transactions: 57 });
  });
  afterAll(() => h.close());

  it("rejects page_size outside 2..100 with the 422 DEVELOPER_7001 envelope", async () => {
    for (const size of ["1", "101", "abc"]) {
      const r = await h.api<{ error_v2: Record<string, unknown>; error: Record<string, unknown> }>(
        "GET",
        `/transactions?page_size=${size}`,
      );
      expect(r.status).toBe(422);
      expect(r.body.error_v2.error_code).toBe("DEVELOPER_7001");
      expect(r.body.error_v2.additional_info).toHaveProperty("page_size");
      expect(r.body.error).toHaveProperty("page_size");
      expect(typeof r.body.error_v2.error_id).toBe("string");
    }
  });

  it("walks keyset pages by following page.next verbatim, keeping the query", async () => {
    const seen: string[] = [];
    let url: string | null = `${h.sb.url}/developer/v1/transactions?page_size=10&sync_status=SYNC_READY`;
    let pages = 0;
    while (url) {
      const r: { status: number; body: Page } = await h.api<Page>("GET", url);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((t) => t.id));
      url = r.body.page.next;
      if (url) {
        const u = new URL(url);
        expect(u.origin).toBe(h.sb.url);
        expect(u.searchParams.get("sync_status")).toBe("SYNC_READY");
        expect(u.searchParams.get("page_size")).toBe("10");
        expect(u.searchParams.get("start")).toBe(r.body.data[r.body.data.length - 1]?.id);
      }
      pages++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    const all =
      h.sb.state.businesses
        .get(h.sb.businessId)
        ?.transactions.all()
        .filter((t) => t.status === "SYNC_READY") ?? [];
    expect(seen.length).toBe(all.length);
    expect(pages).toBe(Math.ceil(all.length / 10));
  });

  it("defaults to 20 items and ends with page.next null", async () => {
    const r = await h.api<Page>("GET", "/transactions");
    expect(r.body.data).toHaveLength(20);
    const last = await h.api<Page>("GET", "/transfers?page_size=100");
    expect(last.body.page.next).toBeNull();
  });

  it("allows 200 calls per rolling window per app, then 429 and a lockout that calls extend", async () => {
    h.sb.control.setConfig({ rateLimit: { limit: 5, windowMs: 10_000, lockoutMs: 60_000 } });
    const token = await h.token();
    const other = await h.token();
    await h.control("POST", "/stats/reset");
    h.clock.advance(11_000); // earlier calls in this file leave the rolling window
    for (let i = 0; i < 5; i++) expect((await h.api("GET", "/entities", { token })).status).toBe(200);
    const limited = await h.api("GET", "/entities", { token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBe(60);
    h.clock.advance(59_000);
    expect((await h.api("GET", "/entities", { token: other })).status).toBe(429); // same app, still locked; extends
    h.clock.advance(59_000);
    expect((await h.api("GET", "/entities", { token })).status).toBe(429); // extended by the call above
    h.clock.advance(60_001);
    expect((await h.api("GET", "/entities", { token })).status).toBe(200);
    const stats = await h.control<{ rateLimited: number; byRoute: Record<string, number> }>("GET", "/stats");
    expect(stats.body.rateLimited).toBe(3);
    expect(stats.body.byRoute["GET /developer/v1/entities"]).toBe(9);
    h.sb.control.setConfig({ rateLimit: { limit: 200 } });
  });

  it("keeps a separate window for each client app", async () => {
    h.sb.control.setConfig({ rateLimit: { limit: 2, windowMs: 10_000, lockoutMs: 60_000 } });
    const app = await h.control<{ client_id: string; client_secret: string }>("POST", "/apps", {
      scopes: ["entities:read"],
    });
    const a = await h.token();
    const b = await h.token("entities:read", {
      clientId: app.body.client_id,
      clientSecret: app.body.client_secret,
    });
    h.clock.advance(120_000);
    expect((await h.api("GET", "/entities", { token: a })).status).toBe(200);
    expect((await h.api("GET", "/entities", { token: a })).status).toBe(200);
    expect((await h.api("GET", "/entities", { token: a })).status).toBe(429);
    expect((await h.api("GET", "/entities", { token: b })).status).toBe(200);
    h.sb.control.setConfig({ rateLimit: { enabled: false, limit: 200 } });
  });

  it("injects 5xx faults per endpoint, deterministically with failNext", async () => {
    await h.control("PUT", "/config", {
      faults: { "GET /developer/v1/bills": { failNext: 2, status: 503 } },
    });
    const a = await h.api<{ error_v2: { error_code: string } }>("GET", "/bills");
    const b = await h.api("GET", "/bills");
    const c = await h.api("GET", "/bills");
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.body.error_v2.error_code).toBe("SANDBOX_INJECTED_FAULT");
    expect((await h.api("GET", "/transfers")).status).toBe(200);
  });

  it("injects faults on the token endpoint and latency without failing", async () => {
    await h.control("PUT", "/config", {
      faults: {
        "POST /developer/v1/token": { failNext: 1, status: 502 },
        "GET /developer/v1/entities": { latencyMs: 30 },
      },
    });
    const res = await fetch(`${h.sb.url}/developer/v1/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${h.sb.clientId}:${h.sb.clientSecret}`).toString("base64")}`,
      },
      body: "grant_type=client_credentials&scope=entities:read",
    });
    expect(res.status).toBe(502);
    const token = await h.token("entities:read");
    expect((await h.api("GET", "/entities", { token })).status).toBe(200);
    await h.control("PUT", "/config", {
      faults: { "POST /developer/v1/token": null, "GET /developer/v1/entities": null },
    });
  });

  it("injects a rate of errors and timeouts that drop the connection", async () => {
    await h.control("PUT", "/config", {
      faults: { "GET /developer/v1/cashbacks": { errorRate: 1, status: 500 } },
    });
    expect((await h.api("GET", "/cashbacks")).status).toBe(500);
    await h.control("PUT", "/config", {
      faults: { "GET /developer/v1/cashbacks": { timeoutNext: 1, timeoutMs: 20 } },
    });
    await expect(h.api("GET", "/cashbacks")).rejects.toThrow();
    expect((await h.api("GET", "/cashbacks")).status).toBe(200);
    await h.control("PUT", "/config", {
      faults: { "GET /developer/v1/cashbacks": null, "GET /developer/v1/bills": null },
    });
    const stats = await h.control<{ faults: number }>("GET", "/stats");
    expect(stats.body.faults).toBeGreaterThanOrEqual(4);
  });
});
