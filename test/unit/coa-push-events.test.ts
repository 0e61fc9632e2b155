import { describe, expect, it } from "vitest";
import { parseCoaPushEvent, parseCoaPushMessage } from "../../functions/coa-push/events.js";

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

  it("parses the fleet fields, and refuses a malformed due time or an unknown reason", () => {
    const body = { tenantId: "acme", notBefore: "2026-06-15T05:12:00.000Z", reason: "schedule" };
    const ok = parseCoaPushMessage({ messageId: "1", body: JSON.stringify(body) });
    expect(ok).toEqual({ messageId: "1", request: body, error: null });
    for (const bad of [
      { ...body, notBefore: "tomorrow" },
      { ...body, reason: "cron" },
    ]) {
      const m = parseCoaPushMessage({ messageId: "2", body: JSON.stringify(bad) });
      expect(m.request).toBeNull();
    }
  });

  it("refuses anything else, including extra keys on a direct invoke", () => {
    expect(() => parseCoaPushEvent({ tenantId: "acme", extra: true })).toThrow(/unrecognised event/);
    expect(() => parseCoaPushEvent({ source: "aws.events", "detail-type": "Other" })).toThrow();
  });
});
