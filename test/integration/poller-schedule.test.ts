/**
 * The scheduled fan-out over DynamoDB Local: enabled tenants read page by page,
 * one job per due tenant with its jitter, the last dispatch remembered so the
 * cadence holds across runs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../../lib/aws/sqs.js";
import { parsePollJob } from "../../lib/poll/job.js";
import { runSchedule, scheduleMarkerKey } from "../../lib/poll/run-schedule.js";
import { createStore, type Store } from "../../lib/store/index.js";
import { freshTable } from "../support/dynamo-client.js";

const H = 3_600_000;
const WED_10 = Date.UTC(2026, 5, 17, 10, 0, 0);
const SAT_10 = Date.UTC(2026, 5, 20, 10, 0, 0);

const defaults = (k: string) => ({
  cardLiability: `${k}:2100`,
  accountsPayable: `${k}:2000`,
  bank: `${k}:1000`,
  reimbursementsPayable: `${k}:2200`,
  cashbackIncome: `${k}:4900`,
  defaultExpense: `${k}:6000`,
});
const tenantDoc = (tenantId: string, extra: Record<string, unknown> = {}) => ({
  tenantId,
  displayName: tenantId,
  ramp: { remoteProviderName: "Journal" },
  erp: { kind: "journal" as const, path: "books.journal" },
  companies: [{ key: "us", erpCompanyId: "US", currency: "USD", defaults: defaults("us") }],
  ...extra,
});

let store: Store;
beforeAll(async () => {
  const { doc, tableName } = await freshTable("sched");
  store = createStore({ doc, tableName });
  for (const doc of [
    tenantDoc("acme"),
    tenantDoc("bolt", { cadence: { weekdayHours: 1, weekendHours: 6 } }),
    tenantDoc("corp"),
    tenantDoc("dormant", { enabled: false }),
  ]) {
    const r = await store.tenants.put(doc);
    if (!r.ok) throw new Error("tenant put failed");
  }
});

function run(now: number, random = () => 0.5) {
  const sent: OutgoingMessage[] = [];
  const result = runSchedule({
    store,
    sendJobs: async (m) => {
      sent.push(...m);
    },
    clock: () => now,
    random,
    jitterMaxSeconds: 300,
    pageLimit: 1, // one tenant per page: the walk must follow the index's cursor
  });
  return result.then((r) => ({ ...r, sent }));
}

describe("poll schedule fan-out", () => {
  it("sends one jittered job per enabled tenant on the first run, across pages", async () => {
    const r = await run(WED_10);
    expect(r.dispatched.sort()).toEqual(["acme", "bolt", "corp"]);
    expect(r.sent.map((m) => m.id).sort()).toEqual(["acme", "bolt", "corp"]);
    for (const m of r.sent) {
      expect(m.delaySeconds).toBe(150); // floor(0.5 × 301)
      const job = parsePollJob(m.body);
      expect(job.ok && job.job).toMatchObject({ v: 1, type: "poll", tenantId: m.id });
    }
    expect(await store.pollCursors.get(scheduleMarkerKey("acme"))).toMatchObject({ lastCompletedAt: WED_10 });
  });

  it("holds each tenant to its own cadence, weekdays and weekends", async () => {
    expect((await run(WED_10 + 30 * 60_000)).dispatched).toEqual([]);
    // One hour later only the 1-hour tenant is due; two hours later the others too.
    expect((await run(WED_10 + H)).dispatched).toEqual(["bolt"]);
    expect((await run(WED_10 + 2 * H)).dispatched.sort()).toEqual(["acme", "bolt", "corp"]);
    // Saturday: 12 h by default, 6 h for bolt.
    expect((await run(SAT_10)).dispatched.sort()).toEqual(["acme", "bolt", "corp"]);
    expect((await run(SAT_10 + 6 * H)).dispatched).toEqual(["bolt"]);
    expect((await run(SAT_10 + 11 * H)).dispatched).toEqual([]);
    const noon = await run(SAT_10 + 12 * H, () => 0);
    expect(noon.dispatched.sort()).toEqual(["acme", "bolt", "corp"]);
    expect(noon.sent.every((m) => m.delaySeconds === 0)).toBe(true);
  });
});
