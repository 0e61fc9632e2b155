/**
 * The pure parts of DLQ listing: one redacted line per failure
 * (lib/domain/message-failure.ts `errorSummary`), what a DLQ body is
 * (lib/aws/dlq.ts `summarizeBody`: work message, poll job, or a redacted
 * preview) and a message's age as ops prints it.
 */
import { describe, expect, it } from "vitest";
import { summarizeBody } from "../../lib/aws/dlq.js";
import { errorSummary } from "../../lib/domain/message-failure.js";
import { formatAge } from "../../ops/dlq-commands.js";

describe("errorSummary", () => {
  it("is one line with the error's name, card numbers and bearer tokens redacted", () => {
    const e = new TypeError("bad\n  memo 4111-1111-1111-1111\nAuthorization: Bearer abc.def.ghi");
    const s = errorSummary(e);
    expect(s).toBe("TypeError: bad memo [card redacted] Authorization: Bearer [redacted]");
  });

  it("cuts long text after redacting it, and names non-errors", () => {
    expect(errorSummary("x".repeat(600))).toHaveLength(500);
    expect(errorSummary(new Error("plain"))).toBe("plain");
    expect(errorSummary(42)).toBe("42");
    expect(errorSummary("")).toBe("(no message)");
  });
});

describe("summarizeBody", () => {
  it("reads work messages and poll jobs", () => {
    const work = JSON.stringify({
      v: 1,
      tenantId: "acme",
      kind: "bill",
      rampId: "b-1",
      source: "poll",
      enqueuedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(summarizeBody(work)).toEqual({ type: "work", tenantId: "acme", kind: "bill", rampId: "b-1" });
    const job = JSON.stringify({
      v: 1,
      type: "button",
      tenantId: "acme",
      kind: "transaction",
      syncRequestId: "s-1",
      dispatchedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(summarizeBody(job)).toEqual({ type: "poll-job", tenantId: "acme", kind: "transaction" });
  });

  it("keeps the tenant of other JSON and a short redacted preview of anything else", () => {
    expect(summarizeBody('{"tenantId":"acme"}')).toEqual({
      type: "unknown",
      tenantId: "acme",
      preview: '{"tenantId":"acme"}',
    });
    const junk = summarizeBody(`card 4111111111111111 ${"y".repeat(300)}`);
    expect(junk.type).toBe("unknown");
    expect(junk.preview).toContain("[card redacted]");
    expect(junk.preview).not.toContain("4111111111111111");
    expect(junk.preview?.length).toBe(120);
  });
});

describe("formatAge", () => {
  it("prints the two largest units", () => {
    expect(formatAge(0)).toBe("0s");
    expect(formatAge(59)).toBe("59s");
    expect(formatAge(90)).toBe("1m30s");
    expect(formatAge(3 * 3600 + 4 * 60 + 5)).toBe("3h4m");
    expect(formatAge(86_400 + 7200)).toBe("1d2h");
  });
});
