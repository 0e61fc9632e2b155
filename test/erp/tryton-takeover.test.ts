/**
 * Trust: a syncer killed while its Tryton write is in flight, then taken over by a
 * second syncer after the lease, must never let Ramp show an object synced whose
 * Tryton record is unfinished. The first worker is "killed" in-process: its adapter's
 * fetch never answers one chosen JSON-RPC request (test/erp/support/freeze.ts), so it
 * stops between two ERP calls and never runs another line (no clean-up, no report).
 * The second worker, after the harness clock passed the lease, must finish the record
 * (post the draft, add the payment, reconcile) and only then record and report it.
 *
 * Real wires: the live Tryton (integration user), the Ramp sandbox over HTTP, a
 * DynamoDB Local started by this file (the erp project has no globalSetup). The
 * database is persistent: a fresh sandbox seed per run gives fresh Ramp ids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalRef } from "../../lib/domain/kinds.js";
import type { RampBill, RampReimbursement } from "../../lib/ramp/model.js";
import { paymentMode, settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { type DynamoLocal, startDynamoLocal } from "../../local/runtime/dynamo-local.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "../integration/syncer-harness.js";
import {
  beforePaymentMove,
  beforeSettling,
  type Freeze,
  freezingFetch,
  INVOICE_POST,
  MOVE_POST,
} from "./support/freeze.js";
import { connectLive, type Live, type LiveCompany, liveTenantErp } from "./support/tryton-live.js";

let dynamo: DynamoLocal;
let live: Live;
let h: Harness;
let items: WorkItem[];

beforeAll(async () => {
  dynamo = await startDynamoLocal();
  live = await connectLive();
  h = await syncerHarness({
    seed: Date.now() % 1_000_000,
    transactions: 6,
    reimbursements: 6,
    bills: 10,
    transfers: 0,
    cashbacks: 0,
    vendorlessShare: 0,
    dynamoEndpoint: dynamo.endpoint,
    erp: liveTenantErp(live),
  });
  items = await h.ready();
});

afterAll(async () => {
  await h?.close();
  await h?.erp.close();
  await live?.session.rpc.logout().catch(() => undefined);
  await dynamo?.stop();
});

// ------------------------------------------------------------ helpers

const companyOf = (it: WorkItem): LiveCompany =>
  h.tenant.entities.find((e) => e.rampEntityId === it.entityId)?.companyKey === live.eu.key
    ? live.eu
    : live.us;

const used = new Set<string>();
/** A ready item nobody used yet; a missing one means the sandbox seed had none (rerun). */
function pick(what: string, f: (it: WorkItem) => boolean): WorkItem {
  const it = items.find((i) => !used.has(`${i.kind}#${i.rampId}`) && f(i));
  if (!it) throw new Error(`the sandbox seed has no ${what}`);
  used.add(`${it.kind}#${it.rampId}`);
  return it;
}

/**
 * Worker 1 takes the item and freezes at `stopAt` for good (a killed process: it never
 * continues, never cleans up, never reports). The clock then passes its lease and a
 * second worker, with a normal adapter, processes the redelivered item; the sweep reports.
 */
async function killedThenTakenOver(
  item: WorkItem,
  stopAt: Parameters<typeof freezingFetch>[0],
  /** Checks what worker 1 left behind in Tryton, before the takeover. */
  leftBehind: () => Promise<void>,
) {
  const freeze: Freeze = freezingFetch(stopAt);
  const doomed = h.syncer({ owner: "doomed", erp: live.adapter(undefined, { fetch: freeze.fetch }) });
  const frozenAt = await Promise.race([
    freeze.frozen,
    doomed.processMessages(asRecords([item])).then((r) => {
      throw new Error(
        `worker 1 finished without freezing (sent: ${freeze.sent.join(", ")}): ${JSON.stringify(r.results)}`,
      );
    }),
  ]);
  await leftBehind();
  h.clock.now += 121_000; // past worker 1's lease
  const rescuer = h.syncer({ owner: "rescuer" });
  const res = await rescuer.processMessages(asRecords([item]));
  // Recorded only once finished (the pre-fix code recorded what it found: via "found").
  expect(res.results[0]?.outcome).toEqual(expect.objectContaining({ status: "posted", via: "finished" }));
  await sweepTenant({ ledger: h.store.ledger, flush: rescuer.flush }, await h.rt());
  return { frozenAt, sent: freeze.sent, res };
}

const rpc = () => live.session.rpc;

async function movesUnder(c: LiveCompany, ref: string) {
  return rpc().searchRead<{ id: number; state: string }>(
    "account.move",
    [
      ["company", "=", c.id],
      ["description", "=", ref],
    ],
    ["state"],
    live.session.ctx(c.id),
    { order: [["id", "ASC"]] },
  );
}

async function invoicesUnder(c: LiveCompany, ref: string) {
  return rpc().searchRead<{ id: number; state: string; account: number; move: number | null }>(
    "account.invoice",
    [
      ["company", "=", c.id],
      ["reference", "=", ref],
    ],
    ["state", "account", "move"],
    live.session.ctx(c.id),
    { order: [["id", "ASC"]] },
  );
}

/** The payment move's line on the invoice's payable account: is it reconciled? */
async function payableLineReconciled(c: LiveCompany, moveId: number, account: number) {
  const lines = await rpc().searchRead<{ reconciliation: number | null }>(
    "account.move.line",
    [
      ["move", "=", moveId],
      ["account", "=", account],
    ],
    ["reconciliation"],
    live.session.ctx(c.id),
  );
  return lines.length > 0 && lines.every((l) => l.reconciliation !== null);
}

const ledgerRow = (it: WorkItem) => h.store.ledger.get(TENANT, it.kind, it.rampId);

/** A paid reimbursement's invoice is `paid` by exactly one posted, reconciled `<ref>#payment` move; Ramp SYNCED with the invoice. */
async function expectPaidOnce(it: WorkItem) {
  const c = companyOf(it);
  const ref = externalRef("reimbursement", it.rampId);
  const invoices = await invoicesUnder(c, ref);
  expect(
    invoices.map((i) => i.state),
    "invoices under the ref",
  ).toEqual(["paid"]);
  const inv = invoices[0] as (typeof invoices)[number];
  const payments = await movesUnder(c, `${ref}#payment`);
  expect(
    payments.map((m) => m.state),
    "payment moves under <ref>#payment",
  ).toEqual(["posted"]);
  expect(await payableLineReconciled(c, (payments[0] as { id: number }).id, inv.account)).toBe(true);
  const row = await ledgerRow(it);
  expect(row?.state).toBe("MARKED");
  expect(row?.erpRef).toBe(`account.invoice,${inv.id}`);
  const o = await h.object(it.rampId);
  expect(o.sync.status).toBe("SYNCED");
  expect(o.sync.reference_id).toBe(row?.erpRef);
}

// ------------------------------------------------------------ the cases

describe("a syncer killed inside its Tryton write, then taken over after the lease", () => {
  it("(a) card transaction killed between account.move create and post: the takeover posts that move, Ramp SYNCED with it", async () => {
    const cardPaid = new Set(
      items.flatMap((i) =>
        i.kind === "bill" || i.kind === "bill_payment" ? settlingTransactionIds(i.snapshot as RampBill) : [],
      ),
    );
    const it = pick(
      "expensable card transaction",
      (i) => i.kind === "transaction" && !cardPaid.has(i.rampId),
    );
    const c = companyOf(it);
    const ref = externalRef("transaction", it.rampId);

    const { frozenAt } = await killedThenTakenOver(
      it,
      (m) => m === MOVE_POST,
      async () => expect((await movesUnder(c, ref)).map((m) => m.state)).toEqual(["draft"]),
    );
    expect(frozenAt).toBe(MOVE_POST);

    const moves = await movesUnder(c, ref);
    expect(
      moves.map((m) => m.state),
      "moves under the ref",
    ).toEqual(["posted"]);
    const moveId = (moves[0] as { id: number }).id;
    const row = await ledgerRow(it);
    expect(row?.state).toBe("MARKED");
    expect(row?.erpRef).toBe(`account.move,${moveId}`);
    const o = await h.object(it.rampId);
    expect(o.sync.status).toBe("SYNCED");
    expect(o.sync.reference_id).toBe(`account.move,${moveId}`);
  });

  it("(b) bill killed between invoice create and post: the takeover posts it, Ramp BILL_SYNCED; its payment succeeds", async () => {
    const it = pick("unsynced approved open or bank-paid bill", (i) => {
      if (i.kind !== "bill") return false;
      const b = i.snapshot as RampBill;
      if (b.syncStatus !== "NOT_SYNCED") return false;
      return b.status === "OPEN" ? b.approvalStatus === "APPROVED" : paymentMode(b) === "bank";
    });
    const c = companyOf(it);
    const ref = externalRef("bill", it.rampId);

    const { frozenAt } = await killedThenTakenOver(
      it,
      (m) => m === INVOICE_POST,
      async () => expect((await invoicesUnder(c, ref)).map((i) => i.state)).toEqual(["draft"]),
    );
    expect(frozenAt).toBe(INVOICE_POST);

    // An open bill stays posted; a bank-paid one is paid by its follow-up payment in the same run.
    const open = (it.snapshot as RampBill).status === "OPEN";
    const invoices = await invoicesUnder(c, ref);
    expect(
      invoices.map((i) => i.state),
      "invoices under the ref",
    ).toEqual([open ? "posted" : "paid"]);
    const inv = invoices[0] as (typeof invoices)[number];
    const billRow = await ledgerRow(it);
    expect(billRow?.state).toBe("MARKED");
    expect(billRow?.erpRef).toBe(`account.invoice,${inv.id}`);
    const o = await h.object(it.rampId);
    expect(o.sync.status).toBe(open ? "BILL_SYNCED" : "BILL_AND_PAYMENT_SYNCED");
    expect(o.object.remote_id).toBe(billRow?.erpRef);

    // Ramp pays the open bill by bank: the payment posts against the finished invoice.
    const pay: WorkItem = { ...it, kind: "bill_payment" };
    if (open) {
      await h.r.control("POST", `/bills/${it.rampId}/pay`, { method: "BANK" });
      const s = h.syncer();
      const res = await s.processMessages(
        asRecords([{ ...pay, snapshot: await h.r.client.getBill(it.rampId) }]),
      );
      expect(res.results[0]?.outcome).toMatchObject({ status: "posted", via: "created" });
      await sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());
    }
    const payMoves = await movesUnder(c, externalRef("bill_payment", it.rampId));
    expect(
      payMoves.map((m) => m.state),
      "bill payment moves",
    ).toEqual(["posted"]);
    expect((await invoicesUnder(c, ref)).map((i) => i.state)).toEqual(["paid"]);
    const payRow = await ledgerRow(pay);
    expect(payRow?.state).toBe("MARKED");
    expect(payRow?.erpRef).toBe(`account.move,${(payMoves[0] as { id: number }).id}`);
    const after = await h.object(it.rampId);
    expect(after.sync.status).toBe("BILL_AND_PAYMENT_SYNCED");
    expect(after.sync.reference_id).toBe(payRow?.erpRef);
  });

  it("(c) reimbursement Ramp paid, killed after its invoice posted and before the payment move: the takeover pays it once", async () => {
    const it = pick(
      "paid reimbursement",
      (i) => i.kind === "reimbursement" && (i.snapshot as RampReimbursement).paidAt !== null,
    );
    const c = companyOf(it);
    const ref = externalRef("reimbursement", it.rampId);
    const { frozenAt, sent } = await killedThenTakenOver(it, beforePaymentMove, async () => {
      // Worker 1 left a posted invoice and no payment move.
      expect((await invoicesUnder(c, ref)).map((i) => i.state)).toEqual(["posted"]);
      expect(await movesUnder(c, `${ref}#payment`)).toEqual([]);
    });
    expect(frozenAt).toBe("model.account.move.create");
    expect(sent).toContain(INVOICE_POST);
    await expectPaidOnce(it);
  });

  it("(d) reimbursement killed after its payment move posted, before reconciliation: no second payment move", async () => {
    const it = pick(
      "paid reimbursement",
      (i) => i.kind === "reimbursement" && (i.snapshot as RampReimbursement).paidAt !== null,
    );
    const c = companyOf(it);
    const ref = externalRef("reimbursement", it.rampId);
    const { frozenAt, sent } = await killedThenTakenOver(it, beforeSettling, async () => {
      // Worker 1 left a posted invoice and a posted payment move, not reconciled with it.
      const [inv] = await invoicesUnder(c, ref);
      expect(inv?.state).toBe("posted");
      const payments = await movesUnder(c, `${ref}#payment`);
      expect(payments.map((m) => m.state)).toEqual(["posted"]);
      const pay = payments[0] as { id: number };
      expect(await payableLineReconciled(c, pay.id, (inv as { account: number }).account)).toBe(false);
    });
    expect(frozenAt).toBe("wizard.account.move.reconcile_lines.create");
    expect(sent).toContain(MOVE_POST);
    await expectPaidOnce(it);
  });
});
