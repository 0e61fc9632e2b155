/**
 * `npm run demo` as a user (or CI) runs it: the real process, stdout a pipe (not a TTY).
 * It prints plain periodic progress lines, ends with the reconciled table per kind and
 * company, explains every unsynced object (the seeded ones say what they demonstrate),
 * writes demo-report.json with the same content, prints no raw JSON, and exits 0.
 * With drift planted (a hidden test-only flag deletes one posted transaction's journal
 * entry before the ending) it exits 1 naming that transaction.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DemoReportSchema } from "../../local/demo-ending.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runDemo(...argv: string[]): Promise<{ code: number | null; out: string; err: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "demo-test-"));
  dirs.push(dir);
  return new Promise((done, fail) => {
    const child = spawn("npm", ["run", "-s", "demo", "--", "--dir", dir, ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err, dir }));
  });
}

describe("npm run demo (non-TTY)", () => {
  it("shows progress, ends reconciled with every unsynced object explained, writes demo-report.json, exits 0", async () => {
    // Ticks every second instead of 5 s: a small demo's drain may be over in less than 5 s.
    const r = await runDemo("--progress-ms", "1000");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    // Plain progress lines: per kind reported/due, then the step's closing line.
    expect(lines.some((l) => /^ {2}\[\d+s\] sync: transaction \d+\/61/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}\[done in \d+s\] sync: transaction 61\/61/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}\[done in \d+s\] reconcile: objects read \d+\/\d+/.test(l))).toBe(true);
    // No raw JSON blobs anywhere in what the user reads.
    expect(r.out).not.toMatch(/[{[]"/);
    // One table per kind, a row per company.
    const at = lines.indexOf("  transaction");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/company +Ramp +synced +not │ ledger +│ +ERP records +totals/);
    expect(lines[at + 2]).toMatch(/^ {4}demo +34 +34 +0 │ MARKED 34 +│ +\d+ +USD /);
    expect(r.out).toMatch(/Reconciled: Ramp, the ledger and the ERP agree on all \d+ objects/);
    expect(r.out).toContain("seeded on purpose — demonstrates a bill exported outside this integration");
    expect(r.out).toContain("What next:");

    const reportPath = join(r.dir, "demo-report.json");
    expect(r.out).toContain(`report: ${reportPath}`);
    const report = DemoReportSchema.parse(JSON.parse(readFileSync(reportPath, "utf8")));
    expect(report.ok).toBe(true);
    expect(report.unexpected).toBe(0);
    expect(report.unsynced.length).toBeGreaterThan(0);
    expect(report.unsynced.every((u) => u.seeded !== null)).toBe(true);
    const kinds = new Set(report.reconcile.kinds.map((k) => k.kind));
    expect(kinds).toEqual(
      new Set([
        "transaction",
        "bill",
        "bill_payment",
        "reimbursement",
        "transfer",
        "cashback",
        "vendor_credit",
      ]),
    );
  });

  it("with a journal entry deleted before the ending: names it and exits 1", async () => {
    const r = await runDemo("--transactions", "20", "--bills", "4", "--plant-drift", "erp-record");
    expect(r.code).toBe(1);
    const id = /planted drift: deleted transaction (\S+)'s entry/.exec(r.out)?.[1];
    expect(id).toBeDefined();
    expect(r.out).toContain("NOT reconciled: 1 mismatch(es) nobody planted:");
    expect(r.out).toMatch(new RegExp(`synced_without_erp_record +transaction +${id}`));
    expect(r.out).toContain("Demo FAILED");
    const report = DemoReportSchema.parse(JSON.parse(readFileSync(join(r.dir, "demo-report.json"), "utf8")));
    expect(report.ok).toBe(false);
    expect(report.reconcile.mismatches.map((m) => m.rampId)).toContain(id);
  });
});
