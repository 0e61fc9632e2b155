/**
 * The chart-of-accounts lifecycle through the live Tryton, edited over JSON-RPC the way a
 * Tryton user edits it, pushed by coa-push into the sandbox over HTTP (the Tryton mirror of
 * test/integration/coa-lifecycle-journal.test.ts): an analytic root (a Ramp field) deactivated
 * in Tryton leaves Ramp's selection under each `coa.fieldRemoval` policy and comes back under
 * the same Ramp ids when reactivated; a GL account deactivated (end_date) is deleted in Ramp and
 * reactivated under the same id; renames are in place. Objects coded before keep their coding.
 *
 * The database is shared with the other erp tests (and the smoke test), so this file owns
 * everything it edits: a root with two options and an expense account, made per run with
 * unique codes and deleted (or left deactivated) in afterAll. Assertions look only at the operations on
 * those records, so a concurrent edit of the rest of the chart cannot make them flaky.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import type { CoaPushResult, SnapshotStore } from "../../lib/coa/push.js";
import type { CoaOperation } from "../../lib/coa/types.js";
import { parseTenantConfig, type TenantConfig } from "../../lib/config/tenant.js";
import type { TrytonErp } from "../../lib/erp/tryton/index.js";
import { collect, type SandboxRamp, sandboxRamp } from "../integration/coa-harness.js";
import { coaPusher } from "../support/coa-pusher.js";
import { connectLive, type Live, liveDefaults } from "./support/tryton-live.js";

type Sel = { id: string; type: string; external_id: string; category_info: { id: string } };
type Txn = { id: string; line_items: { accounting_field_selections: Sel[] }[] };

const RUN = randomUUID().slice(0, 8).toUpperCase();
const ROOT_CODE = `LIFE-${RUN}`;
const FIELD = `field:${ROOT_CODE}`;
const ROOT_NAME = `Lifecycle ${RUN}`;
const ACCOUNT_NAME = `Lifecycle Expense ${RUN}`;

let live: Live;
let erp: TrytonErp;
/** The Tryton records this file owns, in Acme Corp. */
const own = { root: 0, options: [] as number[], account: 0 };
const ownRemote = { options: [] as string[], account: "" };

const rpc = () => live.session.rpc;
const usCtx = () => live.session.ctx(live.us.id, { active_test: false });

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  const ctx = usCtx();
  const [root] = await rpc().create(
    "analytic_account.account",
    [{ name: ROOT_NAME, code: ROOT_CODE, type: "root", company: live.us.id }],
    ctx,
  );
  own.root = root as number;
  own.options = await rpc().create(
    "analytic_account.account",
    ["A", "B"].map((x) => ({
      name: `Option ${x} ${RUN}`,
      code: `${ROOT_CODE}-${x}`,
      type: "normal",
      root: own.root,
      parent: own.root,
      company: live.us.id,
    })),
    ctx,
  );
  // An expense account next to Travel: same type (so it classifies as EXPENSE) and parent.
  const [travel] = await rpc().read<{ type: number; parent: number | null }>(
    "account.account",
    [live.us.accountId("6100")],
    ["type", "parent"],
    ctx,
  );
  const [account] = await rpc().create(
    "account.account",
    [
      {
        name: ACCOUNT_NAME,
        code: `L${RUN}`,
        type: travel?.type,
        parent: travel?.parent,
        company: live.us.id,
      },
    ],
    ctx,
  );
  own.account = account as number;
  ownRemote.options = own.options.map((id) => `${live.us.key}:${id}`);
  ownRemote.account = `${live.us.key}:${own.account}`;
});

afterAll(async () => {
  if (live) {
    const ctx = usCtx();
    // Delete, or else deactivate, which keeps a record out of every surface (an inactive root's
    // field is left out, lib/erp/tryton/surface.ts). Options go first: deleting the root first
    // nulls their required parent. The root itself usually stays, inactive: while it was active,
    // analytic_invoice gave every invoice line other tests created an (empty) entry on it, and
    // those entries refuse the delete. Nothing posts to the expense account, so it goes.
    const removeOr = (model: string, ids: number[], fallback: Record<string, unknown>) =>
      ids.length
        ? rpc()
            .model(model, "delete", [ids], ctx)
            .catch(() => rpc().write(model, ids, fallback, ctx))
        : undefined;
    await removeOr("analytic_account.account", own.options, { active: false });
    await removeOr("analytic_account.account", own.root ? [own.root] : [], { active: false });
    await removeOr("account.account", own.account ? [own.account] : [], { end_date: lastYearEnd() });
  }
  await erp?.close();
});

/** Each test starts from its records active and named as created, whatever the last one left. */
beforeEach(async () => {
  await setRootActive(true);
  await rpc().write("analytic_account.account", [own.root], { name: ROOT_NAME }, usCtx());
  await rpc().write("account.account", [own.account], { end_date: null, name: ACCOUNT_NAME }, usCtx());
});

/** Dec 31 of last year: before the current fiscal year, so `active` turns false now (docs/tryton.md pitfall 23). */
function lastYearEnd() {
  return { __class__: "date", year: new Date().getUTCFullYear() - 1, month: 12, day: 31 };
}
const setRootActive = (active: boolean) =>
  rpc().write("analytic_account.account", [own.root], { active }, usCtx());

/** In-memory snapshot store: what this file tests is Tryton ↔ Ramp, not DynamoDB. */
function memorySnapshots(): SnapshotStore {
  const docs = new Map<string, string>();
  return {
    async get<T>(tenantId: string, scope: string, schema: ZodType<T>) {
      const doc = docs.get(`${tenantId}/${scope}`);
      return doc === undefined ? undefined : schema.parse(JSON.parse(doc));
    },
    async put(tenantId, scope, snapshot) {
      docs.set(`${tenantId}/${scope}`, JSON.stringify(snapshot));
    },
  };
}

describe("chart lifecycle through the live Tryton", () => {
  let r: SandboxRamp;
  let key = 0;
  afterAll(() => r?.close());

  /** A sandbox with the chart pushed, entities linked, and a ready USD transaction to code. */
  async function setUp(fieldRemoval: "hide-options" | "delete") {
    await r?.close();
    r = await sandboxRamp({ transactions: 6, entities: 2, currencies: ["USD", "EUR"] });
    const entities = await r.control<Array<{ id: string; currency: string }>>("GET", "/entities");
    const usd = entities.find((e) => e.currency === "USD")?.id as string;
    const eur = entities.find((e) => e.currency === "EUR")?.id as string;
    const tenant: TenantConfig = parseTenantConfig({
      tenantId: `life-${RUN}`,
      displayName: "Lifecycle (Tryton)",
      ramp: { remoteProviderName: "Tryton" },
      erp: { kind: "tryton", url: "http://127.0.0.1", database: "tryton", username: "x" },
      companies: [live.us, live.eu].map((c) => ({
        key: c.key,
        erpCompanyId: String(c.id),
        currency: c.currency,
        defaults: liveDefaults(c),
      })),
      entities: [
        { rampEntityId: usd, companyKey: live.us.key },
        { rampEntityId: eur, companyKey: live.eu.key },
      ],
      coa: { fieldRemoval },
    });
    const snapshots = memorySnapshots();
    const pusher = coaPusher({ client: r.client, erp, snapshots }, tenant);
    const push = async () => {
      const res = await pusher.push();
      expect(res.report.failures).toEqual([]);
      return res;
    };
    await push();
    await r.control("POST", "/code", {
      seed: 4,
      entity_remote_ids: { [usd]: live.us.key, [eur]: live.eu.key },
    });
    const [t] = await collect(r.client.listTransactions({ syncStatus: "SYNC_READY", entityId: usd }));
    if (!t) throw new Error("no ready USD transaction in the sandbox");
    return { push, txnId: t.id };
  }

  const field = async () => (await collect(r.client.listFields())).find((f) => f.id === FIELD);
  const options = async (fieldRampId: string) =>
    (await collect(r.client.listFieldOptions(fieldRampId))).sort((a, b) => a.id.localeCompare(b.id));
  const gl = async () => (await collect(r.client.listGlAccounts({ remoteId: ownRemote.account })))[0];
  const selectionIds = async (id: string) =>
    (await r.control<{ object: Txn }>("GET", `/objects/${id}`)).object.line_items.flatMap((l) =>
      l.accounting_field_selections.map((s) => s.id),
    );
  const code = (txnId: string, optionRampId: string) =>
    r.client.setTransactionCoding(txnId, [{ accounting_field_option_id: optionRampId }]);
  const succeed = (id: string) =>
    r.client.postSync({
      idempotency_key: `life-${RUN}-${++key}`,
      sync_type: "TRANSACTION_SYNC",
      successful_syncs: [{ id, reference_id: `JE-${key}` }],
    });
  /** The push's operations on this file's records, as "<op>[ detail] <remote id>", sorted. */
  const ownOps = (res: CoaPushResult) => {
    const mine = new Set([FIELD, ...ownRemote.options, ownRemote.account]);
    const label = (o: CoaOperation): string[] => {
      if (o.op === "set_visibility") return [`set_visibility ${o.visibility} ${o.remoteId}`];
      if (o.op === "create_field") return [`create_field ${o.field.remoteId}`];
      if (o.op === "create_field_options") return o.items.map((i) => `create_field_option ${i.remoteId}`);
      if (o.op === "create_gl_accounts") return o.items.map((i) => `create_gl_account ${i.remoteId}`);
      if ("list" in o && "remoteId" in o) return [`${o.op} ${o.list} ${o.remoteId}`];
      return [];
    };
    return res.operations
      .flatMap(label)
      .filter((l) => mine.has(l.split(" ").at(-1) ?? ""))
      .sort();
  };

  it("hide-options: the deactivated root's options are hidden, coding kept, and come back visible under the same ids", async () => {
    const { push, txnId } = await setUp("hide-options");
    const f = await field();
    expect(f).toMatchObject({ name: ROOT_NAME, is_active: true });
    const before = await options(f!.ramp_id);
    expect(before.map((o) => [o.id, o.visibility])).toEqual(ownRemote.options.map((id) => [id, "VISIBLE"]));
    const [a, b] = before;
    await code(txnId, a!.ramp_id);

    await setRootActive(false);
    const removed = await push();
    expect(ownOps(removed)).toEqual(ownRemote.options.map((id) => `set_visibility HIDDEN ${id}`).sort());
    expect((await options(f!.ramp_id)).every((o) => o.visibility === "HIDDEN" && o.is_active)).toBe(true);
    expect(await selectionIds(txnId)).toContain(a!.ramp_id);
    await expect(code(txnId, b!.ramp_id)).rejects.toThrow(/codings → 422/);

    await setRootActive(true);
    const restored = await push();
    expect(ownOps(restored)).toEqual(ownRemote.options.map((id) => `set_visibility VISIBLE ${id}`).sort());
    expect(await field()).toMatchObject({ ramp_id: f!.ramp_id, is_active: true });
    expect((await options(f!.ramp_id)).map((o) => [o.ramp_id, o.visibility])).toEqual(
      before.map((o) => [o.ramp_id, "VISIBLE"]),
    );
    expect(await selectionIds(txnId)).toContain(a!.ramp_id);
    expect((await succeed(txnId)).outcome).toBe("accepted");
  });

  it("delete: the deactivated root's field is deleted, its coded objects cannot be synced, and it returns under the same id", async () => {
    const { push, txnId } = await setUp("delete");
    const f = await field();
    const before = await options(f!.ramp_id);
    await code(txnId, before[0]!.ramp_id);

    await setRootActive(false);
    expect(ownOps(await push())).toEqual([`delete fields ${FIELD}`]);
    expect((await field())?.is_active).toBe(false);
    expect(await selectionIds(txnId)).toContain(before[0]!.ramp_id);
    expect(await succeed(txnId)).toMatchObject({
      outcome: "refused",
      refused: [{ id: txnId, reason: "INACTIVE_CODING" }],
    });

    await setRootActive(true);
    expect(ownOps(await push())).toEqual([`create_field ${FIELD}`]);
    expect(await field()).toMatchObject({ ramp_id: f!.ramp_id, is_active: true });
    expect((await options(f!.ramp_id)).map((o) => o.ramp_id)).toEqual(before.map((o) => o.ramp_id));
    expect((await succeed(txnId)).outcome).toBe("accepted");
  });

  it("a GL account deactivated in Tryton is deleted and reactivated under the same id; renames are in place", async () => {
    const { push, txnId } = await setUp("hide-options");
    const account = await gl();
    expect(account).toMatchObject({ name: ACCOUNT_NAME, classification: "EXPENSE", is_active: true });
    await code(txnId, account!.ramp_id);

    await rpc().write("account.account", [own.account], { end_date: lastYearEnd() }, usCtx());
    expect(ownOps(await push())).toEqual([`delete gl_accounts ${ownRemote.account}`]);
    expect(await gl()).toMatchObject({ ramp_id: account!.ramp_id, is_active: false });
    expect(await selectionIds(txnId)).toContain(account!.ramp_id);
    expect((await succeed(txnId)).outcome).toBe("refused");

    await rpc().write("account.account", [own.account], { end_date: null }, usCtx());
    expect(ownOps(await push())).toEqual([`reactivate gl_accounts ${ownRemote.account}`]);
    expect(await gl()).toMatchObject({ ramp_id: account!.ramp_id, is_active: true });

    const f = await field();
    await rpc().write("account.account", [own.account], { name: `${ACCOUNT_NAME} (renamed)` }, usCtx());
    await rpc().write("analytic_account.account", [own.root], { name: `${ROOT_NAME} (renamed)` }, usCtx());
    expect(ownOps(await push())).toEqual([
      `update fields ${FIELD}`,
      `update gl_accounts ${ownRemote.account}`,
    ]);
    expect(await gl()).toMatchObject({
      ramp_id: account!.ramp_id,
      name: `${ACCOUNT_NAME} (renamed)`,
      is_active: true,
    });
    expect(await field()).toMatchObject({
      ramp_id: f!.ramp_id,
      name: `${ROOT_NAME} (renamed)`,
      is_active: true,
    });
    expect(await selectionIds(txnId)).toContain(account!.ramp_id);
    expect((await succeed(txnId)).outcome).toBe("accepted");
  });
});
