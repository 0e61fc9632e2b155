/**
 * Names of attached receipt files, shared by the adapters (Tryton `ir.attachment.name`,
 * the journal's `receipts/<ref>/<file>` paths). Built only from our own identifiers —
 * the record's external ref and Ramp's receipt id — never from user text, and encoded
 * so that they are safe as one path segment and decode back to exactly those ids:
 *
 * - `A-Z a-z 0-9 _ -` stay as they are;
 * - `:` (the separator of `ramp:<kind>:<id>`) becomes `.`, except a leading one;
 * - everything else (a literal `.`, `~`, `/`, a leading `:`, any other character) becomes
 *   `~XX` per UTF-8 byte, upper-case hex.
 *
 * So a segment never starts with `.` (no `.`/`..`, no hidden file), holds no `/`, and
 * `.` and `~` are unambiguous, which makes the encoding injective: two refs never share
 * a folder, two receipts never share a file.
 */
import {
  type AttachItem,
  type AttachmentFile,
  type AttachOutcome,
  ErpError,
  integratorError,
} from "./port.js";

const KEEP = /^[A-Za-z0-9_-]$/;
/** Longest encoded segment accepted (file systems allow 255 bytes; the extension needs room). */
const MAX_SEGMENT = 200;

const hex = (ch: string) =>
  [...Buffer.from(ch, "utf8")].map((b) => `~${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** One of our ids → a safe, reversible path segment. */
export function safeSegment(id: string): string {
  if (id === "") throw integratorError("Empty id in an attachment name");
  let out = "";
  Array.from(id).forEach((ch, i) => {
    if (KEEP.test(ch)) out += ch;
    else if (ch === ":" && i > 0) out += ".";
    else out += hex(ch);
  });
  if (out.length > MAX_SEGMENT)
    throw integratorError("Id too long for an attachment name", `${out.length} chars`);
  return out;
}

/** Inverse of safeSegment; null when `segment` is not in its canonical form. */
export function fromSegment(segment: string): string | null {
  if (!/^[A-Za-z0-9_~][A-Za-z0-9_.~-]*$/.test(segment)) return null;
  const decoded = segment
    .replace(/\./g, ":")
    .replace(/(?:~[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/~/g, ""), "hex").toString("utf8"));
  try {
    return safeSegment(decoded) === segment ? decoded : null;
  } catch {
    return null;
  }
}

const BY_TYPE: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/jpg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
  "image/heif": "heif",
  "image/tiff": "tiff",
  "text/plain": "txt",
};

/** The extension of a file: its fileName's (built by us, `<receiptId>.<ext>`), else from the content type, else `bin`. */
export function extensionOf(file: Pick<AttachmentFile, "fileName" | "contentType">): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(file.fileName);
  if (m?.[1]) return m[1].toLowerCase();
  return BY_TYPE[file.contentType.split(";")[0]?.trim().toLowerCase() ?? ""] ?? "bin";
}

/** `<safe receipt id>.<ext>`: the receipt's file name in the ERP. */
export function receiptFileName(
  file: Pick<AttachmentFile, "receiptId" | "fileName" | "contentType">,
): string {
  return `${safeSegment(file.receiptId)}.${extensionOf(file)}`;
}

/** The receipt id a receiptFileName names, or null for any other name. */
export function receiptIdOfFileName(name: string): string | null {
  const m = /^(.+)\.([a-z0-9]{1,10})$/.exec(name);
  return m?.[1] ? fromSegment(m[1]) : null;
}

/** Refuses a file the port says no adapter takes (the downloader caps below it). */
export function assertAttachable(files: readonly AttachmentFile[], maxBytes: number): void {
  for (const f of files) {
    if (f.bytes.byteLength > maxBytes)
      throw integratorError(
        "Receipt file is larger than the ERP accepts",
        `${f.receiptId}: ${f.bytes.byteLength} bytes`,
      );
    if (!f.receiptId) throw integratorError("Receipt without an id");
  }
}

/**
 * An adapter's attachMany around its batch write: items with a file no adapter takes fail alone
 * (assertAttachable), the rest go to `write` together, outcomes back in input order.
 */
export async function attachChecked(
  items: readonly AttachItem[],
  maxBytes: number,
  write: (ok: AttachItem[]) => Promise<AttachOutcome[]>,
): Promise<AttachOutcome[]> {
  const out: AttachOutcome[] = items.map(() => []);
  const ok: number[] = [];
  for (const [k, item] of items.entries()) {
    try {
      assertAttachable(item.files, maxBytes);
      ok.push(k);
    } catch (e) {
      if (!(e instanceof ErpError)) throw e;
      out[k] = e;
    }
  }
  if (!ok.length) return out;
  const got = await write(ok.map((k) => items[k] as AttachItem));
  for (const [i, k] of ok.entries()) out[k] = got[i] as AttachOutcome;
  return out;
}
