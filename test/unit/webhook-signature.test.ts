import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { decodeSignature, signaturesOf, verifySignature } from "../../lib/webhook/signature.js";

// Spy on the comparison the verifier uses (the real one still runs).
vi.mock("node:crypto", async (importOriginal) => {
  const orig = await importOriginal<typeof import("node:crypto")>();
  return { ...orig, timingSafeEqual: vi.fn(orig.timingSafeEqual) };
});

const secret = "whsec_0123456789abcdef";
const body = Buffer.from('{"id":"e1","type":"transactions.ready_to_sync","object":{"id":"t1"}}');
const sign = (s: string, b: Buffer | string, enc: "hex" | "base64") =>
  createHmac("sha256", s).update(b).digest(enc);

describe("webhook signature", () => {
  it.each([
    ["x-ramp-signature", "hex"],
    ["x-ramp-signature", "base64"],
    ["x-ramp-webhook-signature", "hex"],
    ["x-ramp-webhook-signature", "base64"],
  ] as const)("accepts %s in %s", (header, enc) => {
    expect(verifySignature(body, { [header]: sign(secret, body, enc) }, [secret])).toEqual({
      ok: true,
      secretIndex: 0,
    });
  });

  it("matches header names case-insensitively, upper-case hex, sha256= prefix, URL-safe unpadded base64", () => {
    const hex = sign(secret, body, "hex");
    const b64 = sign(secret, body, "base64");
    expect(verifySignature(body, { "X-Ramp-Signature": hex.toUpperCase() }, [secret]).ok).toBe(true);
    expect(verifySignature(body, { "x-ramp-signature": `sha256=${hex}` }, [secret]).ok).toBe(true);
    const urlSafe = b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(verifySignature(body, { "x-ramp-signature": urlSafe }, [secret]).ok).toBe(true);
  });

  it("signs the exact bytes: one changed byte, re-serialised JSON or another secret is a mismatch", () => {
    const sig = sign(secret, body, "hex");
    const tampered = Buffer.from(body.toString().replace("t1", "t2"));
    expect(verifySignature(tampered, { "x-ramp-signature": sig }, [secret])).toEqual({
      ok: false,
      reason: "mismatch",
    });
    const reserialised = JSON.stringify(JSON.parse(body.toString()), null, 1);
    expect(verifySignature(reserialised, { "x-ramp-signature": sig }, [secret]).ok).toBe(false);
    expect(verifySignature(body, { "x-ramp-signature": sig }, ["other-secret"]).ok).toBe(false);
  });

  it("tries every live secret (rotation) and says which one matched", () => {
    const sig = sign("new-secret", body, "base64");
    expect(verifySignature(body, { "x-ramp-signature": sig }, ["old-secret", "new-secret"])).toEqual({
      ok: true,
      secretIndex: 1,
    });
  });

  it("distinguishes unsigned, undecodable and no-secret", () => {
    expect(verifySignature(body, {}, [secret])).toEqual({ ok: false, reason: "unsigned" });
    expect(verifySignature(body, { "x-ramp-signature": "" }, [secret])).toEqual({
      ok: false,
      reason: "unsigned",
    });
    expect(verifySignature(body, { "x-ramp-signature": "not-a-digest" }, [secret])).toEqual({
      ok: false,
      reason: "undecodable",
    });
    // A 31-byte digest (truncated) never reaches timingSafeEqual with unequal lengths.
    const short = createHmac("sha256", secret).update(body).digest().subarray(0, 31).toString("hex");
    expect(verifySignature(body, { "x-ramp-signature": short }, [secret])).toEqual({
      ok: false,
      reason: "undecodable",
    });
    expect(verifySignature(body, { "x-ramp-signature": sign(secret, body, "hex") }, [])).toEqual({
      ok: false,
      reason: "no-secret",
    });
  });

  it("takes every value of a repeated header (API Gateway joins them with commas)", () => {
    const good = sign(secret, body, "hex");
    expect(signaturesOf({ "x-ramp-signature": `deadbeef, ${good}` })).toEqual(["deadbeef", good]);
    expect(verifySignature(body, { "x-ramp-signature": `deadbeef,${good}` }, [secret]).ok).toBe(true);
    expect(
      verifySignature(body, { "x-ramp-signature": "x", "x-ramp-webhook-signature": good }, [secret]).ok,
    ).toBe(true);
  });

  it("decodes only 32-byte digests", () => {
    expect(decodeSignature("ab".repeat(32))?.length).toBe(32);
    expect(decodeSignature("ab".repeat(33))).toBeNull();
    expect(decodeSignature(Buffer.alloc(32, 7).toString("base64"))?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(decodeSignature(Buffer.alloc(33, 7).toString("base64"))).toBeNull();
  });

  it("compares only through timingSafeEqual, every candidate against every secret, even after a match", () => {
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    const good = sign(secret, body, "hex");
    const r = verifySignature(body, { "x-ramp-signature": `${good},${"0".repeat(64)}` }, [
      secret,
      "s2",
      "s3",
    ]);
    expect(r).toEqual({ ok: true, secretIndex: 0 });
    expect(spy).toHaveBeenCalledTimes(6);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });
});
