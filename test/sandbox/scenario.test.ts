import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Harness, harness, uploadChart } from "./support.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON under test, read loosely on purpose
type J = Record<string, any>;

async function all(h: Harness, path: string): Promise<J[]> {
  const out: J[] = [];
  let url: string | null = `${h.sb.url}/developer/v1${path}${path.includes("?") ? "&" : "?"}page_size=100`;
  while (url) {
    const r: { body: { data: J[]; page: { next: string | null } } } = await h.api("GET", url);
    out.push(...r.body.data);
    url = r.body.page.next;
  }
  return out;
}

/** One integration run over the wire: connect, push a chart, code, drain every ready queue. */
describe("sandbox end-to-end: an integration drains every ready queue", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({
      seed: 5,
      transactions: 80,
      bills: 30,
      reimbursements: 15,
      transfers: 4,
      cashbacks: 4,
    });
  });
  afterAll(() => h.close());

  it("ends with nothing left to sync and every object marked in Ramp", async () => {
    await connect(h);
    await uploadChart(h);
    expect((await h.control("POST", "/code", { seed: 1 })).status).toBe(200);
    let n = 0;
    const report = async (type: string, ids: string[]) => {
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const r = await h.api("POST", "/accounting/syncs", {
          body: {
            idempotency_key: `run-${n++}`,
            sync_type: type,
            successful_syncs: chunk.map((id) => ({ id, reference_id: `ERP-${id.slice(0, 8)}` })),
          },
        });
        expect(r.status, r.text).toBe(201);
      }
    };
    const bills = await all(h, "/bills?sync_ready=true");
    await report(
      "BILL_SYNC",
      bills.filter((b) => b.sync_status === "NOT_SYNCED").map((b) => b.id),
    );
    const payments = await all(h, "/bills?sync_status=BILL_SYNCED&sync_ready=true");
    await report(
      "BILL_PAYMENT_SYNC",
      payments.map((b) => b.id),
    );
    for (const [kind, type] of [
      ["transactions", "TRANSACTION_SYNC"],
      ["reimbursements", "REIMBURSEMENT_SYNC"],
      ["transfers", "TRANSFER_SYNC"],
      ["cashbacks", "STATEMENT_CREDIT_SYNC"],
    ] as const) {
      await report(
        type,
        (await all(h, `/${kind}?sync_status=SYNC_READY`)).map((x) => x.id),
      );
    }
    expect(await all(h, "/bills?sync_ready=true")).toEqual([]);
    for (const kind of ["transactions", "reimbursements", "transfers", "cashbacks"]) {
      expect(await all(h, `/${kind}?sync_status=SYNC_READY`)).toEqual([]);
    }
    const syncs = await h.control<J[]>("GET", "/syncs");
    const reported = new Set(syncs.body.flatMap((s) => s.successful));
    const summary = await h.control<J>("GET", "/summary");
    expect(summary.body.transactions.ready).toBe(0);
    expect(reported.size).toBeGreaterThan(summary.body.transactions.synced);
  });
});
