import { afterEach, describe, expect, it, vi } from "vitest";
import { clearRegisteredSecrets, registerSecret } from "../../lib/domain/redact.js";
import { createLogger, rampLoggerOf } from "../../lib/runtime/observability.js";

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

describe("rampLoggerOf over createLogger", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    clearRegisteredSecrets();
  });

  it("redacts registered secrets, bearer tokens and card numbers in messages, fields and logged errors", () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    registerSecret("vq8Rk2mXp4Lz");
    const log = rampLoggerOf(createLogger("test-fn", "DEBUG"));
    log.info("login vq8Rk2mXp4Lz failed", { detail: { echo: "pw=vq8Rk2mXp4Lz Bearer tok123456" } });
    log.error("boom", { error: new Error("memo 4111 1111 1111 1111 and vq8Rk2mXp4Lz") });
    const text = lines.join("");
    expect(text).toContain('"function":"test-fn"');
    expect(text).not.toContain("vq8Rk2mXp4Lz");
    expect(text).not.toContain("tok123456");
    expect(text).not.toContain("4111 1111");
  });
});
