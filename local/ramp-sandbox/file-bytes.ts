/**
 * Deterministic, real-looking file bodies for receipts and invoices: a minimal valid PDF
 * (`%PDF-1.4` … `%%EOF`, correct xref offsets), a valid PNG (signature, IHDR, IDAT, IEND) and a
 * baseline JPEG (FF D8 FF … FF D9), each padded to an exact byte size with bytes its format
 * ignores (PDF comments, a private PNG chunk, JPEG COM segments). The padding is generated in
 * chunks, so a 30 MB receipt is streamed rather than held as one buffer.
 */
import { deflateSync } from "node:zlib";
import type { ReceiptContentType } from "./model.js";

const CHUNK = 64 * 1024;

/** The parts of a file: fixed head and tail around `pad` filler bytes streamed in between. */
interface Layout {
  head: Buffer;
  tail: Buffer;
  /** Yields exactly `n` padding bytes for this format. */
  pad: (n: number) => Generator<Buffer>;
  padBytes: number;
}

/** The file's layout for its content type (one choice, shared by the bytes and their length). */
const layoutOf = (contentType: ReceiptContentType, label: string, size: number) =>
  contentType === "application/pdf"
    ? pdf(label, size)
    : contentType === "image/png"
      ? png(label, size)
      : jpeg(size);

/** Yields the whole file of exactly `size` bytes (or the unpadded file when it is larger). */
export function* fileBytes(contentType: ReceiptContentType, label: string, size: number): Generator<Buffer> {
  const l = layoutOf(contentType, label, size);
  yield l.head;
  yield* l.pad(l.padBytes);
  yield l.tail;
}

export function fileLength(contentType: ReceiptContentType, label: string, size: number): number {
  const l = layoutOf(contentType, label, size);
  return l.head.length + l.padBytes + l.tail.length;
}

/** Printable filler from the label, repeated (deterministic, compresses well if anyone zips it). */
function filler(label: string, n: number): Buffer {
  const unit = Buffer.from(`${label} `, "latin1");
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, n - i));
  return out;
}

// ---- PDF ----------------------------------------------------------------------------------

function pdf(label: string, size: number): Layout {
  const header = Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1");
  const text = `(Ramp sandbox ${label.replace(/[()\\]/g, "")}) Tj`;
  const content = `BT /F1 12 Tf 72 720 Td ${text} ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const body = objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`);
  const bodyLen = body.reduce((s, b) => s + b.length, 0);
  const tailFor = (padBytes: number): Buffer => {
    let offset = header.length + padBytes;
    const xref = ["xref", `0 ${objects.length + 1}`, "0000000000 65535 f "];
    for (const b of body) {
      xref.push(`${String(offset).padStart(10, "0")} 00000 n `);
      offset += b.length;
    }
    const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
    return Buffer.from(`${body.join("")}${xref.join("\n")}\n${trailer}`, "latin1");
  };
  // The tail's length depends on the digits of `startxref` only; find the padding that fits.
  let padBytes = 0;
  for (let digits = 1; digits <= 12; digits++) {
    const base = tailFor(0).length - String(header.length + bodyLen).length + digits;
    const p = size - header.length - base;
    if (p >= 0 && String(header.length + p + bodyLen).length === digits) {
      padBytes = p;
      break;
    }
  }
  return { head: header, tail: tailFor(padBytes), padBytes, pad: (n) => pdfComments(label, n) };
}

/** `%…\n` comment lines (a lone `\n` for a 1-byte rest): whitespace and comments between objects. */
function* pdfComments(label: string, n: number): Generator<Buffer> {
  const line = Buffer.concat([Buffer.from("%"), filler(`receipt padding ${label}`, 78), Buffer.from("\n")]);
  const perChunk = Math.floor(CHUNK / line.length);
  const block = Buffer.concat(Array.from({ length: perChunk }, () => line));
  let left = n;
  while (left >= block.length) {
    yield block;
    left -= block.length;
  }
  while (left >= line.length) {
    yield line;
    left -= line.length;
  }
  if (left === 1) yield Buffer.from("\n");
  else if (left > 1) yield Buffer.concat([Buffer.from("%"), filler("pad", left - 2), Buffer.from("\n")]);
}

// ---- PNG ----------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crcUpdate(crc: number, buf: Buffer): number {
  let c = crc;
  for (let i = 0; i < buf.length; i++) c = (CRC_TABLE[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crcUpdate(0xffffffff, td) ^ 0xffffffff) >>> 0);
  return Buffer.concat([len, td, crc]);
}

function png(label: string, size: number): Layout {
  // An 8×8 RGB image: a flat colour picked from the label, one filter byte per scanline.
  let c = 0;
  for (const ch of label) c = (c * 31 + ch.charCodeAt(0)) >>> 0;
  const [r, g, b] = [200 + (c % 56), 200 + ((c >>> 8) % 56), 200 + ((c >>> 16) % 56)];
  const raw = Buffer.alloc(8 * (1 + 8 * 3));
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) raw.set([r, g, b], y * 25 + 1 + x * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw)),
  ]);
  const tail = pngChunk("IEND", Buffer.alloc(0));
  // Padding is one private ancillary chunk ("sbPd", ignored by decoders): 12 bytes of framing.
  const padBytes = Math.max(0, size - head.length - tail.length);
  return { head, tail, padBytes: padBytes >= 12 ? padBytes : 0, pad: (n) => pngPadding(label, n) };
}

function* pngPadding(label: string, n: number): Generator<Buffer> {
  if (n < 12) return;
  const dataLen = n - 12;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(dataLen);
  const type = Buffer.from("sbPd", "latin1");
  yield Buffer.concat([len, type]);
  let crc = crcUpdate(0xffffffff, type);
  const block = filler(`receipt padding ${label}`, CHUNK);
  for (let left = dataLen; left > 0; left -= CHUNK) {
    const part = left >= CHUNK ? block : block.subarray(0, left);
    crc = crcUpdate(crc, part);
    yield part;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  yield out;
}

// ---- JPEG ---------------------------------------------------------------------------------

/**
 * A baseline 8×8 greyscale JPEG: one block, DC difference 0 and an immediate end-of-block, with
 * one-symbol Huffman tables (so the scan is the single byte 0x3F: codes `0`,`0`, then 1-bits).
 */
function jpeg(size: number): Layout {
  const seg = (marker: number, data: number[]) => [
    0xff,
    marker,
    (data.length + 2) >> 8,
    (data.length + 2) & 0xff,
    ...data,
  ];
  const head = Buffer.from([
    0xff,
    0xd8,
    ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
  ]);
  const tail = Buffer.from([
    ...seg(0xdb, [0x00, ...Array.from({ length: 64 }, () => 1)]),
    ...seg(0xc0, [0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]),
    // DC table 0: one code of length 1 for category 0; AC table 0: one code of length 1 for EOB.
    ...seg(0xc4, [0x00, 0x01, ...Array.from({ length: 15 }, () => 0), 0x00]),
    ...seg(0xc4, [0x10, 0x01, ...Array.from({ length: 15 }, () => 0), 0x00]),
    ...seg(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
    0x3f,
    0xff,
    0xd9,
  ]);
  const padBytes = Math.max(0, size - head.length - tail.length);
  return { head, tail, padBytes: padBytes >= 4 ? padBytes : 0, pad: jpegComments };
}

/** COM segments of 4..65537 bytes each, evenly split so none is too short to frame. */
function* jpegComments(n: number): Generator<Buffer> {
  if (n < 4) return;
  const max = 65_537;
  const count = Math.ceil(n / max);
  const base = Math.floor(n / count);
  let extra = n - base * count;
  const text = filler("Ramp sandbox receipt", max);
  for (let i = 0; i < count; i++) {
    const total = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    const len = total - 2;
    yield Buffer.from([0xff, 0xfe, len >> 8, len & 0xff]);
    yield text.subarray(0, total - 4);
  }
}
