import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../lib/runtime/observability.js";

describe("createLogger", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes JSON log lines with tokens and secrets redacted", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = createLogger("test-fn", "INFO");
    logger.info("token refreshed", { tenantId: "acme", access_token: "ramp_tok_live", client_secret: "shh" });
    const text = lines.join("");
    expect(text).toContain('"tenantId":"acme"');
    expect(text).toContain('"function":"test-fn"');
    expect(text).not.toContain("ramp_tok_live");
    expect(text).not.toContain("shh");
  });
});
