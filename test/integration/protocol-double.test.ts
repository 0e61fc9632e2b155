/**
 * The exactly-once protocol proven against an ERP that does not deduplicate
 * (test/support/recording-erp.ts): a crash at each protocol step boundary and
 * inside each multi-step ERP write (create → post, invoice → payment, payment →
 * reconciliation, between the records of a batch), then redelivery after the
 * lease. Whatever the adapter would have hidden by looking before creating, the
 * protocol has to get right itself: one record per reference, nothing reported
 * synced that is not complete in the ERP, nothing lost, Ramp told once.
 *
 * Over the real wires otherwise: the Ramp sandbox over HTTP, DynamoDB Local.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ERP_CRASH_POINTS, type ErpCrashPoint } from "../../lib/erp/crash-points.js";
import { createJournalErp } from "../../lib/erp/index.js";
import { transientError } from "../../lib/erp/port.js";
import type { Store } from "../../lib/store/index.js";
import { CRASH_POINTS, type CrashPoint, InjectedCrash } from "../../lib/sync/crash-points.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { sweepTenant } from "../../lib/sync/sweep.js";
import { createDemoJournal, demoCompanies } from "../../local/demo-journal.js";
import { threeWayCheck } from "../chaos/check.js";
import { RecordingErp } from "../support/recording-erp.js";
import { asRecords, type Harness, syncerHarness } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => h?.close());

const LEASE_AND_LOCK = 121_000;
/** Flush at the end of every batch, so the report steps run (and crash) inside the syncer. */
const FLUSH_NOW = { flush: { maxItems: 5_000, maxAgeMs: 0, buttonMaxItems: 100, buttonMaxAgeMs: 0 } };

async function doubleHarness(): Promise<{ h: Harness; erp: RecordingErp }> {
  const dir = await mkdtemp(join(tmpdir(), "double-"));
  const path = join(dir, "books.journal");
  await createDemoJournal(path);
  const erp = new RecordingErp(createJournalErp(path), { maxBatchSize: 4 });
  const [us, eu] = demoCompanies();
  if (!us || !eu) throw new Error("demo companies missing");
  const harness = await syncerHarness({
    transactions: 6,
    reimbursements: 4,
    bills: 3,
    transfers: 1,
    cashbacks: 1,
    vendorlessShare: 0,
    erp: { port: erp, config: { kind: "journal", path: "books.journal" }, companies: [us, eu] },
  });
  return { h: harness, erp };
}

/** The chaos suite's three-way check (test/chaos/check.ts), with the double's own records as the ERP's. */
const threeWay = (harness: Harness, erp: RecordingErp, items: readonly WorkItem[]) =>
  threeWayCheck(
    harness,
    {
      port: erp,
      recordsUnder: async (refs) => new Map(refs.map((r) => [r, erp.recordsUnder(r).length])),
    },
    items,
  );

/**
 * A worker that dies at one point: the hook throws there, and from then on every hook,
 * ledger or report call of that worker throws too — its other in-flight tasks stop at
 * their next step, as they would in a killed process (mapLimit lets siblings run on).
 */
function dyingWorker(point: CrashPoint | ErpCrashPoint, store: Store) {
  const state = { dead: false, fired: 0 };
  const hook = (p: string) => {
    if (state.dead) throw new InjectedCrash(point);
    if (p === point) {
      state.dead = true;
      state.fired++;
      throw new InjectedCrash(point);
    }
  };
  const guard = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, key) {
        const v = Reflect.get(target, key);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          if (state.dead) throw new InjectedCrash(point);
          return v.apply(target, args);
        };
      },
    });
  const deadStore = Object.fromEntries(
    Object.entries(store).map(([k, repo]) => [k, guard(repo as object)]),
  ) as unknown as Store;
  return { hook, state, store: deadStore };
}

/** Lets the dead worker's in-flight calls (started before it died) settle. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("exactly once against an ERP that does not deduplicate", () => {
  it.each([...CRASH_POINTS, ...ERP_CRASH_POINTS])("crash at %s, then redelivery", async (point) => {
    let erp: RecordingErp;
    ({ h, erp } = await doubleHarness());
    const items = await h.ready();
    expect(items.some((i) => i.kind === "reimbursement")).toBe(true);
    const w = dyingWorker(point, h.store);
    const erpPoint = (ERP_CRASH_POINTS as readonly string[]).includes(point);
    erp.crash = (p) => (erpPoint || w.state.dead ? w.hook(p) : undefined);
    const crashing = h.syncer({ settings: FLUSH_NOW, store: w.store, crash: (p) => w.hook(p) });
    await expect(crashing.processMessages(asRecords(items))).rejects.toBeInstanceOf(InjectedCrash);
    expect(w.state.fired, "the crash was injected").toBe(1);
    await settle();
    erp.crash = undefined;

    // The dead worker's leases and report lock run out; everything is delivered again.
    h.clock.now += LEASE_AND_LOCK;
    const late = h.syncer({ settings: FLUSH_NOW });
    await late.processMessages(asRecords(items));
    await late.processMessages(asRecords(items));
    await sweepTenant({ ledger: h.store.ledger, flush: late.flush }, await h.rt());

    const { counts, problems } = await threeWay(h, erp, items);
    expect(problems).toEqual([]);
    expect(counts).toEqual({ duplicates: 0, incompleteSynced: 0, lost: 0, toldTwice: 0 });
    if (erpPoint && point !== "erp-between") {
      // The takeover finished the record the dead worker left, instead of posting a new one.
      expect(erp.writes.some((w) => w.op === "finish")).toBe(true);
    }
  });

  it("a retry after a failure whose write landed finishes or finds the record, never posts it again", async () => {
    let erp: RecordingErp;
    ({ h, erp } = await doubleHarness());
    const items: WorkItem[] = [];
    for (const i of await h.ready())
      if (i.kind === "transaction" && !(await h.store.settlesLinks.get("acme", i.rampId))) items.push(i);
    items.splice(3);
    // The write lands, then the answer is lost (a timeout): the syncer records a transient failure.
    const real = erp.postBatch.bind(erp);
    erp.postBatch = async (ps) => {
      await real(ps);
      throw transientError(
        "TIMEOUT",
        "Tryton did not answer in time",
        "socket hang up after the write landed",
      );
    };
    await h.syncer().processMessages(asRecords(items));
    erp.postBatch = real;
    for (const it of items)
      expect((await h.store.ledger.get("acme", it.kind, it.rampId))?.state).toBe("FAILED");
    const s = h.syncer();
    await s.processMessages(asRecords(items));
    await sweepTenant({ ledger: h.store.ledger, flush: s.flush }, await h.rt());
    const { counts, problems } = await threeWay(h, erp, items);
    expect(problems).toEqual([]);
    expect(counts.duplicates).toBe(0);
  });
});
