import { afterEach, describe, expect, it } from "vitest";
import {
  CARD_REDACTED,
  clearRegisteredSecrets,
  luhnValid,
  REDACTED,
  redactingReplacer,
  redactText,
  registerSecret,
  registerSecretsIn,
} from "../../lib/domain/redact.js";

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

describe("registered secrets and patterns", () => {
  afterEach(() => clearRegisteredSecrets());

  it("replaces a registered secret wherever it appears, in any string, at any depth, escaped or not", () => {
    const secret = 'qz7"Lw0pXv9k';
    registerSecret(secret);
    const err = new Error(`POST /tryton/ → 500: {"params":["admin",{"password":${JSON.stringify(secret)}}]}`);
    const out = JSON.stringify(
      { message: `echo ${secret} echo`, nested: { list: [`x${encodeURIComponent(secret)}x`] }, e: err.stack },
      redactingReplacer,
    );
    expect(out).not.toContain("qz7");
    expect(out).toContain(REDACTED);
  });

  it("does not register short values (they would mangle ordinary text)", () => {
    registerSecret("admin");
    expect(redactText("user admin logged in")).toBe("user admin logged in");
  });

  it("registers the sensitive fields of a loaded secret document", () => {
    registerSecretsIn({
      client_id: "app-1234567",
      client_secret: "k2n9v8c7x6z5",
      nested: { password: "pw-98765432" },
    });
    expect(redactText("app-1234567 k2n9v8c7x6z5 pw-98765432")).toBe(`app-1234567 ${REDACTED} ${REDACTED}`);
  });

  it("hides bearer tokens and Authorization values in free text, keeping the scheme", () => {
    expect(redactText("sent Bearer eyJhbGciOi.abc-def_1 to x")).toBe(`sent Bearer ${REDACTED} to x`);
    expect(redactText("Authorization: Session YWRtaW46MTpr")).toBe(`Authorization: Session ${REDACTED}`);
    expect(redactText('{"authorization":"Basic dXNlcjpwYXNz"}')).toBe(
      `{"authorization":"Basic ${REDACTED}"}`,
    );
    expect(redactText('{\\"Authorization\\":\\"abc123\\"}')).toBe(`{\\"Authorization\\":\\"${REDACTED}\\"}`);
  });

  it("redacts Luhn-valid card numbers (13-19 digits, spaces or dashes), not other digit runs", () => {
    expect(redactText("memo card 4111 1111 1111 1111 lunch")).toBe(`memo card ${CARD_REDACTED} lunch`);
    expect(redactText("pan=4111-1111-1111-1111;")).toBe(`pan=${CARD_REDACTED};`);
    expect(redactText("amex 378282246310005.")).toBe(`amex ${CARD_REDACTED}.`);
    // Fails Luhn: an id or a timestamp, kept.
    expect(redactText("id 4111111111111112")).toBe("id 4111111111111112");
    // Inside a longer digit/dash run (an all-digit UUID-like id): kept.
    expect(redactText("12345678-1234-1234-1234-123456789012")).toBe("12345678-1234-1234-1234-123456789012");
    expect(luhnValid("79927398713")).toBe(true);
  });
});
