/**
 * A stable id for a bill's invoice file. Ramp gives bills only pre-signed
 * `invoice_urls[]` (REFERENCE.md §10), no file ids, and a fresh signature on every
 * read; the URL's origin and path name the stored object (as an S3 key does) and stay
 * the same (unknown: assumed, as for every pre-signed store). So the id is a digest of
 * origin + path: the same file gets the same id on every read, and (bill ref, id) is the
 * attachment's idempotency key like a receipt id is. The query (the signature) never
 * enters it, nor any log.
 */
import { createHash } from "node:crypto";

export function invoiceFileId(url: string): string {
  let key: string;
  try {
    const u = new URL(url);
    key = `${u.origin}${u.pathname}`;
  } catch {
    key = url.split("?")[0] ?? url;
  }
  return `invoice-${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}
