/**
 * The drain scenario's assertions, shared by the journal and the Tryton test
 * files: every listed object has exactly the outcome the scenario implies — in
 * Ramp (sync status, reference id, error message), in the ledger, and in the ERP
 * (exactly one record under its reference, or none when it must post nothing) —
 * per-account totals equal Ramp's coded amounts, and reports were gathered into
 * at most two sync calls per type.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CompanyConfig } from "../../../lib/config/tenant.js";
import { externalRef, type Kind } from "../../../lib/domain/kinds.js";
import { silentLogger } from "../../../lib/domain/logger.js";
import { dateOnly } from "../../../lib/erp/mapping/dates.js";
import { includedTax } from "../../../lib/erp/mapping/decimal.js";
import { codingContextFromSurface } from "../../../lib/erp/mapping/index.js";
import type { AttachTarget } from "../../../lib/erp/port.js";
import type { LineItem, Selection } from "../../../lib/ramp/model.js";
import { invoiceFileId } from "../../../lib/receipts/invoice-id.js";
import type { LedgerItem } from "../../../lib/store/ledger-item.js";
import { sandboxReceipts } from "../../../local/ramp-sandbox/control-client.js";
import { contextOnTarget } from "../../../ops/context.js";
import { runOps } from "../../../ops/program.js";
import { OpsTargetSchema } from "../../../ops/target.js";
import { type Listed, paymentMode, runDrainScenario, type ScenarioRun, TENANT } from "./drain-scenario.js";
import type { ErpSide } from "./erp-side.js";

interface RampView {
  kind: string;
  object: Record<string, unknown>;
  sync: { status: string; reference_id: string | null; last_error: string | null };
}

type Expected =
  | { outcome: "synced" }
  /** `phase`: the ledger row that fails (a bill's payment phase, else the object's own kind). */
  | { outcome: "failed"; message: string; phase?: Kind }
  /** Not attempted (no scenario expects it since held card charges fail with a message). */
  | { outcome: "waiting" };

const glOf = (sels: readonly Selection[]) =>
  sels.find((s) => s.type === "GL_ACCOUNT")?.optionRemoteId ?? null;

export function drainSuite(name: string, makeSide: () => Promise<ErpSide>, seed: number): void {
  // The seed is in the title: a run with a random seed (Tryton) can be reproduced from its report.
  describe(`500 mixed objects drain into ${name} through the Lambda handlers (seed ${seed})`, () => {
    let run: ScenarioRun;
    let side: ErpSide;
    const ramp = new Map<string, RampView>();
    const ledger = new Map<string, LedgerItem | null>();
    const key = (kind: Kind, id: string) => `${kind}:${id}`;

    beforeAll(async () => {
      side = await makeSide();
      run = await runDrainScenario({ side, dynamoEndpoint: inject("dynamoEndpoint"), seed });
      for (const l of run.listed) {
        if (l.kind !== "vendor_credit")
          ramp.set(l.id, await run.control<RampView>("GET", `/objects/${l.id}`));
        const kinds: Kind[] = l.kind === "bill" ? ["bill", "bill_payment"] : [l.kind];
        for (const k of kinds)
          ledger.set(key(k, l.id), (await run.stack.store.ledger.get(TENANT, k, l.id)) ?? null);
      }
    }, 420_000);
    afterAll(async () => {
      await run?.close();
      await side?.restore();
    });

    const companyOf = (l: Listed): CompanyConfig => {
      const [us, eu] = side.companies;
      return l.entityId === run.entities.us ? us : eu;
    };
    // The runtime reads Ramp's entity names (lib/aws/tenant-runtime.ts): the message names it.
    const unmappedMessage = () =>
      `Ramp entity ${run.entities.unmapped} (Acme Canada) is not linked to an ERP company. ` +
      `Link entity ${run.entities.unmapped} to one of this business's ERP companies ` +
      `(${side.companies.map((c) => c.key).join(", ")}) in the integration settings — the tenant's ` +
      `"entities" setting; ramp-erp-sync tenants show lists the entities and companies — then retry.`;

    /**
     * Seeded as already BILL_SYNCED by an earlier export, with no ERP id Ramp could give: the payment
     * has no bill to post against in this ERP, so it fails with a message saying what to do, and its
     * card charges wait for a payment that never posts.
     */
    const syncedElsewhere = (bill: { syncStatus: string; remoteId: string | null }) =>
      bill.syncStatus !== "NOT_SYNCED" && !bill.remoteId;
    const missingBillMessage =
      "Bill not found in the ERP. Ramp shows this bill as synced, but it was exported outside this integration " +
      "and Ramp holds no ERP id for it. Record the payment in the ERP by hand and mark it synced in Ramp, or " +
      "contact support to link the bill.";

    const heldChargeMessage = (what: string, billId: string) =>
      `${what} ${billId} is not in the ERP. This charge paid that bill and is recorded with the bill's payment, ` +
      "which failed (see the bill's export error). Fix that and this charge syncs with it; if you record the " +
      "payment in the ERP by hand, mark this charge synced in Ramp too (it needs no entry of its own).";

    function expected(l: Listed): Expected {
      if (l.obj.kind === "bill" && syncedElsewhere(l.obj.object))
        return { outcome: "failed", message: missingBillMessage, phase: "bill_payment" };
      const payer = run.settledBy.get(l.id);
      // A card charge that paid a bill which cannot post is not held forever: it fails with why and
      // what to do, naming the failed row — the bill's payment, or the bill when it never got that far.
      if (l.kind === "transaction" && payer && syncedElsewhere(payer))
        return { outcome: "failed", message: heldChargeMessage("Card payment of bill", payer.id) };
      if (l.entityId === run.entities.unmapped) {
        if (l.kind === "transaction" && payer)
          return { outcome: "failed", message: heldChargeMessage("Card-paid bill", payer.id) };
        return { outcome: "failed", message: unmappedMessage() };
      }
      if (l.id === run.broken.closed) return { outcome: "failed", message: side.closedPeriodMessage };
      if (l.id === run.broken.retired && l.obj.kind === "transaction") {
        const date = dateOnly(l.obj.object.accountingDate) ?? "";
        return { outcome: "failed", message: side.retiredAccountMessage(date) };
      }
      return { outcome: "synced" };
    }

    it("lists the scenario it was asked for: ~500 objects of every kind over three entities", () => {
      const kinds = new Set(run.listed.map((l) => l.kind));
      expect([...kinds].sort()).toEqual(
        ["bill", "cashback", "reimbursement", "transaction", "transfer", "vendor_credit"].sort(),
      );
      expect(run.listed.length).toBeGreaterThanOrEqual(500);
      const modes = new Set(
        run.listed.flatMap((l) =>
          l.obj.kind === "bill" && l.obj.object.payment ? [paymentMode(l.obj.object)] : [],
        ),
      );
      expect([...modes].sort()).toEqual(["bank", "card", "paid_in_erp"]);
      const txns = run.listed.flatMap((l) => (l.obj.kind === "transaction" ? [l.obj.object] : []));
      expect(txns.some((t) => t.amount.minor < 0)).toBe(true);
      expect(txns.some((t) => t.requiresAccountingVendorCreation)).toBe(true);
      expect(new Set(run.listed.map((l) => l.entityId)).size).toBe(3);
      const failing = run.listed.filter((l) => expected(l).outcome !== "synced");
      expect(failing.length).toBeLessThan(run.listed.length / 2);
    });

    it("drains every queue through the handlers with nothing thrown, timed out or dead-lettered", async () => {
      expect(run.handlerErrors).toEqual([]);
      const depths = await run.stack.depths();
      for (const [q, d] of Object.entries(depths)) expect(d.total, q).toBe(0);
      for (const s of [run.drain.pollJobs, run.drain.work, run.drain.priority])
        expect(s).toMatchObject({ thrown: 0, timedOut: 0, invalidResponses: 0 });
      expect(run.drain.work.deleted).toBeGreaterThan(0);
    });

    it("gives every object its exact outcome in Ramp, in the ledger and in the ERP", async () => {
      const problems: string[] = [];
      const check = (cond: boolean, what: string) => {
        if (!cond) problems.push(what);
      };
      for (const l of run.listed) {
        const exp = expected(l);
        const company = companyOf(l);
        const view = ramp.get(l.id);
        const own = ledger.get(key(l.kind, l.id)) ?? null;
        const tag = `${l.kind} ${l.id}`;
        if (exp.outcome === "waiting") {
          const before = l.obj.kind === "bill" ? l.obj.object.syncStatus : "SYNC_READY";
          check(view?.sync.status === before && view.sync.last_error === null, `${tag}: not waiting`);
          check(own === null, `${tag}: has a ledger row`);
          if (l.kind === "bill") check(!ledger.get(key("bill_payment", l.id)), `${tag}: payment attempted`);
          continue;
        }
        if (exp.outcome === "failed") {
          const row = exp.phase ? (ledger.get(key(exp.phase, l.id)) ?? null) : own;
          check(row?.state === "FAILED", `${tag}: ledger ${row?.state}`);
          check(row?.category === "user_actionable", `${tag}: category ${row?.category}`);
          check(row?.message === exp.message, `${tag}: ledger message ${row?.message}`);
          if (view) {
            const before = l.obj.kind === "bill" ? l.obj.object.syncStatus : "SYNC_READY";
            check(view.sync.status === before, `${tag}: ${view.sync.status} (was ${before})`);
            check(view.sync.last_error === exp.message, `${tag}: Ramp shows ${view.sync.last_error}`);
            check(row?.told === true, `${tag}: failure not told`);
            if (!exp.phase)
              check(view.sync.reference_id === null, `${tag}: reference ${view.sync.reference_id}`);
          }
          if (l.kind === "bill" && !exp.phase)
            check(!ledger.get(key("bill_payment", l.id)), `${tag}: payment attempted`);
          continue;
        }
        // Synced.
        const ref = externalRef(l.kind, l.id);
        if (l.kind === "transaction" && run.settledBy.has(l.id)) {
          const bill = run.settledBy.get(l.id);
          const payment = bill ? ledger.get(key("bill_payment", bill.id)) : null;
          check(
            own?.state === "MARKED" && !!payment?.erpRef && own.erpRef === payment.erpRef,
            `${tag}: not backed by its payment`,
          );
          check(
            view?.sync.status === "SYNCED" && view.sync.reference_id === payment?.erpRef,
            `${tag}: Ramp ${JSON.stringify(view?.sync)}`,
          );
          check(
            ((await side.recordsUnder([ref], company.key)).get(ref) ?? 0) === 0,
            `${tag}: posted on its own`,
          );
          continue;
        }
        const endState = l.kind === "vendor_credit" ? ["POSTED", "MARKED"] : ["MARKED"];
        check(
          !!own && endState.includes(own.state) && !!own.erpRef,
          `${tag}: ledger ${own?.state} ${own?.message ?? ""}`,
        );
        const records = await side.recordsUnder([ref], company.key);
        check(records.get(ref) === 1, `${tag}: ${records.get(ref) ?? 0} ERP records`);
        const found = await side.port.find(ref, company.key);
        check(found?.erpId === own?.erpRef, `${tag}: ERP id ${found?.erpId} ≠ ${own?.erpRef}`);
        if (l.obj.kind === "bill") {
          const bill = l.obj.object;
          const paid = l.phases.includes("bill_payment");
          check(
            view?.sync.status === (paid ? "BILL_AND_PAYMENT_SYNCED" : "BILL_SYNCED"),
            `${tag}: Ramp ${view?.sync.status}`,
          );
          check(view?.sync.last_error === null, `${tag}: Ramp error ${view?.sync.last_error}`);
          if (paid) {
            const pay = ledger.get(key("bill_payment", l.id));
            const payRef = externalRef("bill_payment", l.id);
            const payRecords = (await side.recordsUnder([payRef], company.key)).get(payRef) ?? 0;
            check(pay?.state === "MARKED", `${tag}: payment ledger ${pay?.state} ${pay?.message ?? ""}`);
            if (paymentMode(bill) === "paid_in_erp") {
              // Nothing posted of its own: the ERP's payment (none here), else the bill, backs it.
              check(payRecords === 0, `${tag}: PAID_IN_ERP payment posted ${payRecords}`);
              check(pay?.erpRef === own?.erpRef, `${tag}: PAID_IN_ERP backed by ${pay?.erpRef}`);
            } else {
              check(
                payRecords === 1,
                `${tag}: ${payRecords} payment records (${paymentMode(bill)}, ${pay?.erpRef})`,
              );
            }
            check(
              view?.sync.reference_id === pay?.erpRef || view?.sync.reference_id === own?.erpRef,
              `${tag}: reference ${view?.sync.reference_id}`,
            );
          } else {
            check(view?.sync.reference_id === own?.erpRef, `${tag}: reference ${view?.sync.reference_id}`);
          }
          continue;
        }
        if (view) {
          check(
            view.sync.status === "SYNCED",
            `${tag}: Ramp ${view.sync.status} ${view.sync.last_error ?? ""}`,
          );
          check(
            view.sync.reference_id === own?.erpRef,
            `${tag}: reference ${view.sync.reference_id} ≠ ${own?.erpRef}`,
          );
          check(view.sync.last_error === null, `${tag}: Ramp error ${view.sync.last_error}`);
        }
      }
      expect(problems).toEqual([]);
    });

    // A card charge that paid a bill is recorded in the bill's payment record: its receipts are attached there.
    it("attaches every exported object's receipts once, with the bytes Ramp serves (bills: their invoice files)", async () => {
      const targets: Array<AttachTarget & { kind: Kind; ids: string[] }> = [];
      for (const l of run.listed) {
        if (l.obj.kind !== "transaction" && l.obj.kind !== "reimbursement" && l.obj.kind !== "bill") continue;
        const row = ledger.get(key(l.obj.kind, l.id));
        if (row?.state !== "MARKED" || !row.erpRef) continue;
        const ids =
          l.obj.kind === "bill"
            ? [...new Set(l.obj.object.invoiceUrls.map(invoiceFileId))]
            : [...l.obj.object.receiptIds];
        targets.push({
          kind: l.obj.kind,
          ref: externalRef(l.obj.kind, l.id),
          companyKey: companyOf(l).key,
          erpId: row.erpRef,
          ids,
        });
      }
      const got = await side.port.listAttachments(targets);
      for (const t of targets)
        expect({ ref: t.ref, ids: [...(got.get(t.ref) ?? [])].sort() }).toEqual({
          ref: t.ref,
          ids: [...t.ids].sort(),
        });
      const withFiles = targets.filter((t) => t.ids.length > 0);
      expect(withFiles.length).toBeGreaterThan(20);
      for (const kind of ["transaction", "reimbursement", "bill"] as const)
        expect({ kind, n: withFiles.some((t) => t.kind === kind) }).toEqual({ kind, n: true });
      expect(targets.some((t) => t.ids.length === 0)).toBe(true);
      // The bytes, read from the ERP itself, of 40 receipts against what the sandbox serves now.
      const rc = sandboxReceipts(run.sb.url);
      const sample = withFiles
        .filter((t) => t.kind !== "bill")
        .flatMap((t) => t.ids.map((id) => ({ t, id })));
      for (const { t, id } of sample.slice(0, 40)) {
        const held = await side.attachedBytes(t, id);
        const res = await fetch((await rc.getReceipt(id)).receipt_url);
        expect({ id, equal: held?.equals(Buffer.from(await res.arrayBuffer())) }).toEqual({
          id,
          equal: true,
        });
      }
    });

    it("posts, per expense account and in company currency, exactly Ramp's coded amounts (foreign at the rate set)", async () => {
      const refs: string[] = [];
      const expectedTotals = new Map<string, Map<string, number>>();
      const coded = new Set<string>();
      // A tax-coded line's expense account gets the amount net of the tax it includes.
      const { taxRates } = codingContextFromSurface(await side.port.readSurface());
      const taxOf = (line: Pick<LineItem, "amount" | "selections">, header: readonly Selection[]) => {
        const code = [...line.selections, ...header].find((s) => s.type === "TAX_CODE")?.optionRemoteId;
        const rate = code ? taxRates.get(code) : undefined;
        return rate ? includedTax(line.amount.minor, rate) : 0;
      };
      for (const l of run.listed) {
        if (expected(l).outcome !== "synced") continue;
        refs.push(externalRef(l.kind, l.id));
        if (l.kind === "bill") refs.push(externalRef("bill_payment", l.id));
        const o = l.obj;
        if (o.kind === "transfer" || o.kind === "cashback") continue;
        if (o.kind === "transaction" && run.settledBy.has(o.object.id)) continue;
        if (o.kind === "bill" && !l.phases.includes("bill")) continue;
        const company = companyOf(l);
        const factor = o.object.amount.currency === company.currency ? 1 : 2;
        const sign = o.kind === "vendor_credit" ? -1 : 1;
        const header = glOf(o.object.selections);
        const lines: Array<Pick<LineItem, "amount" | "selections">> = o.object.lineItems.length
          ? o.object.lineItems
          : [{ amount: o.object.amount, selections: [] }];
        const perAccount = expectedTotals.get(company.key) ?? new Map<string, number>();
        for (const line of lines) {
          const account = glOf(line.selections) ?? header ?? company.defaults.defaultExpense;
          coded.add(account);
          const net = line.amount.minor - taxOf(line, o.object.selections);
          perAccount.set(account, (perAccount.get(account) ?? 0) + sign * factor * net);
        }
        expectedTotals.set(company.key, perAccount);
      }
      for (const company of side.companies) {
        const actual = await side.accountTotals(refs, company.key);
        const want = expectedTotals.get(company.key) ?? new Map<string, number>();
        expect(want.size).toBeGreaterThan(0);
        const got = new Map([...actual].filter(([account]) => coded.has(account) || want.has(account)));
        expect(Object.fromEntries(got), company.key).toEqual(
          Object.fromEntries([...want].filter(([, v]) => v !== 0)),
        );
      }
    });

    it("reconciles: Ramp, the ledger and the ERP agree object by object; the only mismatches are the bills exported elsewhere", async () => {
      const out: string[] = [];
      const ctx = contextOnTarget(() => OpsTargetSchema.parse(run.stack.opsTarget()), silentLogger);
      const code = await runOps(["reconcile", "--tenant", TENANT, "--json"], ctx, {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
      });
      ctx.close();
      const report = JSON.parse(out.join("\n")) as {
        mismatches: Array<{ class: string; kind: string; rampId: string }>;
      };
      const elsewhere = run.listed
        .filter((l) => l.obj.kind === "bill" && syncedElsewhere(l.obj.object))
        .map((l) => ({ class: "synced_elsewhere", kind: "bill", rampId: l.id }))
        .sort((a, b) => a.rampId.localeCompare(b.rampId));
      const got = report.mismatches
        .map((m) => ({ class: m.class, kind: m.kind, rampId: m.rampId }))
        .sort((a, b) => a.rampId.localeCompare(b.rampId));
      expect(got).toEqual(elsewhere);
      expect(code).toBe(elsewhere.length ? 1 : 0);
    });

    it("gathers the reports into at most two sync calls per type", async () => {
      const calls = await run.control<Array<{ syncType: string }>>("GET", "/syncs");
      const perType = new Map<string, number>();
      for (const c of calls) perType.set(c.syncType, (perType.get(c.syncType) ?? 0) + 1);
      expect([...perType.keys()].sort()).toEqual(
        [
          "BILL_PAYMENT_SYNC",
          "BILL_SYNC",
          "REIMBURSEMENT_SYNC",
          "STATEMENT_CREDIT_SYNC",
          "TRANSACTION_SYNC",
          "TRANSFER_SYNC",
        ].sort(),
      );
      for (const [type, n] of perType) expect(n, type).toBeLessThanOrEqual(2);
    });
  });
}
