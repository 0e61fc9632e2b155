import { describe, expect, it } from "vitest";
import { coalescePlan } from "../../lib/webhook/coalesce.js";
import { classifyDelivery } from "../../lib/webhook/event.js";
import { parseSecretDoc, settingUp } from "../../lib/webhook/secret-doc.js";

const env = (type: string, object: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "ev-1",
    type,
    created_at: "2026-06-15T12:00:00Z",
    business_id: "biz",
    object,
    ...extra,
  });

describe("classifying a signed delivery", () => {
  it("routes ready_to_sync for transactions, reimbursements and bills to a poll", () => {
    for (const [type, source] of [
      ["transactions.ready_to_sync", "transaction"],
      ["reimbursements.ready_to_sync", "reimbursement"],
      ["bills.ready_to_sync", "bill"],
    ] as const) {
      expect(classifyDelivery(env(type, { id: "o1" }))).toEqual({
        kind: "ready_to_sync",
        eventId: "ev-1",
        source,
        objectId: "o1",
        businessId: "biz",
      });
    }
  });

  it("routes sync_requested to a button job with the sync_request_id from object", () => {
    expect(
      classifyDelivery(env("reimbursements.sync_requested", { id: "x", sync_request_id: "sr-9" })),
    ).toEqual({
      kind: "sync_requested",
      eventId: "ev-1",
      button: "reimbursement",
      syncRequestId: "sr-9",
      createdAt: "2026-06-15T12:00:00Z",
      objectId: "x",
      businessId: "biz",
    });
    expect(
      classifyDelivery(env("transactions.sync_requested", { id: "x", sync_request_id: "sr" })),
    ).toMatchObject({
      button: "transaction",
    });
  });

  it("reads the verification challenge at the top level", () => {
    const body = JSON.stringify({
      id: "v",
      type: "webhooks.verification",
      business_id: "b",
      challenge: "c0ffee",
    });
    expect(classifyDelivery(body)).toEqual({ kind: "verification", challenge: "c0ffee", businessId: "b" });
  });

  it("parks malformed and unknown events with a reason (and the event id when it can be read)", () => {
    expect(classifyDelivery("{not json")).toEqual({
      kind: "park",
      eventId: null,
      reason: "body is not JSON",
    });
    expect(classifyDelivery("[]")).toMatchObject({ kind: "park", eventId: null });
    expect(classifyDelivery(JSON.stringify({ id: "e", type: "transactions.ready_to_sync" }))).toMatchObject({
      kind: "park",
      eventId: "e",
      reason: expect.stringContaining("object"),
    });
    expect(classifyDelivery(env("transactions.sync_requested", { id: "x" }))).toMatchObject({
      kind: "park",
      eventId: "ev-1",
      reason: expect.stringContaining("sync_request_id"),
    });
    expect(classifyDelivery(JSON.stringify({ type: "webhooks.verification" }))).toMatchObject({
      kind: "park",
      reason: expect.stringContaining("challenge"),
    });
    expect(classifyDelivery(env("bills.paid", { id: "b" }))).toEqual({
      kind: "park",
      eventId: "ev-1",
      reason: "unhandled event type bills.paid",
    });
  });

  it("acknowledges Ramp's test event without work", () => {
    expect(classifyDelivery(env("tests.test_event", { id: "t" }))).toMatchObject({ kind: "acknowledged" });
  });
});

describe("coalescing ready_to_sync into one poll per window", () => {
  it("gives every event of a window the same marker and a delay past the window's end", () => {
    const t0 = Date.UTC(2026, 5, 15, 12, 0, 0);
    const a = coalescePlan(t0 + 1_000, 15);
    const b = coalescePlan(t0 + 14_999, 15);
    const c = coalescePlan(t0 + 15_000, 15);
    expect(a?.markerId).toBe(b?.markerId);
    expect(c?.markerId).not.toBe(a?.markerId);
    // The job starts after the window [t0, t0+15s) is over.
    expect(t0 + 1_000 + (a?.delaySeconds ?? 0) * 1000).toBeGreaterThan(t0 + 15_000);
    expect(t0 + 14_999 + (b?.delaySeconds ?? 0) * 1000).toBeGreaterThan(t0 + 15_000);
    expect(a?.ttlMs).toBeGreaterThan(15_000);
  });

  it("is off at 0 seconds", () => {
    expect(coalescePlan(Date.now(), 0)).toBeNull();
  });
});

describe("the webhook secret document", () => {
  it("accepts the full document, a bare {secret} and a plain string", () => {
    expect(
      parseSecretDoc(JSON.stringify({ businessId: "b", secrets: [{ secret: "s1", subscriptionId: "w1" }] })),
    ).toMatchObject({ businessId: "b", secrets: [{ secret: "s1", subscriptionId: "w1", addedAt: null }] });
    expect(parseSecretDoc(JSON.stringify({ secret: "s2" })).secrets).toEqual([
      { secret: "s2", subscriptionId: null, addedAt: null },
    ]);
    expect(parseSecretDoc("plain-secret").secrets.map((s) => s.secret)).toEqual(["plain-secret"]);
    expect(() => parseSecretDoc(JSON.stringify({ secrets: [{ secret: "" }] }))).toThrow();
  });

  it("knows when a set-up is in progress", () => {
    const doc = parseSecretDoc(JSON.stringify({ secrets: [], setupUntil: "2026-06-15T12:10:00.000Z" }));
    expect(settingUp(doc, Date.UTC(2026, 5, 15, 12, 5))).toBe(true);
    expect(settingUp(doc, Date.UTC(2026, 5, 15, 12, 11))).toBe(false);
  });
});
