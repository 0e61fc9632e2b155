import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, type Harness, harness } from "./support.js";

describe("sandbox auth: token, bearer, scopes, expiry, tenants", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());

  it("issues a 10-day bearer token for client credentials via Basic auth", async () => {
    const res = await fetch(`${h.sb.url}/developer/v1/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${h.sb.clientId}:${h.sb.clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&scope=transactions%3Aread",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(864000);
    expect(body.scope).toBe("transactions:read");
    expect(String(body.access_token)).toMatch(/^ramp_tok_/);
  });

  it("also accepts client credentials in the form body", async () => {
    const res = await fetch(`${h.sb.url}/developer/v1/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: h.sb.clientId,
        client_secret: h.sb.clientSecret,
        scope: "bills:read",
      }).toString(),
    });
    expect(res.status).toBe(200);
  });

  it("refuses wrong credentials with an OAuth invalid_client error", async () => {
    const res = await fetch(`${h.sb.url}/developer/v1/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from(`${h.sb.clientId}:nope`).toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
  });

  it("answers 401 without a bearer token and for an unknown one, with x-trace-id", async () => {
    const none = await fetch(`${h.sb.url}/developer/v1/transactions`);
    expect(none.status).toBe(401);
    expect(none.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
    const bad = await h.api("GET", "/transactions", { token: "ramp_tok_forged" });
    expect(bad.status).toBe(401);
    expect(bad.body).toHaveProperty("error_v2");
  });

  it("answers an unknown path with a plain 404 before any auth", async () => {
    const res = await fetch(`${h.sb.url}/developer/v1/no-such-thing`);
    expect(res.status).toBe(404);
  });

  it("answers 403 DEVELOPER_7100 when the token did not request the endpoint's scope", async () => {
    const token = await h.token("transactions:read");
    const ok = await h.api("GET", "/transactions?page_size=2", { token });
    expect(ok.status).toBe(200);
    const denied = await h.api<{ error_v2: { error_code: string; message: string } }>("GET", "/bills", {
      token,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error_v2.error_code).toBe("DEVELOPER_7100");
    expect(denied.body.error_v2.message).toContain("bills:read");
  });

  it("mints a token for a scope the app was not granted, then refuses the call with 403", async () => {
    const app = await h.control<{ client_id: string; client_secret: string }>("POST", "/apps", {
      scopes: ["transactions:read"],
    });
    const token = await h.token(ALL, { clientId: app.body.client_id, clientSecret: app.body.client_secret });
    expect(token).toMatch(/^ramp_tok_/);
    const denied = await h.api<{ error_v2: { error_code: string } }>("GET", "/accounting/all-connections", {
      token,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error_v2.error_code).toBe("DEVELOPER_7100");
    expect((await h.api("GET", "/transactions?page_size=2", { token })).status).toBe(200);
  });

  it("expires tokens after expires_in (clock advanced, no sleeping)", async () => {
    const token = await h.token();
    expect((await h.api("GET", "/entities", { token })).status).toBe(200);
    h.sb.control.advanceClock(864_000_000 - 1_000);
    expect((await h.api("GET", "/entities", { token })).status).toBe(200);
    h.sb.control.advanceClock(2_000);
    const expired = await h.api<{ error_v2: { message: string } }>("GET", "/entities", { token });
    expect(expired.status).toBe(401);
    expect(expired.body.error_v2.message).toMatch(/expired/i);
  });

  it("revokes a token", async () => {
    const token = await h.token();
    const res = await fetch(`${h.sb.url}/developer/v1/token/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(res.status).toBe(200);
    expect((await h.api("GET", "/entities", { token })).status).toBe(401);
  });

  it("hosts several businesses at once, each seeing only its own data", async () => {
    const second = await h.control<{ client_id: string; client_secret: string; business_id: string }>(
      "POST",
      "/businesses",
      {
        seed: 99,
        transactions: 3,
        bills: 1,
      },
    );
    expect(second.status).toBe(201);
    const t2 = await h.token(ALL, {
      clientId: second.body.client_id,
      clientSecret: second.body.client_secret,
    });
    const mine = await h.api<{ data: { id: string }[] }>("GET", "/transactions?page_size=100", { token: t2 });
    const theirs = await h.api<{ data: { id: string }[] }>("GET", "/transactions?page_size=100", {
      token: await h.token(),
    });
    const mineIds = new Set(mine.body.data.map((t) => t.id));
    expect(mineIds.size).toBeGreaterThanOrEqual(3);
    expect(theirs.body.data.some((t) => mineIds.has(t.id))).toBe(false);
  });
});
