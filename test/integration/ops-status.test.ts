/**
 * `status`, `failed` and `show` against a whole local stack after a real drain:
 * the Ramp sandbox over HTTP (two entities, only one linked to an ERP company),
 * the journal ERP, DynamoDB Local and the local SQS, the poll schedule, the
 * queues drained through the real handlers and the report sweep. What the
 * drain leaves is known from the seed: every object of the unlinked entity
 * fails with the message saying so, and a card charge whose card-paid bill is
 * not paid yet waits HELD. The commands run through `runOps` on a context
 * built from the stack's own ops target, as `--local` would build it.
 */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KINDS, type Kind } from "../../lib/domain/kinds.js";
import { silentLogger } from "../../lib/domain/logger.js";
import type { RampBill } from "../../lib/ramp/model.js";
import { billPhases, settlingTransactionIds } from "../../lib/sync/bill-phases.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { contextOnTarget, type OpsContext } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";
import { OpsTargetSchema } from "../../ops/target.js";
import { type SandboxRamp, sandboxRamp } from "./coa-harness.js";

const TENANT = "status-co";
let r: SandboxRamp;
let stack: LocalStack;
let ctx: OpsContext;
let entities: { linked: string; unlinked: string };
let heldCharge: string;
let heldBill: string;
/** What the drain must leave for each listed phase, from the seed (as test/e2e/support/drain-suite.ts). */
let expected: Map<
  string,
  { kind: Kind; rampId: string; outcome: "synced" | "held" | "failed"; message?: string }
>;
let backlog: Record<string, number>;

let entityNames: Map<string, string>;
const unlinkedMessage = (e: string) =>
  `Ramp entity ${e} (${entityNames.get(e)}) is not linked to an ERP company. Link entity ${e} to one of this ` +
  `business's ERP companies (demo, demo-eu) in the integration settings — the tenant's "entities" setting; ` +
  "ramp-erp-sync tenants show lists the entities and companies — then retry.";
const missingBillMessage =
  "Bill not found in the ERP. Ramp shows this bill as synced, but it was exported outside this integration " +
  "and Ramp holds no ERP id for it. Record the payment in the ERP by hand and mark it synced in Ramp, or " +
  "contact support to link the bill.";
const chargeMessage = (billId: string) =>
  `Card-paid bill ${billId} is not in the ERP. This charge paid that bill and is recorded with the bill's payment, ` +
  "which failed (see the bill's export error). Fix that and this charge syncs with it; if you record the " +
  "payment in the ERP by hand, mark this charge synced in Ramp too (it needs no entry of its own).";

/** Times and ages vary run to run: every ISO time becomes "<t>", every age "<age>", report ids "<report>". */
function normalised(doc: unknown): unknown {
  return JSON.parse(JSON.stringify(doc), (key, value) => {
    if (key === "ageSeconds" && typeof value === "number") return "<age>";
    if (key === "reportId" && typeof value === "string") return "<report>";
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value))
      return "<t>";
    return value;
  });
}

/** Lists what is ready before the poll and says what each phase must end as. */
async function expectFromSeed(): Promise<void> {
  expected = new Map();
  backlog = {};
  const add = (kind: Kind, rampId: string, outcome: "synced" | "held" | "failed", message?: string) => {
    expected.set(`${kind}:${rampId}`, { kind, rampId, outcome, ...(message ? { message } : {}) });
    backlog[kind] = (backlog[kind] ?? 0) + 1;
  };
  const payer = new Map<string, RampBill>();
  const bills: Array<{ bill: RampBill; entityId: string }> = [];
  for (const entityId of [entities.linked, entities.unlinked])
    for await (const bill of r.client.listBills({ entityId, syncReady: true })) {
      bills.push({ bill, entityId });
      for (const t of settlingTransactionIds(bill)) payer.set(t, bill);
    }
  for (const { bill, entityId } of bills) {
    for (const phase of billPhases(bill)) {
      if (phase === "bill_payment" && bill.syncStatus !== "NOT_SYNCED" && !bill.remoteId)
        add(phase, bill.id, "failed", missingBillMessage);
      else if (entityId === entities.unlinked) add(phase, bill.id, "failed", unlinkedMessage(entityId));
      else add(phase, bill.id, "synced");
    }
  }
  for (const entityId of [entities.linked, entities.unlinked])
    for await (const t of r.client.listTransactions({ entityId, syncStatus: "SYNC_READY" })) {
      const paidBill = payer.get(t.id);
      if (t.id === heldCharge) add("transaction", t.id, "held");
      else if (entityId === entities.unlinked)
        add("transaction", t.id, "failed", paidBill ? chargeMessage(paidBill.id) : unlinkedMessage(entityId));
      else add("transaction", t.id, "synced");
    }
}

async function ops(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOps(argv, ctx, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out, err };
}

const json = async (argv: string[]) => {
  const res = await ops([...argv, "--json"]);
  expect(res.err).toEqual([]);
  expect(res.out).toHaveLength(1);
  return { code: res.code, doc: JSON.parse(res.out[0] as string) };
};

beforeAll(async () => {
  r = await sandboxRamp({ seed: 1, transactions: 8, bills: 8, readyShare: 1 });
  const list = await r.control<Array<{ id: string; entity_name: string }>>("GET", "/entities");
  entityNames = new Map(list.map((e) => [e.id, e.entity_name]));
  const [linked, unlinked] = list.map((e) => e.id);
  if (!linked || !unlinked) throw new Error("the sandbox seeds two entities");
  entities = { linked, unlinked };
  // A card-paid bill of the linked entity the user has not paid yet: its card charge waits for it.
  const business = r.sb.state.businesses.get(r.sb.businessId);
  const cardBill = (business?.bills.all() ?? []).find(
    (b) => b.payment?.kind === "CARD" && b.entityId === linked,
  );
  if (!cardBill?.payment?.transactionIds?.[0]) throw new Error("the seed has no card-paid bill");
  cardBill.payStatus = "OPEN";
  heldBill = cardBill.id;
  heldCharge = cardBill.payment.transactionIds[0];

  const root = await mkdtemp(join(tmpdir(), "ops-status-"));
  await mkdir(join(root, TENANT));
  await createDemoJournal(join(root, TENANT, "books.journal"));
  stack = await startLocalStack({ dynamoEndpoint: inject("dynamoEndpoint"), env: { JOURNAL_ROOT: root } });
  stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
    client_id: r.sb.clientId,
    client_secret: r.sb.clientSecret,
  });
  await stack.saveTenant({
    tenantId: TENANT,
    displayName: "Status Co",
    version: 0,
    ramp: { baseUrl: r.sb.url, remoteProviderName: "Journal status" },
    erp: { kind: "journal", path: "books.journal" },
    companies: demoCompanies(),
    // The second entity is left unlinked on purpose: its spend fails, saying so.
    entities: [{ rampEntityId: linked, companyKey: "demo" }],
  });
  await stack.coaPush(TENANT);
  // The user codes every object against the chart just pushed (both entities' subsidiaries map to it).
  await r.control("POST", "/code", { seed: 1, entity_remote_ids: { [linked]: "demo", [unlinked]: "demo" } });
  await expectFromSeed();
  await stack.pollSchedule();
  await stack.drain({ timeoutMs: 120_000 });
  await stack.sweep();
  ctx = contextOnTarget(() => OpsTargetSchema.parse(stack.opsTarget()), silentLogger, {
    JOURNAL_ROOT: root,
  });
}, 180_000);

afterAll(async () => {
  ctx?.close();
  await stack?.stop();
  await r?.close().catch(() => {});
});

const T = "<t>";
const ZERO = {
  HELD: 0,
  CLAIMED: 0,
  POSTED: 0,
  REPORTING: 0,
  FAILED_REPORTABLE: 0,
  FAILED_RETRY: 0,
  FAILED_TOLD: 0,
};
const outcomes = (kind: Kind, outcome: string) =>
  [...expected.values()].filter((e) => e.kind === kind && e.outcome === outcome);
const heldReason = () => `paid a card-paid bill (${heldBill}) whose payment is not posted yet`;
const byKey = (a: { kind: string; rampId: string }, b: typeof a) =>
  a.kind.localeCompare(b.kind) || a.rampId.localeCompare(b.rampId);

describe("ops status / failed / show after a drain", () => {
  it("the seed leaves what the test says: failures of the unlinked entity and of bills exported elsewhere, one held charge, the rest synced", () => {
    const count = (o: string) => [...expected.values()].filter((e) => e.outcome === o).length;
    expect(count("held")).toBe(1);
    expect(count("failed")).toBeGreaterThanOrEqual(3);
    expect(count("synced")).toBeGreaterThanOrEqual(3);
  });

  it("status --json: the last poll, backlog, buckets per kind, the held charge and why, the oldest unsynced object, last sync, DLQs", async () => {
    const { code, doc } = await json(["status"]);
    expect(code).toBe(0);
    const failed = (await json(["failed", "--tenant", TENANT])).doc.failed as Array<{
      kind: Kind;
      rampId: string;
      updatedAt: string;
    }>;
    const heldRow = await stack.store.ledger.get(TENANT, "transaction", heldCharge);
    // The oldest unsynced row of a kind: its held or failed row changed longest ago (exact times, before normalising).
    const oldestOf = (kind: Kind) => {
      const rows = [
        ...failed
          .filter((f) => f.kind === kind)
          .map((f) => ({ ...f, state: "FAILED", at: Date.parse(f.updatedAt) })),
        ...(kind === "transaction" && heldRow
          ? [{ kind, rampId: heldCharge, state: "HELD", at: heldRow.updatedAt }]
          : []),
      ].sort((a, b) => a.at - b.at);
      const first = rows[0];
      return first ? { kind, rampId: first.rampId, state: first.state, since: T, ageSeconds: "<age>" } : null;
    };
    const kinds = KINDS.map((kind) => {
      const told = outcomes(kind, "failed").length;
      const held = outcomes(kind, "held").length;
      return {
        kind,
        backlog: backlog[kind] ?? 0,
        buckets: { ...ZERO, HELD: held, FAILED_TOLD: told },
        unsynced: told + held,
        oldestUnsynced: oldestOf(kind),
        lastSyncedAt: outcomes(kind, "synced").length ? T : null,
      };
    });
    const all = kinds.map((k) => k.oldestUnsynced).filter((o) => o !== null);
    expect(normalised(doc)).toEqual({
      at: T,
      tenants: [
        {
          tenantId: TENANT,
          lastPoll: {
            at: T,
            outcome: "done",
            pages: expect.any(Number),
            enqueued: expected.size,
            error: null,
          },
          backlogAt: T,
          kinds,
          held: {
            total: 1,
            first: [{ kind: "transaction", rampId: heldCharge, reason: heldReason(), since: T }],
          },
          // Over every kind: the held charge waited since before any failure was told.
          oldestUnsynced: all.find((o) => o.rampId === heldCharge) ?? null,
          lastSyncedAt: T,
          // The drain's receipts, all attached (test/integration/receipts-*.test.ts counts them exactly).
          receipts: {
            attached: expect.any(Number),
            bytes: expect.any(Number),
            notAttached: [],
            notAttachedCapped: false,
            scopeMissingSince: null,
          },
        },
      ],
      invalid: [],
      dlq: ["work", "priority", "pollJobs", "buttonJobs", "coaRequests", "receipts"].map((queue) => ({
        queue,
        depth: 0,
        note: null,
      })),
    });
    // The tenant's latest sync is the latest of its kinds'.
    const t = doc.tenants[0];
    const latest = t.kinds
      .map((k: { lastSyncedAt: string | null }) => k.lastSyncedAt)
      .filter(Boolean)
      .sort()
      .at(-1);
    expect(t.lastSyncedAt).toBe(latest);
  });

  it("status (text): one aligned line per kind, the held object with its reason, one line per DLQ", async () => {
    const { code, out } = await ops(["status", "--tenant", TENANT]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(
      new RegExp(`^tenant ${TENANT}: last poll \\S+ done \\(\\d+ pages, ${expected.size} enqueued\\)`),
    );
    // The kind column is as wide as the longest kind name (credit_application).
    expect(out[1]).toMatch(/^ {2}kind +backlog {2}held {2}claimed/);
    expect(out.filter((l) => /^ {2}(transaction|bill|vendor_credit) /.test(l))).toHaveLength(3);
    const heldLine = new RegExp(`^ {2}held transaction ${heldCharge} since \\S+Z: (.+)$`);
    expect(out.filter((l) => heldLine.test(l)).map((l) => heldLine.exec(l)?.[1])).toEqual([heldReason()]);
    expect(out.slice(-6).map((l) => l.replace(/\s+/g, " "))).toEqual([
      "work 0",
      "priority 0",
      "pollJobs 0",
      "buttonJobs 0",
      "coaRequests 0",
      "receipts 0",
    ]);
    expect(out.filter((l) => /^ {2}receipts: \d+ attached/.test(l))).toHaveLength(1);
  });

  it("failed --json: every failed object with its category, Ramp's message, attempts, told and reference, oldest first", async () => {
    const { code, doc } = await json(["failed", "--tenant", TENANT]);
    expect(code).toBe(0);
    const times = doc.failed.map((f: { updatedAt: string }) => f.updatedAt);
    expect(times).toEqual([...times].sort());
    const want = [...expected.values()]
      .filter((e) => e.outcome === "failed")
      .map((e) => {
        const message = e.message as string;
        return {
          kind: e.kind,
          rampId: e.rampId,
          bucket: "FAILED_TOLD",
          category: "user_actionable",
          message,
          attempts: 1,
          // The history keeps a long message's start.
          lastError: { at: T, note: message.length > 300 ? `${message.slice(0, 299)}…` : message },
          told: true,
          reference: `ramp:${e.kind}:${e.rampId}`,
          updatedAt: T,
        };
      });
    expect((normalised(doc) as { failed: typeof want }).failed.sort(byKey)).toEqual(want.sort(byKey));
    expect(normalised(doc)).toMatchObject({ tenantId: TENANT });
  });

  it("failed filters by kind and by --since; a bad date is a usage error", async () => {
    const bills = (await json(["failed", "--tenant", TENANT, "--kind", "bill_payment"])).doc.failed;
    expect(bills.map((f: { rampId: string }) => f.rampId).sort()).toEqual(
      outcomes("bill_payment", "failed")
        .map((e) => e.rampId)
        .sort(),
    );
    expect((await json(["failed", "--tenant", TENANT, "--since", "2999-01-01"])).doc).toEqual({
      tenantId: TENANT,
      failed: [],
    });
    expect((await ops(["failed", "--tenant", TENANT, "--since", "yesterday"])).code).toBe(64);
    expect((await ops(["failed", "--tenant", TENANT, "--kind", "invoice"])).code).toBe(64);
  });

  it("show --json: a synced bill's whole story in order, with its ERP id, its closed report and Ramp's status", async () => {
    const { code, doc } = await json(["show", heldBill, "--tenant", TENANT]);
    expect(code).toBe(0);
    const erpRef = doc.rows[0]?.erpRef;
    expect(erpRef).toMatch(/^J\d+$/);
    const step = (state: string, ref: string | null, reportId: string | null = null) => ({
      at: T,
      state,
      erpRef: ref,
      category: null,
      note: null,
      reportId,
      by: null,
      action: null,
    });
    expect(normalised(doc)).toEqual({
      tenantId: TENANT,
      rampId: heldBill,
      rows: [
        {
          kind: "bill",
          state: "MARKED",
          erpRef,
          attempts: 0,
          told: true,
          category: null,
          message: null,
          heldReason: null,
          report: { reportId: "<report>", open: false, idempotencyKey: null },
          createdAt: T,
          updatedAt: T,
          history: [
            step("CLAIMED", null),
            step("POSTED", erpRef),
            step("REPORTING", erpRef, "<report>"),
            step("MARKED", erpRef),
          ],
        },
      ],
      ramp: {
        reachable: true,
        objects: [
          { kind: "bill", syncStatus: "BILL_SYNCED", paymentStatus: "OPEN", remoteId: expect.any(String) },
        ],
      },
      receipts: expect.any(Array),
    });
  });

  it("show --json: the held charge and why it waits", async () => {
    const { code, doc } = await json(["show", heldCharge, "--tenant", TENANT]);
    expect(code).toBe(0);
    expect(normalised(doc)).toMatchObject({
      rows: [
        {
          kind: "transaction",
          state: "HELD",
          heldReason: heldReason(),
          report: null,
          history: [
            {
              at: T,
              state: "HELD",
              erpRef: null,
              category: null,
              note: heldReason(),
              reportId: null,
              by: null,
              action: null,
            },
          ],
        },
      ],
      ramp: { reachable: true, objects: [{ kind: "transaction", syncStatus: "SYNC_READY", syncedAt: null }] },
    });
  });

  it("refuses an unknown object, a kind the object has no row of, and an unknown tenant (exit 2, with a hint)", async () => {
    const none = await ops(["show", "no-such-id", "--tenant", TENANT]);
    expect(none.code).toBe(2);
    expect(none.err.join("\n")).toMatch(/no ledger row for no-such-id\nhint: /);
    expect((await json(["show", heldCharge, "--tenant", TENANT, "--kind", "bill"])).doc).toEqual({
      ok: false,
      problems: [`tenant ${TENANT}: no ledger row for ${heldCharge} of kind bill`],
    });
    for (const argv of [
      ["status", "--tenant", "nobody"],
      ["failed", "--tenant", "nobody"],
      ["show", "x", "--tenant", "nobody"],
    ]) {
      const res = await ops(argv);
      expect({ argv, code: res.code }).toEqual({ argv, code: 2 });
      expect(res.err[0]).toBe("tenant nobody: not found");
    }
  });

  // Last: it stops the sandbox.
  it("show prints the ledger part and says so when Ramp cannot be reached (exit 0)", async () => {
    await r.close();
    const { code, doc } = await json(["show", heldBill, "--tenant", TENANT]);
    expect(code).toBe(0);
    expect(doc.rows.map((x: { kind: string; state: string }) => [x.kind, x.state])).toEqual([
      ["bill", "MARKED"],
    ]);
    expect(doc.ramp).toEqual({ reachable: false, error: expect.any(String) });
    const text = await ops(["show", heldBill, "--tenant", TENANT]);
    expect(text.out.at(-1)).toMatch(/^ramp: could not be reached \(.+\); the ledger part above stands$/);
  }, 60_000);
});
