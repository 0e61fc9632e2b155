/**
 * The sandbox console in a real browser (headless Chromium from Debian, driven by puppeteer-core)
 * against a whole local stack running the real handlers: a user marks transactions ready and codes
 * them in the console, an account goes inactive in the journal ERP, the user clicks Sync All →
 * Ramp (the sandbox) delivers `transactions.sync_requested` to the stack's webhook route → button
 * job → priority queue → syncer → reports under the request's id; the page's progress bar reaches
 * 100% with the summary, and Export Errors lists exactly the objects coded to the inactive account
 * with the integration's message. Then a receipt is added, and the UI Export button's warning: dismissed changes nothing,
 * accepted marks the object synced. Screenshots go to test-results/console/.
 *
 * Skipped (with a message) when /usr/bin/chromium is absent; CI installs it (.ci/run).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../local/ramp-sandbox/clock.js";
import { EXPORT_WARNING } from "../../local/ramp-sandbox/console/warnings.js";
import type { Txn } from "../../local/ramp-sandbox/model.js";
import type { LocalStack } from "../../local/runtime/stack.js";
import { type SandboxRamp, sandboxRamp } from "../integration/coa-harness.js";
import { deactivateAccount, demoEntityLinks, opsOn, startJournalStack } from "../support/journal-stack.js";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM)
  console.warn(
    `test/e2e/console.test.ts skipped: ${CHROMIUM} is absent (apt-get install -y --no-install-recommends chromium)`,
  );
const SHOTS = join(process.cwd(), "test-results", "console");
const TENANT = "console";

let r: SandboxRamp;
let stack: LocalStack;
let journal: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const url = (path: string) => `${r.sb.url}${path}`;
const biz = () => r.sb.state.businesses.get(r.sb.businessId);
const txns = (): readonly Txn[] => biz()?.transactions.all() ?? [];

/** Clicks and waits for the reload the console does after an action, returning the flash text. */
async function clickAndReload(selector: string): Promise<string> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
  return page.$eval("#flash", (e) => e.textContent ?? "");
}

describe.skipIf(!HAS_CHROMIUM)("the sandbox console in Chromium, on a local stack", () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // Wall-clock sandbox: the webhook and button job run on wall time, and the request's deadline is Ramp's.
    r = await sandboxRamp({
      transactions: 16,
      readyShare: 0.5,
      entities: 2,
      currencies: ["USD", "EUR"],
      clock: systemClock,
    });
    // Retries spread past the receiver's 2 s secret re-read interval (as the ops-button test does).
    r.sb.control.setConfig({ webhooks: { baseDelayMs: 300, maxDelayMs: 3_000 } });
    const links = await demoEntityLinks(r);
    ({ stack, journal } = await startJournalStack(r, {
      tenantId: TENANT,
      prefix: "console",
      tenant: {
        entities: links,
        coa: { pushTax: false },
        ramp: {
          baseUrl: r.sb.url,
          remoteProviderName: "Journal (console)",
          settings: { transactionSyncButton: true },
        },
      },
    }));
    const sub = await opsOn(
      stack,
      "webhooks",
      "subscribe",
      "--tenant",
      TENANT,
      "--endpoint",
      stack.webhookUrl,
      "--timeout-ms",
      "15000",
    );
    expect(sub.err).toEqual([]);
    expect(sub.code).toBe(0);
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update"],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    // A CSP violation or a script error would show here: the page must run clean.
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    // The user links each Ramp entity to its ERP company in Ramp's UI (the tenant maps them the same way).
    for (const l of links) await r.control("PUT", `/entities/${l.rampEntityId}`, { remote_id: l.companyKey });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await r?.close();
  });

  it("mark ready, code, Sync All to 100%, the Export Errors it expects, and the Export warning", async () => {
    // 1. The overview: objects by status per kind and entity; the chart the integration pushed.
    await page.goto(url("/console"), { waitUntil: "load" });
    await shot("01-overview");
    expect(await page.$$eval("table.counts tbody tr", (rows) => rows.length)).toBeGreaterThan(1);
    await page.goto(url("/console/chart"), { waitUntil: "load" });
    expect(await page.$eval("main", (m) => m.textContent ?? "")).toContain("Expenses:Meals");
    await shot("02-chart");

    // 2. Mark every not-ready transaction ready (select all, Mark ready).
    const notReady = txns()
      .filter((t) => t.status === "NOT_SYNC_READY")
      .map((t) => t.id);
    expect(notReady.length).toBeGreaterThan(0);
    await page.goto(url("/console/objects?kind=transaction&bucket=not_ready"), { waitUntil: "load" });
    await page.click("input[data-select-all]");
    expect(await clickAndReload('button[data-action="mark-ready"]')).toBe(`${notReady.length} marked ready`);
    expect(txns().every((t) => t.status === "SYNC_READY")).toBe(true);
    await shot("03-marked-ready");

    // 3. Code them (as users code in Ramp) against the pushed chart; then Meals goes
    // inactive in the ERP: every transaction coded to it must come back as an Export Error.
    await page.goto(url("/console"), { waitUntil: "load" });
    expect(await clickAndReload('button[data-action="code"]')).toMatch(/^Coded: /);
    await deactivateAccount(journal);
    const meals = (t: Txn) =>
      [...t.header, ...t.lines.flatMap((l) => l.selections)].some(
        (s) => s.type === "GL_ACCOUNT" && s.external_id === "demo:Expenses:Meals",
      );
    const expectedErrors = txns()
      .filter(meals)
      .map((t) => t.id)
      .sort();
    expect(expectedErrors.length).toBeGreaterThan(0);
    expect(expectedErrors.length).toBeLessThan(txns().length);

    // 4. Sync All: the page watches the request while the stack drains.
    const seen: string[] = [];
    await page.click("#sync-all-transactions");
    await page.waitForSelector(".sync-request[data-state]");
    seen.push(await page.$eval(".sync-request", (e) => e.getAttribute("data-percent") ?? ""));
    await shot("04-sync-requested");
    await r.sb.control.webhooksIdle();
    const deliveries = await r.control<Array<{ event_type: string; status: number | null }>>(
      "GET",
      "/webhooks/deliveries",
    );
    expect(
      deliveries.filter((d) => d.event_type === "transactions.sync_requested").map((d) => d.status),
    ).toEqual([200]);
    await stack.drain({ timeoutMs: 120_000 });
    await page.waitForSelector('.sync-request[data-state="done"][data-percent="100"]', { timeout: 30_000 });
    seen.push(await page.$eval(".sync-request", (e) => e.getAttribute("data-percent") ?? ""));
    const summary = await page.$eval(".sync-request .summary", (e) => e.textContent ?? "");
    await shot("05-sync-complete");
    const total = txns().length;
    expect(seen).toEqual(["0", "100"]);
    expect(summary).toBe(
      `Sync complete: 100% · ${total - expectedErrors.length} synced, ${expectedErrors.length} failed, 0 pending of ${total}`,
    );

    // The counts under the bar were refreshed with it: synced and Export errors columns (5th, 7th).
    const column = (n: number) =>
      page.$$eval(
        "#counts tbody tr",
        (rows, i) => rows.reduce((a, tr) => a + Number(tr.children[i]?.textContent ?? 0), 0),
        n,
      );
    expect([await column(4), await column(6)]).toEqual([
      total - expectedErrors.length,
      expectedErrors.length,
    ]);
    expect(await page.$eval("#error-count", (e) => e.textContent?.trim())).toBe(
      `${expectedErrors.length} Export Error${expectedErrors.length === 1 ? "" : "s"}`,
    );

    // 5. Export Errors: exactly the Meals-coded transactions, each with the integration's message.
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/console/errors"]')]);
    const errors = await page.$$eval("table.objects tbody tr", (rows) =>
      rows.map((tr) => ({
        id: tr.getAttribute("data-id") ?? "",
        message: tr.querySelector(".message")?.textContent ?? "",
      })),
    );
    await shot("06-export-errors");
    expect(errors.map((e) => e.id).sort()).toEqual(expectedErrors);
    for (const e of errors) expect(e.message).toMatch(/^Account "demo:Expenses:Meals" \(6100\) is inactive/);

    // 6. One failed object's detail: its error and history; the Export button warns first.
    const failed = expectedErrors[0] as string;
    await page.goto(url(`/console/objects/${failed}`), { waitUntil: "load" });
    const facts = await page.$eval("main", (m) => m.textContent ?? "");
    expect(facts).toContain("sync_failed");
    expect(facts).toContain("Export error");
    await shot("07-detail");
    // Add receipt: the user attaches one (the sandbox fires transactions.receipt_added).
    const before = biz()?.transactions.get(failed)?.receipts.length ?? 0;
    expect(await clickAndReload('button[data-action="add-receipt"]')).toMatch(/^Receipt [0-9a-f-]+ added$/);
    expect(biz()?.transactions.get(failed)?.receipts.length).toBe(before + 1);
    expect(await page.$$eval("ul.receipts li a", (as) => as.length)).toBe(before + 1);
    const dialogs: string[] = [];
    page.once("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.click('button[data-action="export"]');
    await new Promise((res) => setTimeout(res, 300));
    expect(dialogs).toEqual([EXPORT_WARNING]);
    expect(biz()?.transactions.get(failed)?.status).toBe("SYNC_READY");
    page.once("dialog", (d) => void d.accept());
    expect(await clickAndReload('button[data-action="export"]')).toBe(
      "1 exported (marked synced in Ramp only)",
    );
    expect(biz()?.transactions.get(failed)?.status).toBe("SYNCED");
    expect(pageErrors).toEqual([]);
  });
});
