/**
 * One bad object never stalls a tenant (Trust 2 of 2, B). Over real wires — the
 * Ramp sandbox over HTTP, DynamoDB Local, the local stack's SQS (fauxqs through
 * local/runtime/local-sqs.ts), the journal ERP — a poll job walks the ready
 * lists onto the work queue, the syncer drains it and the sweep reports to Ramp:
 * (a) one listed transaction Ramp sends with amount 12.345 USD: every other object
 *     syncs, the bad one fails needs-integrator with the reason in Ramp;
 * (b) memos SQS (U+FFFF) or the emulator (emoji) would refuse: the job completes and
 *     the objects sync with their memos intact; a message SQS refuses anyway is re-sent
 *     id-only and its object syncs;
 * (c) card charges of a bill exported outside the integration (Ramp holds no ERP id for
 *     it) fail with a message saying why and what to do, instead of waiting forever.
 * The sandbox cannot hold such objects, so (a) and (b) rewrite them on the wire: the
 * client's fetch edits the JSON Ramp answers (lists and by-id reads alike).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { type FailedEntry, sendKeepingRefusals } from "../../lib/aws/sqs.js";
import { pollJob } from "../../lib/poll/job.js";
import { type PollJobDeps, runPollJob } from "../../lib/poll/run-job.js";
import type { RampClient } from "../../lib/ramp/client.js";
import type { RampBill, RampTransaction } from "../../lib/ramp/model.js";
import { settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { parseWorkMessage, type WorkMessage } from "../../lib/sync/work-message.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { asRecords, type Harness, syncerHarness, TENANT } from "./syncer-harness.js";

let h: Harness | undefined;
let sqs: LocalSqs | undefined;
afterEach(async () => {
  await h?.close();
  await sqs?.stop();
  h = undefined;
  sqs = undefined;
});

type Raw = Record<string, unknown>;

/** A Ramp client whose answers for the given object ids are edited on the wire (lists and by-id reads). */
function rewritingClient(harness: Harness, edits: Map<string, (o: Raw) => void>): RampClient {
  const apply = (o: unknown) => {
    if (o && typeof o === "object" && typeof (o as Raw).id === "string")
      edits.get((o as Raw).id as string)?.(o as Raw);
  };
  const rewriting: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if ((init?.method ?? "GET") !== "GET" || !url.pathname.startsWith("/developer/v1/")) return res;
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return new Response(text, { status: res.status, headers: res.headers });
    }
    if (json && typeof json === "object" && Array.isArray((json as Raw).data))
      ((json as Raw).data as unknown[]).forEach(apply);
    else apply(json);
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(JSON.stringify(json), { status: res.status, headers });
  };
  return harness.r.clientWith(rewriting);
}

interface World {
  sqsClient: SQSClient;
  workUrl: string;
  deps(ramp: RampClient, over?: Partial<PollJobDeps>): PollJobDeps;
  drainWork(): Promise<Array<{ messageId: string; body: string; message: WorkMessage }>>;
}

async function world(harness: Harness): Promise<World> {
  sqs = await startLocalSqs();
  const sqsClient = sqs.client();
  const workUrl = (await sqs.createQueue("work")).url;
  return {
    sqsClient,
    workUrl,
    deps: (ramp, over = {}) => ({
      ramp,
      store: harness.store,
      sendWork: async (_q, messages) => (await sendKeepingRefusals(sqsClient, workUrl, messages)).refused,
      sendJob: async () => {
        throw new Error("no continuation expected");
      },
      emitBacklog: () => {},
      clock: () => harness.clock.now,
      timeLeftMs: () => 900_000,
      reserveMs: 30_000,
      ...over,
    }),
    async drainWork() {
      const out: Array<{ messageId: string; body: string; message: WorkMessage }> = [];
      for (;;) {
        const res = await sqsClient.send(
          new ReceiveMessageCommand({ QueueUrl: workUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        const msgs = res.Messages ?? [];
        if (!msgs.length) return out;
        for (const m of msgs) {
          const p = parseWorkMessage(m.Body as string);
          if (!p.ok) throw new Error(`bad work message: ${p.error}`);
          out.push({ messageId: m.MessageId as string, body: m.Body as string, message: p.message });
        }
        await sqsClient.send(
          new DeleteMessageBatchCommand({
            QueueUrl: workUrl,
            Entries: msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      }
    },
  };
}

const txnsOnly = { transactions: 8, reimbursements: 0, bills: 0, transfers: 0, cashbacks: 0 };

/** The syncer over the drained messages, then the report sweep (what Ramp is told). */
async function syncAndReport(
  harness: Harness,
  ramp: RampClient,
  records: Array<{ messageId: string; body: string }>,
) {
  const s = harness.syncer({ ramp });
  const res = await s.processMessages(records);
  await sweepTenant({ ledger: harness.store.ledger, flush: s.flush }, { ...(await harness.rt()), ramp });
  return res;
}

describe("one bad object does not stall the tenant", () => {
  it("(a) a listed 12.345 USD transaction fails alone, with the reason in Ramp; the page's good objects all sync", async () => {
    h = await syncerHarness(txnsOnly);
    const w = await world(h);
    const ready = (await h.ready()).filter((i) => i.kind === "transaction");
    const usd = ready.find((i) => (i.snapshot as RampTransaction).amount.currency === "USD");
    expect(usd, "a ready USD transaction").toBeDefined();
    const badId = usd?.rampId as string;
    const good = ready.filter((i) => i.rampId !== badId).map((i) => i.rampId);
    expect(good.length).toBeGreaterThanOrEqual(4);
    const ramp = rewritingClient(
      h,
      new Map([
        [
          badId,
          (o: Raw) => {
            // The legacy decimal alone, with more decimals than USD has.
            delete o.entity_amount;
            o.amount = 12.345;
            o.currency_code = "USD";
          },
        ],
      ]),
    );

    const result = await runPollJob(w.deps(ramp), h.tenant, pollJob(TENANT, h.clock.now));
    expect(result.status).toBe("done");
    expect(result.invalid).toBe(1);
    const got = await w.drainWork();
    const txMsgs = got.filter((m) => m.message.kind === "transaction");
    expect(txMsgs.map((m) => m.message.rampId).sort()).toEqual([...good, badId].sort());
    const bad = txMsgs.find((m) => m.message.rampId === badId)?.message;
    expect(bad?.snapshot).toBeUndefined();
    expect(bad?.invalid?.summary).toBe("amount: 12.345 USD has more than 2 decimal places");
    for (const m of txMsgs.filter((x) => x.message.rampId !== badId))
      expect(m.message.snapshot?.id).toBe(m.message.rampId);

    const res = await syncAndReport(h, ramp, got);
    expect(res.results.every((r) => r.disposition === "ack")).toBe(true);
    for (const id of good) expect((await h.object(id)).sync.status, id).toBe("SYNCED");
    const row = await h.store.ledger.get(TENANT, "transaction", badId);
    expect(row).toMatchObject({ state: "FAILED", category: "needs_integrator", told: true });
    const inRamp = await h.object(badId);
    expect(inRamp.sync.status).toBe("SYNC_READY");
    expect(inRamp.sync.last_error).toBe(
      `Cannot read this object from Ramp: amount: 12.345 USD has more than 2 decimal places. Contact support@acme.test, ref ${TENANT}/transaction/${badId}.`,
    );

    // The next poll does not re-read and re-tell the same unchanged failure (cool-down), nor anything synced.
    await runPollJob(w.deps(ramp), h.tenant, pollJob(TENANT, h.clock.now));
    expect((await w.drainWork()).map((m) => m.message.rampId)).not.toContain(badId);
  });

  it("(a) a fetched-by-id object that fails its schema fails alone (claimed, needs-integrator), not an endless retry", async () => {
    h = await syncerHarness(txnsOnly);
    const [item] = (await h.ready()).filter((i) => i.kind === "transaction");
    if (!item) throw new Error("seed too small");
    const ramp = rewritingClient(
      h,
      new Map([
        [
          item.rampId,
          (o: Raw) => {
            o.entity_amount = { currency: "USD", value: "ten" };
          },
        ],
      ]),
    );
    const { snapshot: _listed, ...idOnly } = item;
    const res = await syncAndReport(h, ramp, asRecords([idOnly]));
    expect(res.results[0]).toMatchObject({
      disposition: "ack",
      outcome: { status: "failed", category: "needs_integrator", reportable: true },
    });
    expect((await h.object(item.rampId)).sync.last_error).toMatch(
      /^Cannot read this object from Ramp: schema: entity_amount\.value: invalid_type \(expected number\)\. Contact /,
    );
  });

  it("(b) memos with U+FFFF and emoji: the poll completes and both sync through the local SQS, memos intact", async () => {
    h = await syncerHarness(txnsOnly);
    const w = await world(h);
    const ready = (await h.ready()).filter((i) => i.kind === "transaction");
    const [a, b] = ready;
    if (!a || !b) throw new Error("seed too small");
    const memos = new Map([
      [a.rampId, "Team lunch \uFFFF (noncharacter)"],
      [b.rampId, "Receipt 🧾 café ☕"],
    ]);
    const ramp = rewritingClient(
      h,
      new Map(
        [...memos].map(([id, memo]) => [
          id,
          (o: Raw) => {
            o.memo = memo;
          },
        ]),
      ),
    );

    const result = await runPollJob(w.deps(ramp), h.tenant, pollJob(TENANT, h.clock.now));
    expect(result).toMatchObject({ status: "done", refused: 0 });
    const got = await w.drainWork();
    expect(
      got
        .filter((m) => m.message.kind === "transaction")
        .map((m) => m.message.rampId)
        .sort(),
    ).toEqual(ready.map((i) => i.rampId).sort());
    for (const [id, memo] of memos) {
      const m = got.find((x) => x.message.rampId === id);
      expect((m?.message.snapshot as unknown as RampTransaction | undefined)?.memo).toBe(memo);
    }

    const res = await syncAndReport(h, ramp, got);
    expect(res.results.every((r) => r.disposition === "ack")).toBe(true);
    for (const i of ready) expect((await h.object(i.rampId)).sync.status, i.rampId).toBe("SYNCED");
  });

  it("(b) a work message SQS refuses is split off and re-sent id-only; the job completes and the object syncs", async () => {
    h = await syncerHarness(txnsOnly);
    const w = await world(h);
    const ready = (await h.ready()).filter((i) => i.kind === "transaction");
    const victim = ready[1]?.rampId as string;
    const ramp = h.r.client;
    const refusedOnce: string[] = [];
    // SQS answering InvalidMessageContents for one entry (sender fault), the rest accepted.
    const sendWork: PollJobDeps["sendWork"] = async (_q, messages) => {
      const refused: FailedEntry[] = [];
      const pass = messages.filter((m) => {
        const msg = JSON.parse(m.body) as WorkMessage;
        if (msg.rampId !== victim || !msg.snapshot) return true;
        refusedOnce.push(m.id);
        refused.push({
          id: m.id,
          code: "InvalidMessageContents",
          message: "Invalid characters",
          senderFault: true,
        });
        return false;
      });
      const r = await sendKeepingRefusals(w.sqsClient, w.workUrl, pass);
      return [...refused, ...r.refused];
    };

    const result = await runPollJob(w.deps(ramp, { sendWork }), h.tenant, pollJob(TENANT, h.clock.now));
    expect(result.status).toBe("done");
    expect(refusedOnce).toHaveLength(1);
    const got = await w.drainWork();
    expect(
      got
        .filter((m) => m.message.kind === "transaction")
        .map((m) => m.message.rampId)
        .sort(),
    ).toEqual(ready.map((i) => i.rampId).sort());
    expect(result.refused).toBe(1);
    const resent = got.find((m) => m.message.rampId === victim)?.message;
    expect(resent).toMatchObject({ kind: "transaction", rampId: victim });
    expect(resent?.snapshot).toBeUndefined();

    await syncAndReport(h, ramp, got);
    for (const i of ready) expect((await h.object(i.rampId)).sync.status, i.rampId).toBe("SYNCED");
  });

  it("(c) card charges of a bill exported outside the integration fail with why and what to do", async () => {
    h = await syncerHarness({
      transactions: 0,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      bills: 30,
      seed: 5,
      vendorlessShare: 0,
    });
    const items = await h.ready();
    const payment = items.find((i) => {
      const bill = i.snapshot as RampBill;
      return (
        i.kind === "bill_payment" &&
        bill.syncStatus === "BILL_SYNCED" &&
        !bill.remoteId &&
        settlingTransactionIds(bill).length > 0
      );
    });
    expect(payment, "a card-paid bill exported before this ERP, without an ERP id").toBeDefined();
    const bill = payment?.snapshot as RampBill;
    const charges = settlingTransactionIds(bill);
    const chargeItems = items.filter((i) => i.kind === "transaction" && charges.includes(i.rampId));
    expect(chargeItems.length).toBe(charges.length);

    const s = h.syncer();
    const first = await s.processMessages(asRecords([payment!]));
    expect(first.results[0]?.outcome).toMatchObject({ status: "failed", category: "user_actionable" });
    const res = await s.processMessages(asRecords(chargeItems));
    for (const r of res.results) {
      expect(r.disposition).toBe("ack");
      expect(r.outcome).toMatchObject({ status: "failed", category: "user_actionable" });
    }
    await sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());

    for (const id of charges) {
      expect(await h.store.ledger.get(TENANT, "transaction", id)).toMatchObject({
        state: "FAILED",
        told: true,
      });
      const inRamp = await h.object(id);
      expect(inRamp.sync.status).toBe("SYNC_READY");
      expect(inRamp.sync.last_error).toMatch(
        new RegExp(
          `^Card payment of bill ${bill.id} is not in the ERP\\. This charge paid that bill .*mark this charge synced in Ramp`,
        ),
      );
    }
    // Redelivered unchanged, it is not told again (the failure holds until the payment changes).
    const again = await h.syncer().processMessages(asRecords(chargeItems));
    for (const r of again.results)
      expect(r.outcome).toMatchObject({ status: "skipped", reason: "failed-unchanged" });
  });
});
