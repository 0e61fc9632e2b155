/**
 * The sandbox console over HTTP: every page renders, user-controlled text (a merchant named
 * `<script>…`, an export error with markup, a GL account pushed with an onerror attribute) is
 * inert, the pages carry a CSP allowing only their own script, a coding from the console goes
 * through the developer codings route's rules, and the Sync Button's progress reads the request.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

const SCRIPT = `<script>alert("pwned")</script>`;
const IMG = `"><img src=x onerror=alert(1)>`;

describe("sandbox console (/console)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness({
      transactions: 12,
      reimbursements: 2,
      bills: 2,
      transfers: 1,
      cashbacks: 1,
      vendorCredits: 1,
      entities: 1,
      currencies: ["USD"],
      merchants: [SCRIPT, IMG],
      readyShare: 0.5,
    });
  });
  afterEach(() => h.close());

  const get = async (path: string) => {
    const res = await fetch(`${h.sb.url}${path}`);
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  /** The only elements a page may hold that run or load anything: its own script tag. */
  const active = (text: string) => ({
    scripts: text.match(/<script\b/gi)?.length ?? 0,
    imgs: text.match(/<img\b/gi)?.length ?? 0,
    handlers: text.match(/<[^>]*\son\w+=/gi)?.length ?? 0,
  });

  it("renders every page; hostile merchant names, error messages and chart names stay text", async () => {
    const conn = await connect(h, { transaction_sync_button_enabled: true });
    await uploadChart(h);
    await h.api("POST", "/accounting/accounts", {
      body: { gl_accounts: [{ id: "6900", name: IMG, classification: "EXPENSE", code: "6900" }] },
    });
    const txns = (await h.api<{ data: { id: string }[] }>("GET", "/transactions?sync_status=SYNC_READY")).body
      .data;
    const failed = txns[0]?.id as string;
    const report = await h.api("POST", "/accounting/syncs", {
      body: {
        idempotency_key: "console-1",
        sync_type: "TRANSACTION_SYNC",
        failed_syncs: [{ id: failed, error: { message: `Period closed ${SCRIPT}` } }],
      },
    });
    expect(report.status).toBe(201);

    for (const path of [
      "/console",
      "/console/objects",
      "/console/objects?kind=bills",
      "/console/objects?kind=vendor_credit",
      "/console/errors",
      "/console/chart",
      `/console/objects/${failed}`,
    ]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(page.headers.get("content-security-policy"), path).toMatch(/script-src 'self'/);
      expect(active(page.text), path).toEqual({ scripts: 1, imgs: 0, handlers: 0 });
      expect(page.text, path).toContain('<script src="/console/console.js"></script>');
    }
    const objects = await get("/console/objects");
    expect(objects.text).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    expect(objects.text).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    const errors = await get("/console/errors");
    expect(errors.text).toContain("Period closed &lt;script&gt;");
    expect(errors.text).toContain(`data-id="${failed}"`);
    const chart = await get("/console/chart");
    expect(chart.text).toContain(`data-connection-id="${conn}"`);
    expect(chart.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const detail = await get(`/console/objects/${failed}`);
    expect(detail.text).toContain("sync_failed");
    expect(detail.text).toContain('data-action="add-receipt"');
  });

  it("unknown pages and objects are HTML 404s naming what is missing; a bad kind is a 400 naming the kinds", async () => {
    const page = await get("/console/nothing-here");
    expect(page.status).toBe(404);
    expect(page.text).toContain("No console page /console/nothing-here");
    const obj = await get(`/console/objects/${encodeURIComponent("<b>x</b>")}`);
    expect(obj.status).toBe(404);
    expect(obj.text).toContain("No object &lt;b&gt;x&lt;/b&gt;");
    const kind = await get("/console/objects?kind=widgets");
    expect(kind.status).toBe(400);
    expect(JSON.parse(kind.text).error).toMatch(
      /unknown kind widgets: use one of transaction, reimbursement/,
    );
  });

  it("a console coding goes through the developer codings route: its rules, its errors", async () => {
    const post = async (body: unknown) => {
      const res = await fetch(`${h.sb.url}/console/api/codings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await post({ object_id: "x" })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^invalid coding: selections: /) },
    });
    const txn = (await h.api<{ data: { id: string }[] }>("GET", "/transactions")).body.data[0]?.id as string;
    // No connection yet: refused exactly as the developer route refuses it.
    const none = await post({ object_id: txn, selections: [{ accounting_field_option_id: "nope" }] });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("No active API-based accounting connection");
    await connect(h);
    const chart = await uploadChart(h);
    const unknown = await post({ object_id: txn, selections: [{ accounting_field_option_id: "nope" }] });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain(
      "accounting_field_selections[0].accounting_field_option_id",
    );
    const gl = chart.gl[0]?.ramp_id as string;
    const ok = await post({ object_id: txn, selections: [{ accounting_field_option_id: gl }] });
    expect(ok.status).toBe(200);
    const detail = await get(`/console/objects/${txn}`);
    expect(detail.text).toContain("Travel");
  });

  it("the Sync Button's progress: 0% while rows are pending, 100% and the summary once reported", async () => {
    await connect(h, { transaction_sync_button_enabled: true });
    const req = (
      await h.control<{ sync_request_id: string; total: number }>("POST", "/sync-all", {
        kind: "transactions",
      })
    ).body;
    expect(req.total).toBeGreaterThan(1);
    const running = await get("/console");
    expect(running.text).toContain(
      `data-sync-request-id="${req.sync_request_id}" data-state="running" data-percent="0"`,
    );
    expect(running.text).toContain(`Syncing: 0% · 0 synced, 0 failed, ${req.total} pending of ${req.total}`);
    const rows = (await h.api<{ data: { id: string }[] }>("GET", "/transactions?requested_to_sync=true")).body
      .data;
    const [bad, ...good] = rows.map((r) => r.id);
    await h.api("POST", "/accounting/syncs", {
      body: {
        idempotency_key: "console-sync",
        sync_type: "TRANSACTION_SYNC",
        sync_request_id: req.sync_request_id,
        successful_syncs: good.map((id) => ({ id, reference_id: `JE-${id}` })),
        failed_syncs: [{ id: bad, error: { message: "GL account 6200 is inactive" } }],
      },
    });
    const done = await get("/console");
    expect(done.text).toContain(`data-state="done" data-percent="100"`);
    expect(done.text).toContain(
      `Sync complete: 100% · ${good.length} synced, 1 failed, 0 pending of ${req.total}`,
    );
    expect(done.text).toContain("1 Export Error<");
  });
});
