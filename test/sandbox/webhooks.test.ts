import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: J;
}

/** A real HTTP receiver on loopback; `statuses` are answered in order, then 200. */
async function receiver(statuses: number[] = []) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      got.push({ headers: req.headers, raw, body: JSON.parse(raw) as J });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, got, statuses, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const hmac = (secret: string, raw: string, enc: "hex" | "base64" = "hex") =>
  createHmac("sha256", secret).update(raw).digest(enc);

describe("sandbox webhooks", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({
      transactions: 20,
      bills: 10,
      reimbursements: 5,
      config: { webhooks: { baseDelayMs: 5, maxDelayMs: 20 } },
    });
  });
  afterEach(() => h.close());

  async function subscribe(url: string, types: string[]): Promise<{ id: string; secret: string }> {
    const r = await h.api<J>("POST", "/webhooks", {
      body: { endpoint_url: url, event_types: types, additional_headers: { "X-Tenant": "t1" } },
    });
    expect(r.status).toBe(201);
    await h.sb.control.webhooksIdle();
    return { id: r.body.id, secret: r.body.secret };
  }

  it("runs the subscribe → signed verification with challenge → verify → active handshake", async () => {
    const rx = await receiver();
    try {
      const r = await h.api<J>("POST", "/webhooks", {
        body: { endpoint_url: rx.url, event_types: ["transactions.ready_to_sync"] },
      });
      expect(r.body).toMatchObject({ status: "pending_verification", secret: expect.any(String) });
      await h.sb.control.webhooksIdle();
      const v = rx.got[0] as Received;
      expect(v.body.type).toBe("webhooks.verification");
      expect(v.headers["x-ramp-signature"]).toBe(hmac(r.body.secret, v.raw));
      expect(v.headers["x-ramp-webhook-id"]).toBeUndefined();
      expect(
        (await h.api("POST", `/webhooks/${r.body.id}/verify`, { body: { challenge: "wrong" } })).status,
      ).toBe(400);
      const ok = await h.api<J>("POST", `/webhooks/${r.body.id}/verify`, {
        body: { challenge: v.body.challenge },
      });
      expect(ok.body).toEqual({ success: true });
      const got = await h.api<J>("GET", `/webhooks/${r.body.id}`);
      expect(got.body.status).toBe("active");
      expect(got.body).not.toHaveProperty("secret");
      const listed = await h.api<J[]>("GET", "/webhooks");
      expect(Array.isArray(listed.body)).toBe(true);
    } finally {
      await rx.close();
    }
  });

  it("sends no business events before verification, then signed ready_to_sync events with event ids", async () => {
    const rx = await receiver();
    try {
      const sub = await subscribe(rx.url, ["transactions.ready_to_sync"]);
      await h.control("POST", "/mark-ready", { kind: "transactions", count: 1 });
      await h.sb.control.webhooksIdle();
      expect(rx.got).toHaveLength(1); // only the verification
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[0]?.body.challenge } });
      const marked = await h.control<{ ids: string[] }>("POST", "/mark-ready", {
        kind: "transactions",
        count: 2,
      });
      await h.sb.control.webhooksIdle();
      const events = rx.got.slice(1);
      expect(events.map((e) => e.body.object.id)).toEqual(marked.body.ids);
      for (const e of events) {
        expect(e.body.type).toBe("transactions.ready_to_sync");
        expect(e.headers["x-ramp-signature"]).toBe(hmac(sub.secret, e.raw));
        expect(e.headers["x-ramp-webhook-id"]).toBe(e.body.id);
        expect(e.headers["x-tenant"]).toBe("t1");
        expect(e.body.business_id).toBe(h.sb.businessId);
      }
    } finally {
      await rx.close();
    }
  });

  it("retries 5xx and 429 with backoff (same event id) and does not retry 4xx", async () => {
    const rx = await receiver([500, 200]);
    try {
      const sub = await subscribe(rx.url, ["transactions.ready_to_sync"]);
      expect(rx.got.map((g) => g.body.type)).toEqual(["webhooks.verification", "webhooks.verification"]);
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[1]?.body.challenge } });
      rx.got.length = 0;
      rx.statuses.push(503, 429, 200);
      await h.control("POST", "/mark-ready", { kind: "transactions", count: 1 });
      await h.sb.control.webhooksIdle();
      expect(rx.got).toHaveLength(3);
      expect(new Set(rx.got.map((g) => g.body.id)).size).toBe(1);
      const attempts = (await h.control<J[]>("GET", "/webhooks/deliveries")).body.filter(
        (a) => a.subscription_id === sub.id && a.event_type === "transactions.ready_to_sync",
      );
      expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
        [1, 503, "retrying"],
        [2, 429, "retrying"],
        [3, 200, "delivered"],
      ]);
      rx.statuses.push(404);
      await h.control("POST", "/mark-ready", { kind: "transactions", count: 1 });
      await h.sb.control.webhooksIdle();
      const last = (await h.control<J[]>("GET", "/webhooks/deliveries")).body.at(-1);
      expect(last).toMatchObject({ status: 404, outcome: "failed", attempt: 1 });
      expect(rx.got).toHaveLength(4);
    } finally {
      await rx.close();
    }
  });

  it("gives up after maxAttempts", async () => {
    await h.control("PUT", "/config", { webhooks: { maxAttempts: 3 } });
    const rx = await receiver([500, 500, 500, 500]);
    try {
      const r = await h.api<J>("POST", "/webhooks", {
        body: { endpoint_url: rx.url, event_types: ["bills.paid"] },
      });
      await h.sb.control.webhooksIdle();
      expect(rx.got).toHaveLength(3);
      const attempts = (await h.control<J[]>("GET", "/webhooks/deliveries")).body.filter(
        (a) => a.subscription_id === r.body.id,
      );
      expect(attempts.map((a) => a.outcome)).toEqual(["retrying", "retrying", "failed"]);
    } finally {
      await rx.close();
    }
  });

  it("optionally delivers duplicates and the events of one action out of order", async () => {
    const rx = await receiver();
    try {
      const sub = await subscribe(rx.url, ["transactions.ready_to_sync"]);
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[0]?.body.challenge } });
      rx.got.length = 0;
      await h.control("PUT", "/config", { webhooks: { duplicate: true, outOfOrder: true } });
      const marked = await h.control<{ ids: string[] }>("POST", "/mark-ready", {
        kind: "transactions",
        count: 3,
      });
      await h.sb.control.webhooksIdle();
      expect(rx.got).toHaveLength(6);
      const objects = [...new Set(rx.got.map((g) => g.body.object.id))];
      expect(objects).toEqual([...marked.body.ids].reverse());
      expect(new Set(rx.got.map((g) => g.body.id)).size).toBe(3);
    } finally {
      await rx.close();
    }
  });

  it("fires sync_requested with the sync_request_id, signed in a configurable header and encoding", async () => {
    await connect(h, { transaction_sync_button_enabled: true });
    await h.control("PUT", "/config", {
      webhooks: { signatureHeader: "X-Ramp-Webhook-Signature", encoding: "base64" },
    });
    const rx = await receiver();
    try {
      const sub = await subscribe(rx.url, ["transactions.sync_requested"]);
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[0]?.body.challenge } });
      const click = await h.control<J>("POST", "/sync-all", { kind: "transactions" });
      await h.sb.control.webhooksIdle();
      const ev = rx.got[1] as Received;
      expect(ev.body).toMatchObject({
        type: "transactions.sync_requested",
        object: { sync_request_id: click.body.sync_request_id },
      });
      expect(ev.headers["x-ramp-webhook-signature"]).toBe(hmac(sub.secret, ev.raw, "base64"));
    } finally {
      await rx.close();
    }
  });

  it("fires bills.approved, bills.paid and bills.ready_to_sync as bills move", async () => {
    const rx = await receiver();
    try {
      const sub = await subscribe(rx.url, [
        "bills.approved",
        "bills.paid",
        "bills.ready_to_sync",
        "transactions.ready_to_sync",
      ]);
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[0]?.body.challenge } });
      rx.got.length = 0;
      const bill = (await h.api<{ data: J[] }>("GET", "/bills?approval_status=PENDING")).body.data[0] as J;
      await h.control("POST", `/bills/${bill.id}/approve`);
      const paid = await h.control<J>("POST", `/bills/${bill.id}/pay`, { method: "CARD" });
      await h.sb.control.webhooksIdle();
      expect(rx.got.map((g) => [g.body.type, g.body.object.id])).toEqual([
        ["bills.approved", bill.id],
        ["bills.ready_to_sync", bill.id],
        ["bills.paid", bill.id],
        ["bills.ready_to_sync", bill.id],
        ["transactions.ready_to_sync", paid.body.card_transaction_id],
      ]);
    } finally {
      await rx.close();
    }
  });

  it("delivers a mock event to matching active subscriptions, signed like any other", async () => {
    const rx = await receiver();
    try {
      const sub = await subscribe(rx.url, ["bills.paid"]);
      await h.api("POST", `/webhooks/${sub.id}/verify`, { body: { challenge: rx.got[0]?.body.challenge } });
      const objectId = "5a2cca40-ef8c-4031-a1c3-48ba7c3622b0";
      const r = await h.api<J>("POST", "/webhooks/mock-webhook-event", {
        body: { event_type: "bills.paid", object_id: objectId },
      });
      expect(r.status).toBe(201);
      await h.sb.control.webhooksIdle();
      const ev = rx.got[1] as Received;
      expect(ev.body).toMatchObject({ id: r.body.id, type: "bills.paid", object: { id: objectId } });
      expect(ev.headers["x-ramp-signature"]).toBe(hmac(sub.secret, ev.raw));
      const bad = await h.api("POST", "/webhooks/mock-webhook-event", {
        body: { event_type: "bills.paid", object_id: "nope" },
      });
      expect(bad.status).toBe(422);
    } finally {
      await rx.close();
    }
  });

  it("needs the resource's read scope to subscribe to its events", async () => {
    const token = await h.token("transactions:read");
    const r = await h.api<J>("POST", "/webhooks", {
      token,
      body: { endpoint_url: "http://127.0.0.1:9/x", event_types: ["bills.paid"] },
    });
    expect(r.status).toBe(403);
    expect(r.body.error_v2.error_code).toBe("DEVELOPER_7100");
  });
});
