/**
 * The pre-signed file host behind `receipt_url` and bills' `invoice_urls`, S3-like: no bearer
 * auth, the URL's `Expires` + `Signature` are the credential. Missing/bad signature or an
 * expired URL → 403 with S3's XML error body; a deleted or unknown file → 404 `NoSuchKey`;
 * else 200 with the bytes (streamed), `Content-Type` and `Content-Length`.
 */
import type { ServerResponse } from "node:http";
import { fileBytes, fileLength } from "../file-bytes.js";
import type { Business, ReceiptContentType } from "../model.js";
import { checkSignature } from "../receipts.js";
import type { SandboxState } from "../state.js";

const RECEIPT = /^\/files\/receipts\/([^/]+)$/;
const INVOICE = /^\/files\/invoices\/([^/]+)\/(\d+)$/;

/** The stats/fault key of a file path, or null when it is no file route. */
export function fileRouteKey(method: string, path: string): string | null {
  if (RECEIPT.test(path)) return `${method} /files/receipts/{receipt_id}`;
  if (INVOICE.test(path)) return `${method} /files/invoices/{bill_id}/{n}`;
  return null;
}

function s3Error(res: ServerResponse, status: number, code: string, message: string, traceId: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${traceId}</RequestId></Error>`;
  res
    .writeHead(status, {
      "Content-Type": "application/xml",
      "Content-Length": String(Buffer.byteLength(body)),
      "x-trace-id": traceId,
    })
    .end(body);
}

interface Found {
  biz: Business;
  contentType: ReceiptContentType;
  size: number;
  label: string;
  filename: string;
  count: () => void;
}

function find(sb: SandboxState, path: string): { key: string; file: Found | null } | null {
  const r = RECEIPT.exec(path);
  if (r) {
    const id = decodeURIComponent(r[1] as string);
    for (const biz of sb.businesses.values()) {
      const x = biz.receipts.get(id);
      if (!x) continue;
      const ext = x.contentType === "application/pdf" ? "pdf" : x.contentType === "image/png" ? "png" : "jpg";
      return {
        key: `receipts/${id}`,
        file: x.deleted
          ? null
          : {
              biz,
              contentType: x.contentType,
              size: x.size,
              label: `receipt ${id}`,
              filename: `receipt-${id}.${ext}`,
              count: () => {
                biz.downloads.receipts[id] = (biz.downloads.receipts[id] ?? 0) + 1;
              },
            },
      };
    }
    return { key: `receipts/${id}`, file: null };
  }
  const i = INVOICE.exec(path);
  if (!i) return null;
  const billId = decodeURIComponent(i[1] as string);
  const n = Number(i[2]);
  const key = `invoices/${billId}/${n}`;
  for (const biz of sb.businesses.values()) {
    const inv = biz.bills.get(billId)?.invoiceFiles[n];
    if (!inv) continue;
    return {
      key,
      file: {
        biz,
        contentType: "application/pdf",
        size: inv.size,
        label: `invoice ${billId} ${n}`,
        filename: `invoice-${billId}-${n + 1}.pdf`,
        count: () => {
          const k = `${billId}/${n}`;
          biz.downloads.invoices[k] = (biz.downloads.invoices[k] ?? 0) + 1;
        },
      },
    };
  }
  return { key, file: null };
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Serves a `/files/…` path (GET or HEAD). */
export async function serveFile(
  sb: SandboxState,
  method: string,
  path: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const traceId = sb.rng.hex(16);
  const hit = find(sb, path);
  if (!hit) return s3Error(res, 404, "NoSuchKey", "The specified key does not exist.", traceId);
  if (method !== "GET" && method !== "HEAD") {
    return s3Error(
      res,
      405,
      "MethodNotAllowed",
      "The specified method is not allowed against this resource.",
      traceId,
    );
  }
  const check = checkSignature(sb, hit.key, query);
  if (check === "missing") {
    return s3Error(
      res,
      403,
      "AccessDenied",
      "Query-string authentication requires the Signature and Expires parameters",
      traceId,
    );
  }
  if (check === "bad_signature") {
    return s3Error(
      res,
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided.",
      traceId,
    );
  }
  if (check === "expired") return s3Error(res, 403, "AccessDenied", "Request has expired", traceId);
  const f = hit.file;
  if (!f) return s3Error(res, 404, "NoSuchKey", "The specified key does not exist.", traceId);
  res.writeHead(200, {
    "Content-Type": f.contentType,
    "Content-Length": String(fileLength(f.contentType, f.label, f.size)),
    "Content-Disposition": `inline; filename="${f.filename}"`,
    "x-trace-id": traceId,
  });
  if (method === "HEAD") {
    res.end();
    return;
  }
  f.count();
  for (const chunk of fileBytes(f.contentType, f.label, f.size)) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}
