/**
 * Reconciliation's paging and batching (lib/reconcile/run.ts) against in-memory
 * ports, and the Ramp adapter (lib/reconcile/ramp-side.ts) against a fake
 * client: one ledger read per page, one ERP findMany per few pages, bill rows
 * for both phases, the window passed to Ramp and applied again locally.
 */
import { describe, expect, it } from "vitest";
import { externalRef, type Kind, ledgerKeyOf } from "../../../lib/domain/kinds.js";
import type { ErpRecordSummary } from "../../../lib/erp/port.js";
import { money } from "../../../lib/money/index.js";
import type { RampBill, RampTransaction } from "../../../lib/ramp/model.js";
import type { LedgerRow, RampRow, RampSide } from "../../../lib/reconcile/ports.js";
import { glAccounts, rampSideOf } from "../../../lib/reconcile/ramp-side.js";
import { ERP_BATCH_REFS, reconcile } from "../../../lib/reconcile/run.js";

const NOW = Date.UTC(2026, 5, 15, 12);

function world(n: number) {
  const rows: RampRow[] = Array.from({ length: n }, (_, i) => ({
    kind: "transaction" as Kind,
    rampId: `tx-${String(i).padStart(5, "0")}`,
    entityId: null,
    companyKey: "demo",
    synced: true,
    amount: money(100 + i, "USD"),
    accountRemoteIds: ["demo:6100"],
    recordElsewhere: null,
    receiptIds: [],
  }));
  const ledger = new Map<string, LedgerRow>(
    rows.map((r) => [
      ledgerKeyOf(r),
      { kind: r.kind, rampId: r.rampId, state: "MARKED", updatedAt: NOW, erpRef: `E-${r.rampId}` },
    ]),
  );
  const erp = new Map<string, ErpRecordSummary[]>(
    rows.map((r) => [
      externalRef(r.kind, r.rampId),
      [
        {
          ref: externalRef(r.kind, r.rampId),
          erpId: `E-${r.rampId}`,
          companyKey: "demo",
          state: "complete",
          amount: r.amount,
          accountRemoteIds: ["demo:6100"],
        },
      ],
    ]),
  );
  const calls = { ledger: [] as number[], erp: [] as number[], settles: 0 };
  const ramp: RampSide = {
    async *pages(source) {
      if (source !== "transaction") return;
      for (let i = 0; i < rows.length; i += 100) yield rows.slice(i, i + 100);
    },
  };
  const deps = {
    ramp,
    now: () => NOW,
    store: {
      ledger: {
        getMany: async (_t: string, keys: ReadonlyArray<{ kind: Kind; rampId: string }>) => {
          calls.ledger.push(keys.length);
          return new Map(
            keys.flatMap((k) =>
              ledger.has(ledgerKeyOf(k)) ? [[ledgerKeyOf(k), ledger.get(ledgerKeyOf(k))!]] : [],
            ) as [string, LedgerRow][],
          );
        },
      },
      settlesLinks: {
        getMany: async () => {
          calls.settles++;
          return new Map<string, unknown>();
        },
      },
    },
    erp: {
      listAttachments: async (_targets: readonly { ref: string }[]) => new Map<string, string[]>(),
      findMany: async (refs: readonly { ref: string; companyKey: string }[]) => {
        calls.erp.push(refs.length);
        return new Map(
          refs.flatMap((r) => (erp.has(r.ref) ? [[r.ref, erp.get(r.ref)!]] : [])) as [
            string,
            ErpRecordSummary[],
          ][],
        );
      },
    },
  };
  return { rows, ledger, erp, calls, deps };
}

describe("reconcile run", () => {
  it("reads the ledger once per page and the ERP once per few pages; a consistent world is clean", async () => {
    const w = world(1_250);
    const { report, stats } = await reconcile(w.deps, {
      tenantId: "t",
      kinds: ["transaction"],
      window: { since: null },
    });
    expect(report.clean).toBe(true);
    expect(report.kinds).toHaveLength(1);
    expect(report.kinds[0]).toMatchObject({
      ramp: { objects: 1_250, synced: 1_250 },
      erp: { records: 1_250 },
    });
    expect(stats.pages).toEqual({ transaction: 13 });
    expect(w.calls.ledger).toEqual([...Array(12).fill(100), 50]);
    expect(w.calls.erp.every((n) => n <= ERP_BATCH_REFS + 100)).toBe(true);
    expect(w.calls.erp.reduce((a, b) => a + b, 0)).toBe(1_250);
    expect(w.calls.erp.length).toBe(3);
  });

  it("drift planted in the ERP and the ledger comes out named, and only that", async () => {
    const w = world(300);
    const [a, b, c] = [7, 150, 299].map((i) => w.rows[i] as RampRow) as [RampRow, RampRow, RampRow];
    w.erp.delete(externalRef(a.kind, a.rampId));
    const dup = w.erp.get(externalRef(b.kind, b.rampId))!;
    w.erp.set(externalRef(b.kind, b.rampId), [...dup, { ...dup[0]!, erpId: "E-hand" }]);
    w.ledger.delete(ledgerKeyOf(c));
    w.erp.delete(externalRef(c.kind, c.rampId));
    const { report } = await reconcile(w.deps, {
      tenantId: "t",
      kinds: ["transaction"],
      window: { since: null },
    });
    expect(report.mismatches.map((m) => [m.class, m.rampId, m.erpIds])).toEqual([
      ["duplicate_erp_records", b.rampId, ["E-hand", `E-${b.rampId}`]],
      ["synced_elsewhere", c.rampId, []],
      ["synced_without_erp_record", a.rampId, []],
    ]);
  });

  it("receipts: one missing from its record is named; a tenant with receipts off is not asked about them", async () => {
    const w = world(3);
    const [a, b] = w.rows as [RampRow, RampRow];
    a.receiptIds = ["r-a1", "r-a2"];
    b.receiptIds = ["r-b1"];
    const listed: number[] = [];
    w.deps.erp.listAttachments = async (targets: readonly { ref: string }[]) => {
      listed.push(targets.length);
      return new Map([
        [externalRef(a.kind, a.rampId), ["r-a1"]],
        [externalRef(b.kind, b.rampId), ["r-b1"]],
      ]);
    };
    const req = { tenantId: "t", kinds: ["transaction"] as Kind[], window: { since: null } };
    const on = await reconcile(w.deps, req);
    expect(on.report.mismatches.map((m) => [m.class, m.rampId])).toEqual([["receipts_missing", a.rampId]]);
    expect(on.report.mismatches[0]?.detail).toContain("r-a2 (not attached yet)");
    expect(listed).toEqual([2]);
    const off = await reconcile(w.deps, { ...req, receipts: false });
    expect(off.report.clean).toBe(true);
    expect(listed).toEqual([2]);
  });

  it("objects of an unmapped entity are never looked up in the ERP", async () => {
    const w = world(3);
    for (const r of w.rows) r.companyKey = null;
    await reconcile(w.deps, { tenantId: "t", kinds: ["transaction"], window: { since: null } });
    expect(w.calls.erp).toEqual([]);
  });
});

describe("reconcile Ramp side", () => {
  const company = () => ({ key: "demo", defaultExpense: "demo:6000" });
  const sel = (remote: string | null) => ({
    optionRampId: "o",
    optionRemoteId: remote,
    optionName: null,
    optionCode: null,
    fieldRampId: null,
    fieldRemoteId: null,
    fieldName: null,
    type: "GL_ACCOUNT",
  });

  it("GL accounts: the line's, else the header's, else the company default; unlinked = unknown", () => {
    const line = (s: ReturnType<typeof sel>[]) => ({ amount: money(1, "USD"), memo: null, selections: s });
    expect(glAccounts([], [], "d")).toEqual(["d"]);
    expect(glAccounts([sel("h")], [line([]), line([sel("l")])], "d")).toEqual(["h", "l"]);
    expect(glAccounts([], [line([])], "d")).toEqual(["d"]);
    expect(glAccounts([sel(null)], [], "d")).toBeNull();
  });

  it("lists every sync status 100 per page, passes the window and applies it again; a paid bill gives two rows", async () => {
    const asked: Array<Record<string, unknown>> = [];
    const txs = Array.from({ length: 150 }, (_, i) => ({
      id: `t${i}`,
      entityId: null,
      syncStatus: i % 2 ? "SYNCED" : "SYNC_READY",
      amount: money(i, "USD"),
      userTransactionTime: i === 0 ? "2025-12-31T23:00:00Z" : "2026-02-01T00:00:00Z",
      selections: [],
      lineItems: [],
      receiptIds: [],
    })) as unknown as RampTransaction[];
    const bill = {
      id: "b1",
      entityId: null,
      status: "PAID",
      syncStatus: "BILL_SYNCED",
      amount: money(500, "USD"),
      selections: [],
      lineItems: [],
      payment: { amount: money(500, "USD"), details: { type: "manual", manualPaymentMethod: "PAID_IN_ERP" } },
      invoiceUrls: [],
    } as unknown as RampBill;
    const gen = async function* <T>(items: T[]) {
      yield* items;
    };
    const client = {
      listTransactions: (f?: unknown) => {
        asked.push(f as Record<string, unknown>);
        return gen(txs);
      },
      listBills: (f?: unknown) => {
        asked.push(f as Record<string, unknown>);
        return gen([bill]);
      },
    } as never;
    const side = rampSideOf(client, company);
    const pages: RampRow[][] = [];
    for await (const p of side.pages("transaction", { since: "2026-01-01" })) pages.push(p);
    expect(asked[0]).toEqual({ pageSize: 100, extra: { from_date: "2026-01-01T00:00:00Z" } });
    expect(pages.map((p) => p.length)).toEqual([100, 49]);
    expect(pages.flat().filter((r) => r.synced).length).toBe(75);

    const bills: RampRow[] = [];
    for await (const p of side.pages("bill", { since: null })) bills.push(...p);
    expect(bills.map((r) => [r.kind, r.synced, r.recordElsewhere !== null])).toEqual([
      ["bill", true, false],
      ["bill_payment", false, true],
    ]);
  });
});
