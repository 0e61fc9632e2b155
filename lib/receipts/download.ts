/**
 * Downloads one receipt file from its pre-signed URL: streamed and capped (a 2 GB file never
 * sits in memory), typed by its bytes, not by the header a file store sends, and every
 * failure named for what the worker does next (lib/receipts/rules.ts):
 *
 * - 403 → `expired`: S3-style stores answer an expired or re-signed URL with 403; the worker
 *   fetches a fresh URL from Ramp once, then counts an attempt;
 * - 404/410 → `gone`: the file was deleted;
 * - 408/429/5xx, network errors and timeouts → `transient`;
 * - other 4xx → `transient` too (unknown meaning; bounded by MAX_RECEIPT_ATTEMPTS);
 * - larger than the cap (by Content-Length or while reading) → `too_large`;
 * - not a PDF or an image (an HTML error page served with 200, say) → `unsupported_type`.
 *
 * `detail` never carries the URL's query: its signature is a bearer credential (README,
 * "Logs carry no secrets").
 */

export type DownloadFailure = "expired" | "gone" | "too_large" | "unsupported_type" | "transient";

export type DownloadResult =
  | { ok: true; bytes: Uint8Array; contentType: string; ext: string }
  | { ok: false; reason: DownloadFailure; detail: string };

export interface DownloadOptions {
  maxBytes: number;
  /** Whole download, headers to last byte. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

/** Origin and path only: the query of a pre-signed URL is its credential. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

interface FileType {
  contentType: string;
  ext: string;
  test(b: Uint8Array): boolean;
}

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The receipt types Ramp takes (PDFs, phone photos, screenshots), by magic bytes. */
const TYPES: readonly FileType[] = [
  { contentType: "application/pdf", ext: "pdf", test: (b) => starts(b, ascii("%PDF-")) },
  {
    contentType: "image/png",
    ext: "png",
    test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { contentType: "image/jpeg", ext: "jpg", test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { contentType: "image/gif", ext: "gif", test: (b) => starts(b, ascii("GIF8")) },
  {
    contentType: "image/webp",
    ext: "webp",
    test: (b) => starts(b, ascii("RIFF")) && starts(b, ascii("WEBP"), 8),
  },
  {
    contentType: "image/tiff",
    ext: "tif",
    test: (b) => starts(b, [0x49, 0x49, 0x2a, 0x00]) || starts(b, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  {
    // ISO-BMFF brands of iPhone photos.
    contentType: "image/heic",
    ext: "heic",
    test: (b) =>
      starts(b, ascii("ftyp"), 4) &&
      ["heic", "heix", "mif1", "msf1", "hevc"].some((brand) => starts(b, ascii(brand), 8)),
  },
];

export function sniffType(bytes: Uint8Array): { contentType: string; ext: string } | null {
  const t = TYPES.find((x) => x.test(bytes));
  return t ? { contentType: t.contentType, ext: t.ext } : null;
}

function failureFor(status: number): DownloadFailure {
  if (status === 403) return "expired";
  if (status === 404 || status === 410) return "gone";
  return "transient";
}

export async function downloadFile(url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const where = redactUrl(url);
  const doFetch = opts.fetch ?? fetch;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS);
  try {
    let res: Response;
    try {
      res = await doFetch(url, { signal: ctrl.signal, redirect: "follow" });
    } catch (err) {
      const what = ctrl.signal.aborted ? "timed out" : (err as Error).message;
      return { ok: false, reason: "transient", detail: `download ${where}: ${what}` };
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: failureFor(res.status), detail: `download ${where}: HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return tooLarge(where, declared, opts.maxBytes);
    }
    const read = await readCapped(res, opts.maxBytes);
    if ("over" in read) return tooLarge(where, read.over, opts.maxBytes);
    if ("error" in read) {
      const what = ctrl.signal.aborted ? "timed out" : read.error;
      return { ok: false, reason: "transient", detail: `download ${where}: ${what}` };
    }
    const type = sniffType(read.bytes);
    if (!type) {
      const header = (res.headers.get("content-type") ?? "none").slice(0, 80);
      return {
        ok: false,
        reason: "unsupported_type",
        detail: `download ${where}: not a PDF or image (Content-Type ${header})`,
      };
    }
    return { ok: true, bytes: read.bytes, ...type };
  } finally {
    clearTimeout(timer);
  }
}

const tooLarge = (where: string, bytes: number, max: number): DownloadResult => ({
  ok: false,
  reason: "too_large",
  detail: `download ${where}: ${bytes} bytes or more, over the ${max}-byte limit`,
});

async function readCapped(
  res: Response,
  maxBytes: number,
): Promise<{ bytes: Uint8Array } | { over: number } | { error: string }> {
  if (!res.body) return { bytes: new Uint8Array() };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { over: total };
      }
      chunks.push(value);
    }
  } catch (err) {
    return { error: (err as Error).message };
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes };
}
