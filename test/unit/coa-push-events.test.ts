import { describe, expect, it } from "vitest";
import { parseCoaPushEvent } from "../../functions/coa-push/events.js";
import { staggerOffsets } from "../../lib/coa/run.js";

describe("coa-push events", () => {
  it("recognises the schedule, SQS batches and a direct invoke", () => {
    expect(
      parseCoaPushEvent({
        source: "aws.events",
        "detail-type": "Scheduled Event",
        time: "2026-06-15T03:00:00Z",
      }),
    ).toEqual({ kind: "schedule", time: "2026-06-15T03:00:00Z" });
    expect(parseCoaPushEvent({ tenantId: "acme", optionRemoval: "delete" })).toEqual({
      kind: "on_demand",
      request: { tenantId: "acme", optionRemoval: "delete" },
    });
    const sqs = parseCoaPushEvent({
      Records: [
        { messageId: "1", body: '{"tenantId":"acme"}', eventSource: "aws:sqs" },
        { messageId: "2", body: '{"tenantId":"bad id!"}', eventSource: "aws:sqs" },
        { messageId: "3", body: "{", eventSource: "aws:sqs" },
      ],
    });
    expect(sqs.kind).toBe("sqs");
    if (sqs.kind !== "sqs") return;
    expect(sqs.messages[0]).toEqual({ messageId: "1", request: { tenantId: "acme" }, error: null });
    expect(sqs.messages[1]?.request).toBeNull();
    expect(sqs.messages[1]?.error).toMatch(/tenantId/);
    expect(sqs.messages[2]).toEqual({ messageId: "3", request: null, error: "body is not JSON" });
  });

  it("refuses anything else, including extra keys on a direct invoke", () => {
    expect(() => parseCoaPushEvent({ tenantId: "acme", extra: true })).toThrow(/unrecognised event/);
    expect(() => parseCoaPushEvent({ source: "aws.events", "detail-type": "Other" })).toThrow();
  });
});

describe("staggerOffsets", () => {
  it("spreads tenants over the window and orders them by start time", () => {
    const seq = [0.9, 0.1, 0.5];
    let i = 0;
    const out = staggerOffsets(["a", "b", "c"], 1_000, () => seq[i++] ?? 0);
    expect(out).toEqual([
      { tenantId: "b", offsetMs: 100 },
      { tenantId: "c", offsetMs: 500 },
      { tenantId: "a", offsetMs: 900 },
    ]);
    expect(staggerOffsets(["a"], 0, () => 0.7)).toEqual([{ tenantId: "a", offsetMs: 0 }]);
  });
});
