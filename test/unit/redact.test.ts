import { describe, expect, it } from "vitest";
import { REDACTED, redactingReplacer } from "../../lib/runtime/redact.js";

describe("redactingReplacer", () => {
  it("blanks credentials, tokens and card data at any depth", () => {
    const payload = {
      tenantId: "acme",
      access_token: "ramp_tok_abc",
      nested: {
        clientSecret: "s3cr3t",
        card_number: "4111111111111111",
        headers: { Authorization: "Bearer xyz" },
      },
      list: [{ password: "p" }],
    };
    const out = JSON.parse(JSON.stringify(payload, redactingReplacer));
    expect(out).toEqual({
      tenantId: "acme",
      access_token: REDACTED,
      nested: { clientSecret: REDACTED, card_number: REDACTED, headers: { Authorization: REDACTED } },
      list: [{ password: REDACTED }],
    });
  });

  it("keeps ordinary keys that merely contain a sensitive word", () => {
    const out = JSON.parse(
      JSON.stringify({ tokenExpiresAt: 5, secretId: "arn:x", note: "Bearer abc" }, redactingReplacer),
    );
    expect(out).toEqual({ tokenExpiresAt: 5, secretId: "arn:x", note: "Bearer [redacted]" });
  });
});
