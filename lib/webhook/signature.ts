/**
 * Ramp webhook signatures (docs/ramp-api.md §12.3): HMAC-SHA256 of the exact raw body
 * with the subscription's secret. Sources disagree on the header name
 * (`X-Ramp-Signature` vs `X-Ramp-Webhook-Signature`) and on the encoding (hex
 * in the 2025 guide, base64 in some integrators' code), so both names and both
 * encodings are accepted. Several secrets may be live at once (rotation: a new
 * subscription is verified before the old one is deleted), so each is tried.
 * Comparison is timing-safe on the decoded 32-byte digests. There is no
 * timestamp in the signature: replays are caught by event-id dedupe instead.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Lower-case header names, most specific first. */
const SIGNATURE_HEADERS = ["x-ramp-signature", "x-ramp-webhook-signature"] as const;

const DIGEST_BYTES = 32;

export type SignatureCheck =
  | { ok: true; secretIndex: number }
  | { ok: false; reason: "unsigned" | "undecodable" | "mismatch" | "no-secret" };

/** Headers as API Gateway v2 hands them (names lower-cased); other spellings are matched case-insensitively. */
export function signaturesOf(headers: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!(SIGNATURE_HEADERS as readonly string[]).includes(name.toLowerCase())) continue;
    // API Gateway joins repeated headers with commas; each part is a candidate.
    for (const part of value.split(",")) if (part.trim()) out.push(part.trim());
  }
  return out;
}

/**
 * The 32 digest bytes a header value carries, or null. Accepts lower/upper-case
 * hex, standard or URL-safe base64 (padding optional), and a `sha256=` prefix.
 */
export function decodeSignature(value: string): Buffer | null {
  const v = value.replace(/^sha256=/i, "").trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  if (!/^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(v)) return null;
  const bytes = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === DIGEST_BYTES ? bytes : null;
}

function hmacOf(secret: string, rawBody: Buffer | string): Buffer {
  return createHmac("sha256", secret).update(rawBody).digest();
}

/**
 * Checks the delivery against every live secret. Every candidate signature is
 * compared against every secret's digest with timingSafeEqual (equal lengths
 * are guaranteed by decodeSignature), so the time taken does not reveal how
 * many leading bytes matched.
 */
export function verifySignature(
  rawBody: Buffer | string,
  headers: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
): SignatureCheck {
  const given = signaturesOf(headers);
  if (given.length === 0) return { ok: false, reason: "unsigned" };
  if (secrets.length === 0) return { ok: false, reason: "no-secret" };
  const decoded = given.map(decodeSignature).filter((b): b is Buffer => b !== null);
  if (decoded.length === 0) return { ok: false, reason: "undecodable" };
  let match = -1;
  secrets.forEach((secret, i) => {
    const expected = hmacOf(secret, rawBody);
    for (const d of decoded) if (timingSafeEqual(expected, d) && match === -1) match = i;
  });
  return match === -1 ? { ok: false, reason: "mismatch" } : { ok: true, secretIndex: match };
}
