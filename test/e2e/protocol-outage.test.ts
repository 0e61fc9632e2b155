/**
 * "An ERP outage makes items transient-failed and then synced after recovery; a
 * closed period yields a user-actionable message in Ramp's Export Errors."
 *
 * The syncer Lambda behind the SQS event source mapping (fauxqs, visibility
 * timeout, DLQ), the scheduled sweep Lambda, DynamoDB Local, the Ramp sandbox
 * over HTTP and the journal ERP whose books are closed through mid-May (the seeded spend spans April to June).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import { type ErpPort, transientError } from "../../lib/erp/port.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type Harness, syncerHarness, TENANT } from "../integration/syncer-harness.js";
import {
  bodiesOf,
  expectExactlyOnce,
  type Lambdas,
  loadLambdas,
  sweepOnce,
  wire,
  workQueue,
} from "./protocol-support.js";

let sqs: LocalSqs;
let l: Lambdas;
let h: Harness;

beforeAll(async () => {
  sqs = await startLocalSqs();
  l = await loadLambdas();
});
afterAll(async () => {
  await sqs?.stop();
});
afterEach(async () => h?.close());

const journalCount = async (kind: string, rampId: string) =>
  (await h.journalRefs()).get(externalRef(kind as never, rampId)) ?? 0;

describe("ERP outage and closed period, end to end", () => {
  it("an outage fails items transiently (retried, then told 'we'll retry'), and they sync once the ERP is back", async () => {
    h = await syncerHarness({
      transactions: 6,
      reimbursements: 2,
      transfers: 1,
      cashbacks: 1,
      vendorlessShare: 0,
    });
    let down = true;
    const flaky: ErpPort = Object.create(h.erp);
    const unavailable = () => transientError("UNAVAILABLE", "ERP unavailable");
    flaky.postBatch = async (p) => {
      if (down) throw unavailable();
      return h.erp.postBatch(p);
    };
    flaky.post = async (p) => {
      if (down) throw unavailable();
      return h.erp.post(p);
    };
    await wire(l, h, { rt: async () => ({ ...(await h.rt()), erp: flaky }) });
    const items = await h.ready();
    const queue = await workQueue(sqs, l, "outage");

    await queue.deliver(bodiesOf(items));
    await sweepOnce(l);
    const n = h.tenant.sync.transientAttemptsBeforeReport;
    for (const it of items) {
      const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
      expect(row, it.rampId).toMatchObject({
        state: "FAILED",
        category: "transient",
        attempts: n,
        told: true,
      });
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNC_READY");
      expect(o.sync.last_error).toBe("ERP unavailable. We'll retry shortly.");
    }
    expect((await h.journalRefs()).size).toBe(0);
    expect((await sqs.depth(queue.q.dlq?.url as string)).total).toBe(0);

    down = false;
    await queue.deliver(bodiesOf(items)); // the next poll cycle
    await sweepOnce(l);
    await expectExactlyOnce(h, items, expect, journalCount);
    for (const it of items) expect((await h.object(it.rampId)).sync.last_error).toBeNull();
  });

  it("a closed period fails only the objects dated in it, user-actionable, with how to fix in Ramp's Export Errors", async () => {
    h = await syncerHarness({
      transactions: 14,
      reimbursements: 3,
      transfers: 0,
      cashbacks: 0,
      vendorlessShare: 0,
      closedThrough: "2026-05-15",
    });
    await wire(l, h);
    const items = await h.ready();
    const dateOf = (it: (typeof items)[number]) => {
      const s = it.snapshot as {
        accountingDate?: string | null;
        userTransactionTime?: string | null;
        transactionDate?: string | null;
      };
      return String(s.accountingDate ?? s.userTransactionTime ?? s.transactionDate ?? "").slice(0, 10);
    };
    const closed = items.filter((it) => dateOf(it) <= "2026-05-15");
    const open = items.filter((it) => dateOf(it) > "2026-05-15");
    expect(closed.length).toBeGreaterThan(0);
    expect(open.length).toBeGreaterThan(0);
    const queue = await workQueue(sqs, l, "closed-period");
    await queue.deliver(bodiesOf(items));
    await sweepOnce(l);

    for (const it of closed) {
      const row = await h.store.ledger.get(TENANT, it.kind, it.rampId);
      expect(row, it.rampId).toMatchObject({
        state: "FAILED",
        category: "user_actionable",
        told: true,
        attempts: 1,
      });
      const o = await h.object(it.rampId);
      expect(o.sync.status).toBe("SYNC_READY");
      expect(o.sync.last_error).toMatch(
        /^Accounting period 2026-0[45] is closed\. The books of demo(-eu)? are closed through 2026-05-15\. Reopen .* or change the accounting date, and retry\.$/,
      );
      expect(await journalCount(it.kind, it.rampId)).toBe(0);
    }
    await expectExactlyOnce(h, open, expect, journalCount);
    // Delivered once: a user-actionable failure is not retried through SQS.
    expect((await sqs.depth(queue.q.dlq?.url as string)).total).toBe(0);
  });
});
