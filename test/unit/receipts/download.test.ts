/**
 * The downloader against a real HTTP server on localhost: what each answer of a file store
 * becomes, the cap enforced while streaming, and no URL query (a signature) in any detail.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFile, redactUrl, sniffType } from "../../../lib/receipts/download.js";

const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(2000, 0x20), Buffer.from("\n%%EOF\n")]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/pdf") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": PDF.length });
      res.end(PDF);
    } else if (path === "/png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    else if (path === "/html")
      res.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>");
    else if (path === "/big-declared") {
      res.writeHead(200, { "content-length": 10_000 });
      res.end(Buffer.alloc(10_000));
    } else if (path === "/big-chunked") {
      // No Content-Length: only counting while reading catches it.
      res.writeHead(200, { "transfer-encoding": "chunked" });
      let n = 0;
      const push = () => {
        if (n++ > 50) return res.end();
        res.write(Buffer.alloc(1000, 0x25), () => setImmediate(push));
      };
      push();
    } else if (path === "/expired") res.writeHead(403).end("<Error><Code>AccessDenied</Code></Error>");
    else if (path === "/gone") res.writeHead(404).end();
    else if (path === "/down") res.writeHead(503).end();
    else if (path === "/slow") setTimeout(() => res.writeHead(200).end(PDF), 2000);
    else res.writeHead(400).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const SIG = "?Expires=1&Signature=s3cr3tsig";
const get = (path: string, maxBytes = 5000, timeoutMs?: number) =>
  downloadFile(`${base}${path}${SIG}`, { maxBytes, ...(timeoutMs ? { timeoutMs } : {}) });

describe("downloadFile", () => {
  it("returns the bytes, typed by their magic, not by the header", async () => {
    const pdf = await get("/pdf");
    expect(pdf).toMatchObject({ ok: true, contentType: "application/pdf", ext: "pdf" });
    if (pdf.ok) expect(Buffer.from(pdf.bytes).equals(PDF)).toBe(true);
    expect(await get("/png")).toMatchObject({ ok: true, contentType: "image/png", ext: "png" });
  });

  it("refuses what is not a receipt file", async () => {
    expect(await get("/html")).toMatchObject({ ok: false, reason: "unsupported_type" });
  });

  it("caps by Content-Length and while streaming", async () => {
    expect(await get("/big-declared")).toMatchObject({ ok: false, reason: "too_large" });
    expect(await get("/big-chunked")).toMatchObject({ ok: false, reason: "too_large" });
    expect(await get("/big-chunked", 100_000)).toMatchObject({ ok: false, reason: "unsupported_type" });
  });

  it("names each failure for what comes next", async () => {
    expect(await get("/expired")).toMatchObject({ ok: false, reason: "expired" });
    expect(await get("/gone")).toMatchObject({ ok: false, reason: "gone" });
    expect(await get("/down")).toMatchObject({ ok: false, reason: "transient" });
    expect(await get("/slow", 5000, 200)).toMatchObject({ ok: false, reason: "transient" });
    expect(await downloadFile("http://127.0.0.1:1/x", { maxBytes: 10 })).toMatchObject({
      ok: false,
      reason: "transient",
    });
  });

  it("never puts the URL's signature in a detail", async () => {
    for (const p of ["/html", "/big-declared", "/expired", "/gone", "/down"]) {
      const r = await get(p);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.detail).toContain(`${base}${p}`);
        expect(r.detail).not.toContain("s3cr3tsig");
      }
    }
    expect(redactUrl("https://receipts.ramp.com/a/b.png?Expires=1&Signature=x")).toBe(
      "https://receipts.ramp.com/a/b.png",
    );
  });

  it("sniffs the image types phones and scanners produce", () => {
    const heic = Buffer.from([0, 0, 0, 24, ...Buffer.from("ftypheic")]);
    expect(sniffType(heic)?.ext).toBe("heic");
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.ext).toBe("jpg");
    expect(sniffType(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))?.ext).toBe("webp");
    expect(sniffType(Buffer.from("hello"))).toBeNull();
  });
});
