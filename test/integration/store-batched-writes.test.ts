/**
 * The store's batched reads and writes over DynamoDB Local and the real SDK:
 * putAllIf (conditional puts in TransactWriteItems of ≤100 / ≤3 MB, each put
 * still decided by its own condition), deleteAll (BatchWriteItem of 25), the
 * ledger's coalesced `get` / first create / `recordPosted(held)`, the
 * settles-links' coalesced `get`, and closeIntent's fast path.
 *
 * Round trips are counted by a middleware on a client of our own (the command
 * names as the SDK sends them); the same middleware lets a test act "meanwhile"
 * (another writer changes a row before a transaction goes out) or make a
 * transaction come back cancelled by a conflict, which DynamoDB Local cannot be
 * made to do on cue.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Kind } from "../../lib/domain/kinds.js";
import { deleteAll } from "../../lib/store/batch-delete.js";
import { batchGetAll } from "../../lib/store/batch-get.js";
import { unchangedSince } from "../../lib/store/conditional-write.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createLedger } from "../../lib/store/ledger.js";
import { type LedgerItem, toLedgerRecord } from "../../lib/store/ledger-item.js";
import { createReportIntents } from "../../lib/store/report-intents.js";
import { createSettlesLinks } from "../../lib/store/settles-links.js";
import { type ConditionalPut, putAllIf } from "../../lib/store/transact-puts.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";

const LEASE = 60_000;
const FAILURE = { transientAttemptsBeforeReport: 3, coolDownMs: 3_600_000 };
const TWI = "TransactWriteItemsCommand";

let deps: Awaited<ReturnType<typeof freshTable>>;
let now = Date.UTC(2026, 2, 1, 12);
const clock = () => now;

beforeAll(async () => {
  deps = await freshTable("batched");
});

let seq = 0;
/** A tenant of its own per test: no test sees another's rows. */
const newTenant = (name: string) => `${name}-${++seq}`;

type Hook = (command: string, input: Record<string, unknown>) => void | Promise<void>;

/** A client on the run's DynamoDB Local that records every command it sends (and may act first). */
function instrumented(hook?: Hook) {
  const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: deps.endpoint });
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const command = context.commandName ?? "?";
      sent.push({ command, input });
      await hook?.(command, input);
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return {
    doc,
    count: (command: string) => sent.filter((s) => s.command === command).length,
    commands: () => sent.map((s) => s.command),
    transactionSizes: () =>
      sent.filter((s) => s.command === TWI).map((s) => (s.input.TransactItems as unknown[]).length),
    /** Per transaction, the keys it names (as sent: plain or marshalled, compared as JSON). */
    transactionKeys: () =>
      sent
        .filter((s) => s.command === TWI)
        .map((s) =>
          (s.input.TransactItems as Array<{ Put: { Item: Record<string, unknown> } }>).map((op) =>
            JSON.stringify([op.Put.Item.PK, op.Put.Item.SK]),
          ),
        ),
    reset: () => {
      sent.length = 0;
    },
  };
}

/** What DynamoDB answers when a transaction collides with another writer of one of its items. */
const conflict = (size: number, at: number) =>
  new TransactionCanceledException({
    message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: Array.from({ length: size }, (_, i) =>
      i === at
        ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
        : { Code: "None" },
    ),
  });

const rowKey = (pk: string, n: number) => ({ PK: pk, SK: `ROW#${String(n).padStart(4, "0")}` });

async function stored(pk: string, n: number) {
  const res = await deps.doc.send(
    new GetCommand({ TableName: deps.tableName, Key: rowKey(pk, n), ConsistentRead: true }),
  );
  return res.Item;
}

async function seed(pk: string, rows: Array<{ n: number; rev: number; by: string }>) {
  for (const r of rows) {
    await deps.doc.send(
      new PutCommand({ TableName: deps.tableName, Item: { ...rowKey(pk, r.n), rev: r.rev, by: r.by } }),
    );
  }
}

/** A create (row absent) or an update conditional on `rev`, as every ledger write is. */
function put(pk: string, n: number, by: string, prevRev?: number): ConditionalPut {
  return {
    TableName: deps.tableName,
    Item: { ...rowKey(pk, n), rev: prevRev === undefined ? 0 : prevRev + 1, by },
    ...unchangedSince("rev", prevRev),
  };
}

describe("putAllIf (DynamoDB Local)", () => {
  it("250 conditional creates go out as 3 TransactWriteItems of 100, 100 and 50, and every row is written", async () => {
    const pk = `TENANT#${newTenant("pa-many")}`;
    const c = instrumented();
    const result = await putAllIf(
      c.doc,
      Array.from({ length: 250 }, (_, n) => put(pk, n, "w")),
    );
    expect(result).toEqual(Array.from({ length: 250 }, () => true));
    expect(c.transactionSizes()).toEqual([100, 100, 50]);
    expect(c.commands()).toEqual([TWI, TWI, TWI]);
    const rows = await batchGetAll({
      doc: deps.doc,
      tableName: deps.tableName,
      keys: Array.from({ length: 250 }, (_, n) => rowKey(pk, n)),
      what: "test",
    });
    expect(rows).toHaveLength(250);
    expect(rows.every((r) => r.by === "w" && r.rev === 0)).toBe(true);
  });

  it("puts whose condition fails are false, exactly those; the rest are written by a resend without them", async () => {
    const pk = `TENANT#${newTenant("pa-refused")}`;
    // Rows 0..149 exist at rev 0; 3, 57 and 120 have moved on to rev 1 (another writer's).
    await seed(
      pk,
      Array.from({ length: 150 }, (_, n) => ({ n, rev: [3, 57, 120].includes(n) ? 1 : 0, by: "seed" })),
    );
    const c = instrumented();
    const updates = Array.from({ length: 150 }, (_, n) => put(pk, n, "w", 0));
    // Plus creates of 150..159, two of which (150, 155) someone else created first.
    await seed(pk, [
      { n: 150, rev: 0, by: "other" },
      { n: 155, rev: 0, by: "other" },
    ]);
    const creates = Array.from({ length: 10 }, (_, i) => put(pk, 150 + i, "w"));
    const result = await putAllIf(c.doc, [...updates, ...creates]);
    const refused = [3, 57, 120, 150, 155];
    expect(result.flatMap((ok, i) => (ok ? [] : [i]))).toEqual(refused);
    for (const n of refused) expect((await stored(pk, n))?.by).not.toBe("w");
    expect(await stored(pk, 3)).toMatchObject({ rev: 1, by: "seed" });
    expect(await stored(pk, 150)).toMatchObject({ rev: 0, by: "other" });
    for (const n of [0, 56, 58, 119, 149]) expect(await stored(pk, n)).toMatchObject({ rev: 1, by: "w" });
    for (const n of [151, 159]) expect(await stored(pk, n)).toMatchObject({ rev: 0, by: "w" });
    // Chunk 1 (0..99: 3, 57 refused) and chunk 2 (100..159: 120, 150, 155 refused): each cancelled once, resent once.
    expect(c.transactionSizes()).toEqual([100, 98, 60, 57]);
  });

  it("a row another writer changed while the transaction was on its way is refused; the others are written", async () => {
    const pk = `TENANT#${newTenant("pa-meanwhile")}`;
    await seed(
      pk,
      Array.from({ length: 5 }, (_, n) => ({ n, rev: 0, by: "seed" })),
    );
    let raced = false;
    const c = instrumented(async (command) => {
      if (command !== TWI || raced) return;
      raced = true;
      // Between our read (rev 0) and our write, another worker moves row 2 on.
      await deps.doc.send(
        new PutCommand({ TableName: deps.tableName, Item: { ...rowKey(pk, 2), rev: 1, by: "other" } }),
      );
    });
    const result = await putAllIf(
      c.doc,
      Array.from({ length: 5 }, (_, n) => put(pk, n, "w", 0)),
    );
    expect(result).toEqual([true, true, false, true, true]);
    expect(await stored(pk, 2)).toMatchObject({ rev: 1, by: "other" });
    for (const n of [0, 1, 3, 4]) expect(await stored(pk, n)).toMatchObject({ rev: 1, by: "w" });
    expect(c.transactionSizes()).toEqual([5, 4]);
  });

  it("a lone put is a plain PutItem (also the one left of a chunk after refusals), and its refusal is false, not a throw", async () => {
    const pk = `TENANT#${newTenant("pa-single")}`;
    const c = instrumented();
    expect(await putAllIf(c.doc, [put(pk, 0, "w")])).toEqual([true]);
    expect(c.commands()).toEqual(["PutItemCommand"]);
    c.reset();
    expect(await putAllIf(c.doc, [put(pk, 0, "again")])).toEqual([false]);
    expect(c.commands()).toEqual(["PutItemCommand"]);
    expect(await stored(pk, 0)).toMatchObject({ by: "w" });
    c.reset();
    // Two puts, one refused: the survivor goes alone, as a PutItem.
    expect(await putAllIf(c.doc, [put(pk, 0, "again"), put(pk, 1, "w")])).toEqual([false, true]);
    expect(c.commands()).toEqual([TWI, "PutItemCommand"]);
    c.reset();
    expect(await putAllIf(c.doc, [])).toEqual([]);
    expect(c.commands()).toEqual([]);
  });

  it("a cancellation that is not a condition failure (TransactionConflict) leaves that chunk unwritten (false) without throwing; other chunks go on", async () => {
    const pk = `TENANT#${newTenant("pa-conflict")}`;
    let transactions = 0;
    const c = instrumented((command, input) => {
      if (command === TWI && ++transactions === 1)
        throw conflict((input.TransactItems as unknown[]).length, 7);
    });
    const result = await putAllIf(
      c.doc,
      Array.from({ length: 150 }, (_, n) => put(pk, n, "w")),
    );
    expect(result.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => false));
    expect(result.slice(100)).toEqual(Array.from({ length: 50 }, () => true));
    // The cancelled chunk is not sent again (the caller's one-at-a-time path settles it) and nothing of it was written.
    expect(c.transactionSizes()).toEqual([100, 50]);
    for (const n of [0, 7, 99]) expect(await stored(pk, n)).toBeUndefined();
    expect(await stored(pk, 100)).toMatchObject({ by: "w" });
  });

  it("any other error (throttling, an item over DynamoDB's 400 KB) is thrown, not turned into false", async () => {
    const pk = `TENANT#${newTenant("pa-throw")}`;
    const throttled = instrumented((command) => {
      if (command === TWI)
        throw Object.assign(new Error("Throughput exceeds the current capacity"), {
          name: "ProvisionedThroughputExceededException",
        });
    });
    await expect(putAllIf(throttled.doc, [put(pk, 0, "w"), put(pk, 1, "w")])).rejects.toThrow(
      "Throughput exceeds",
    );
    const huge = { ...put(pk, 2, "w"), Item: { ...rowKey(pk, 2), rev: 0, text: "x".repeat(500_000) } };
    await expect(putAllIf(deps.doc, [huge])).rejects.toThrow(/size/i);
    await expect(putAllIf(deps.doc, [huge, put(pk, 3, "w")])).rejects.toThrow(/size/i);
    expect(await stored(pk, 3)).toBeUndefined();
  });

  it("large puts are cut into transactions under 3 MB (12 rows of ~280 KB: 10, then 2)", async () => {
    const pk = `TENANT#${newTenant("pa-bytes")}`;
    const c = instrumented();
    const text = "x".repeat(280_000);
    const puts = Array.from({ length: 12 }, (_, n) => ({
      ...put(pk, n, "w"),
      Item: { ...rowKey(pk, n), rev: 0, text },
    }));
    expect(await putAllIf(c.doc, puts)).toEqual(Array.from({ length: 12 }, () => true));
    expect(c.transactionSizes()).toEqual([10, 2]);
  });

  it("large puts of multi-byte text are cut by their stored (UTF-8) size: 12 rows of 390 KB in 3-byte characters are all written", async () => {
    const pk = `TENANT#${newTenant("pa-utf8")}`;
    const c = instrumented();
    // 130,000 × "日" = 390,000 bytes, under DynamoDB's 400 KB per item; 12 of them are 4.7 MB, over the 4 MB cap.
    // Red at fdc2195: transact-puts.ts measures a chunk by JSON.stringify(Item).length (UTF-16 units),
    // which undercounts multi-byte text 3×: all 12 go in one transaction and DynamoDB refuses it
    // ("Transaction payload size cannot exceed 4MB"), so putAllIf throws for puts that each fit.
    const text = "日".repeat(130_000);
    const puts = Array.from({ length: 12 }, (_, n) => ({
      ...put(pk, n, "w"),
      Item: { ...rowKey(pk, n), rev: 0, text },
    }));
    expect(await putAllIf(c.doc, puts)).toEqual(Array.from({ length: 12 }, () => true));
    expect(Math.max(...c.transactionSizes())).toBeLessThan(12);
  });
});

describe("deleteAll (DynamoDB Local)", () => {
  it("deletes 60 rows in BatchWriteItems of 25, 25 and 10, and sends unprocessed deletes again after a back-off", async () => {
    const pk = `TENANT#${newTenant("del")}`;
    await seed(
      pk,
      Array.from({ length: 60 }, (_, n) => ({ n, rev: 0, by: "seed" })),
    );
    const sizes: number[] = [];
    let calls = 0;
    // The second call hands back its last 5 deletes as unprocessed (DynamoDB Local never does).
    const flaky = {
      send: async (cmd: BatchWriteCommand) => {
        const requests = (cmd.input.RequestItems?.[deps.tableName] ?? []) as Array<{
          DeleteRequest: { Key: Record<string, unknown> };
        }>;
        sizes.push(requests.length);
        if (++calls !== 2) return deps.doc.send(cmd);
        const res = await deps.doc.send(
          new BatchWriteCommand({ RequestItems: { [deps.tableName]: requests.slice(0, -5) } }),
        );
        return { ...res, UnprocessedItems: { [deps.tableName]: requests.slice(-5) } };
      },
    };
    const slept: number[] = [];
    await deleteAll(
      flaky as never,
      deps.tableName,
      Array.from({ length: 60 }, (_, n) => rowKey(pk, n)),
      async (ms) => {
        slept.push(ms);
      },
    );
    expect(sizes).toEqual([25, 25, 5, 10]);
    expect(slept).toEqual([20]);
    for (const n of [0, 24, 45, 49, 59]) expect(await stored(pk, n)).toBeUndefined();
  });
});

const claimOf = (
  tenantId: string,
  rampId: string,
  owner = "w",
  over: { fingerprint?: string; leaseMs?: number } = {},
) => ({
  tenantId,
  kind: "transaction" as const,
  rampId,
  owner,
  leaseMs: over.leaseMs ?? LEASE,
  fingerprint: over.fingerprint ?? "f1",
});

/** The ledger on a client of its own, with its round trips counted. */
function countedLedger(hook?: Hook) {
  const c = instrumented(hook);
  return { ...c, ledger: createLedger({ doc: c.doc, tableName: deps.tableName, clock }) };
}
const plainLedger = () => createLedger({ doc: deps.doc, tableName: deps.tableName, clock });

async function readRow(tenantId: string, rampId: string, kind: Kind = "transaction") {
  return plainLedger()
    .getMany(tenantId, [{ kind, rampId }])
    .then((m) => m.get(`${kind}#${rampId}`));
}

describe("ledger claims batched (DynamoDB Local)", () => {
  it("150 concurrent claims of fresh rows: all claimed, in at most 2 TransactWriteItems and no reads", async () => {
    const t = newTenant("claims");
    const c = countedLedger();
    const ids = Array.from({ length: 150 }, (_, i) => `t${i}`);
    const results = await Promise.all(ids.map((id) => c.ledger.claim(claimOf(t, id))));
    expect(results.every((r) => r.outcome === "claimed")).toBe(true);
    expect(c.count(TWI)).toBeLessThanOrEqual(2);
    expect(c.transactionSizes()).toEqual([100, 50]);
    expect(c.count("GetItemCommand") + c.count("BatchGetItemCommand") + c.count("PutItemCommand")).toBe(0);
    const rows = await plainLedger().getMany(
      t,
      ids.map((rampId) => ({ kind: "transaction", rampId })),
    );
    expect(rows.size).toBe(150);
    expect(
      [...rows.values()].every((r) => r.state === "CLAIMED" && r.leaseOwner === "w" && r.rev === 0),
    ).toBe(true);
  });

  it("claims of fresh and existing rows in one wave: fresh ones claimed in the batch, existing ones get the outcome the ledger rules give them", async () => {
    const t = newTenant("mix");
    const l = plainLedger();
    await l.claim(claimOf(t, "live", "other", { leaseMs: 3_600_000 }));
    await l.claim(claimOf(t, "expired", "old", { leaseMs: 1_000 }));
    await l.claim(claimOf(t, "posted", "old"));
    await l.recordPosted(t, "transaction", "posted", "old", "erp-posted");
    for (const id of ["failed-changed", "failed-unchanged"]) {
      await l.claim(claimOf(t, id, "old"));
      await l.recordFailed(t, "transaction", id, "old", {
        ...FAILURE,
        category: "user_actionable",
        message: "Accounting period closed",
      });
    }
    await l.recordHeld({
      tenantId: t,
      kind: "transaction",
      rampId: "held",
      reason: "bill first",
      fingerprint: "f1",
    });
    now += 1_000; // "expired"'s lease is over, "live"'s is not

    const c = countedLedger();
    const fresh = Array.from({ length: 20 }, (_, i) => `fresh${i}`);
    const [results, existing] = await Promise.all([
      Promise.all(fresh.map((id) => c.ledger.claim(claimOf(t, id)))),
      Promise.all([
        c.ledger.claim(claimOf(t, "live")),
        c.ledger.claim(claimOf(t, "expired")),
        c.ledger.claim(claimOf(t, "posted")),
        c.ledger.claim(claimOf(t, "failed-changed", "w", { fingerprint: "f2" })),
        c.ledger.claim(claimOf(t, "failed-unchanged")),
        c.ledger.claim(claimOf(t, "held")),
      ]),
    ]);
    expect(results.every((r) => r.outcome === "claimed")).toBe(true);
    const [live, expired, posted, changed, unchanged, held] = existing;
    expect(live).toMatchObject({ outcome: "skip", reason: "in-flight", item: { leaseOwner: "other" } });
    expect(expired).toMatchObject({ outcome: "takeover", previousOwner: "old", item: { leaseOwner: "w" } });
    expect(posted).toMatchObject({ outcome: "skip", reason: "posted" });
    expect(changed).toMatchObject({
      outcome: "retry",
      item: { state: "CLAIMED", fingerprint: "f2", attempts: 0 },
    });
    expect(unchanged).toMatchObject({ outcome: "skip", reason: "failed-unchanged" });
    expect(held).toMatchObject({ outcome: "claimed", item: { state: "CLAIMED", leaseOwner: "w" } });
    // The one batched create was cancelled by the 6 existing rows and resent without them.
    expect(c.transactionSizes()).toEqual([26, 20]);

    expect(await readRow(t, "live")).toMatchObject({ state: "CLAIMED", leaseOwner: "other", rev: 0 });
    expect(await readRow(t, "expired")).toMatchObject({ state: "CLAIMED", leaseOwner: "w", rev: 1 });
    expect(await readRow(t, "posted")).toMatchObject({ state: "POSTED", erpRef: "erp-posted" });
    expect(await readRow(t, "failed-changed")).toMatchObject({ state: "CLAIMED", leaseOwner: "w" });
    expect(await readRow(t, "failed-unchanged")).toMatchObject({ state: "FAILED" });
    expect(await readRow(t, "held")).toMatchObject({ state: "CLAIMED", leaseOwner: "w" });
    expect(await readRow(t, "fresh7")).toMatchObject({ state: "CLAIMED", leaseOwner: "w", rev: 0 });
  });

  it("two claims of one row in one tick never share a transaction: one claimed, the other skip in-flight", async () => {
    const t = newTenant("twice");
    const c = countedLedger();
    const others = Array.from({ length: 10 }, (_, i) => c.ledger.claim(claimOf(t, `o${i}`)));
    const [a, b] = await Promise.all([
      c.ledger.claim(claimOf(t, "same", "a")),
      c.ledger.claim(claimOf(t, "same", "b")),
    ]);
    expect((await Promise.all(others)).every((r) => r.outcome === "claimed")).toBe(true);
    const outcomes = [a, b].map((r) => r?.outcome).sort();
    expect(outcomes).toEqual(["claimed", "skip"]);
    // DynamoDB refuses a transaction naming one item twice (DynamoDB Local lets it through): none may.
    for (const keys of c.transactionKeys()) expect(new Set(keys).size).toBe(keys.length);
    const winner = a?.outcome === "claimed" ? "a" : "b";
    expect(await readRow(t, "same")).toMatchObject({ state: "CLAIMED", leaseOwner: winner });
  });

  it("a TransactionConflict on the batched create sends every claim of it the read-and-decide way: each still claimed once", async () => {
    const t = newTenant("conflict");
    let transactions = 0;
    const c = countedLedger((command, input) => {
      if (command === TWI && ++transactions === 1)
        throw conflict((input.TransactItems as unknown[]).length, 0);
    });
    const ids = ["c0", "c1", "c2", "c3", "c4"];
    const results = await Promise.all(ids.map((id) => c.ledger.claim(claimOf(t, id))));
    expect(results.map((r) => r.outcome)).toEqual(ids.map(() => "claimed"));
    expect(c.count(TWI)).toBe(1);
    expect(c.count("GetItemCommand")).toBe(5);
    expect(c.count("PutItemCommand")).toBe(5);
    for (const id of ids)
      expect(await readRow(t, id)).toMatchObject({ state: "CLAIMED", leaseOwner: "w", rev: 0 });
  });
});

describe("ledger recordPosted with the held row (DynamoDB Local)", () => {
  async function claimed(t: string, rampId: string, owner = "w", leaseMs = LEASE) {
    const r = await plainLedger().claim(claimOf(t, rampId, owner, { leaseMs }));
    if (r.outcome !== "claimed") throw new Error(`not claimed: ${r.outcome}`);
    return r.item;
  }

  it("with a fresh held (the row as claimed): one conditional write, no read, POSTED", async () => {
    const t = newTenant("rp-fresh");
    const held = await claimed(t, "x");
    const c = countedLedger();
    const r = await c.ledger.recordPosted(t, "transaction", "x", "w", "erp-x", held);
    expect(r).toMatchObject({ ok: true, item: { state: "POSTED", erpRef: "erp-x", rev: 1 } });
    expect(c.commands()).toEqual(["PutItemCommand"]);
    const row = await readRow(t, "x");
    expect(row).toMatchObject({ state: "POSTED", erpRef: "erp-x", rev: 1 });
    expect(row?.leaseOwner).toBeUndefined();
  });

  it("a wave of 50 records with fresh held rows: one TransactWriteItems, no reads", async () => {
    const t = newTenant("rp-wave");
    const ids = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const held = await Promise.all(ids.map((id) => claimed(t, id)));
    const c = countedLedger();
    const results = await Promise.all(
      held.map((h) => c.ledger.recordPosted(t, "transaction", h.rampId, "w", `erp-${h.rampId}`, h)),
    );
    expect(results.every((r) => r.ok && r.item.state === "POSTED")).toBe(true);
    expect(c.commands()).toEqual([TWI]);
    expect(await readRow(t, "w42")).toMatchObject({ state: "POSTED", erpRef: "erp-w42" });
  });

  it("with the claim's item as held, the row ends exactly as the read-first path leaves it (history and openSince kept)", async () => {
    // Red at fdc2195: `held` is the claim's decided item (ledger.ts claim returns `fresh.next`), not the
    // row as stored (withHistory + withOpenSince applied), so the no-read write computes the history from
    // a row that has none yet and the CLAIMED step is overwritten away.
    const t = newTenant("rp-same");
    const heldA = await claimed(t, "a");
    await claimed(t, "b");
    await plainLedger().recordPosted(t, "transaction", "a", "w", "erp", heldA);
    await plainLedger().recordPosted(t, "transaction", "b", "w", "erp");
    const a = await readRow(t, "a");
    const b = await readRow(t, "b");
    expect(b?.history?.map((h) => h.state)).toEqual(["CLAIMED", "POSTED"]);
    expect({ ...a, rampId: "b" }).toEqual(b);
  });

  it("with the retry claim of a row reopened after a told failure as held, openSince is the reopening, as on the read-first path", async () => {
    // Red at fdc2195 (same cause): the retry claim's item carries no openSince (the told FAILED row had
    // none), so withOpenSince(held, …) falls back to held.createdAt — the health tick's "oldest unsynced"
    // age jumps back to the row's first creation.
    const t = newTenant("rp-reopen");
    const l = plainLedger();
    const intents = createReportIntents({ doc: deps.doc, tableName: deps.tableName, clock });
    for (const id of ["a", "b"]) {
      await claimed(t, id);
      await l.recordFailed(t, "transaction", id, "w", {
        ...FAILURE,
        category: "user_actionable",
        message: "closed",
      });
    }
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 10,
    });
    const intent = await intents.writeIntent({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      items: rows.items,
    });
    await intents.closeIntent(intent!);
    expect(await readRow(t, "a")).toMatchObject({ state: "FAILED", told: true });
    now += 60_000;
    const reopenedAt = now;
    const retryA = await l.claim(claimOf(t, "a", "w", { fingerprint: "f2" }));
    await l.claim(claimOf(t, "b", "w", { fingerprint: "f2" }));
    expect(retryA.outcome).toBe("retry");
    expect(await readRow(t, "a")).toMatchObject({ state: "CLAIMED", openSince: reopenedAt });
    now += 1_000;
    await l.recordPosted(t, "transaction", "a", "w", "erp", retryA.item);
    await l.recordPosted(t, "transaction", "b", "w", "erp");
    expect(await readRow(t, "b")).toMatchObject({ state: "POSTED", openSince: reopenedAt });
    expect(await readRow(t, "a")).toMatchObject({ state: "POSTED", openSince: reopenedAt });
  });

  it("with a stale held (the lease renewed since): falls back to a read and still records POSTED", async () => {
    const t = newTenant("rp-renewed");
    const held = await claimed(t, "x");
    expect((await plainLedger().renewLease(t, "transaction", "x", "w", LEASE)).ok).toBe(true);
    const c = countedLedger();
    const r = await c.ledger.recordPosted(t, "transaction", "x", "w", "erp-x", held);
    expect(r).toMatchObject({ ok: true, item: { state: "POSTED", erpRef: "erp-x", rev: 2 } });
    // The write on the held rev was refused, then the read-and-decide path wrote on the current one.
    expect(c.commands()).toEqual(["PutItemCommand", "GetItemCommand", "PutItemCommand"]);
    expect(await readRow(t, "x")).toMatchObject({ state: "POSTED", rev: 2 });
  });

  it("with a stale held (a button request attached since): falls back and records POSTED under that request", async () => {
    const t = newTenant("rp-attached");
    const held = await claimed(t, "x");
    expect(await plainLedger().attachSyncRequest(t, "transaction", "x", "req-1")).toMatchObject({
      attached: true,
    });
    const r = await countedLedger().ledger.recordPosted(t, "transaction", "x", "w", "erp-x", held);
    expect(r).toMatchObject({ ok: true, item: { state: "POSTED", syncRequestId: "req-1" } });
    expect(await readRow(t, "x")).toMatchObject({ state: "POSTED", erpRef: "erp-x", syncRequestId: "req-1" });
  });

  it("with a stale held after a takeover: lost-lease, and the new holder's row is left as it is", async () => {
    const t = newTenant("rp-takeover");
    const held = await claimed(t, "x", "a", 1_000);
    now += 1_000;
    expect(await plainLedger().claim(claimOf(t, "x", "b"))).toMatchObject({ outcome: "takeover" });
    const before = await readRow(t, "x");
    const r = await countedLedger().ledger.recordPosted(t, "transaction", "x", "a", "erp-a", held);
    expect(r).toMatchObject({ ok: false, reason: "lost-lease", item: { leaseOwner: "b" } });
    expect(await readRow(t, "x")).toEqual(before);
  });

  it("with a held row the caller does not hold (current, but another worker's lease): lost-lease, nothing written", async () => {
    const t = newTenant("rp-notmine");
    await claimed(t, "x", "b");
    const current = await plainLedger().get(t, "transaction", "x");
    const r = await countedLedger().ledger.recordPosted(t, "transaction", "x", "a", "erp-a", current);
    expect(r).toMatchObject({ ok: false, reason: "lost-lease" });
    expect(await readRow(t, "x")).toMatchObject({ state: "CLAIMED", leaseOwner: "b", rev: 0 });
  });

  it("with a held row already POSTED (a repeated record): lost-lease, the first ERP id kept", async () => {
    const t = newTenant("rp-repeat");
    const held = await claimed(t, "x");
    const first = await plainLedger().recordPosted(t, "transaction", "x", "w", "erp-1", held);
    expect(first.ok).toBe(true);
    const again = await countedLedger().ledger.recordPosted(t, "transaction", "x", "w", "erp-2", first.item);
    expect(again).toMatchObject({ ok: false, reason: "lost-lease" });
    expect(await readRow(t, "x")).toMatchObject({ state: "POSTED", erpRef: "erp-1", rev: 1 });
  });

  it("past the lease's expiry with nobody taken over, the holder still records on its held rev without a read", async () => {
    const t = newTenant("rp-late");
    const held = await claimed(t, "x", "w", 1_000);
    now += 5_000;
    const c = countedLedger();
    expect(await c.ledger.recordPosted(t, "transaction", "x", "w", "erp-x", held)).toMatchObject({
      ok: true,
      item: { state: "POSTED" },
    });
    expect(c.commands()).toEqual(["PutItemCommand"]);
  });
});

describe("coalesced reads (DynamoDB Local)", () => {
  it("concurrent ledger gets go out as BatchGetItem (one per 100 rows), missing rows undefined, a repeated row answered twice", async () => {
    const t = newTenant("gets");
    const ids = Array.from({ length: 100 }, (_, i) => `g${i}`);
    await Promise.all(ids.map((id) => plainLedger().claim(claimOf(t, id))));
    const c = countedLedger();
    const asked = [...ids, ...Array.from({ length: 20 }, (_, i) => `missing${i}`), "g5"];
    const rows = await Promise.all(asked.map((id) => c.ledger.get(t, "transaction", id)));
    expect(c.count("GetItemCommand")).toBe(0);
    // 120 distinct rows → 100 + 20; the repeat of g5 shares the first answer (reads share repeats).
    expect(c.count("BatchGetItemCommand")).toBe(2);
    expect(rows.slice(0, 100).map((r) => r?.rampId)).toEqual(ids);
    expect(rows.slice(100, 120).every((r) => r === undefined)).toBe(true);
    expect(rows[120]).toEqual(rows[5]);
    // Other tenants' and kinds' rows are not these.
    const [otherTenant, otherKind] = await Promise.all([
      c.ledger.get(newTenant("gets-other"), "transaction", "g1"),
      c.ledger.get(t, "bill", "g1"),
    ]);
    expect([otherTenant, otherKind]).toEqual([undefined, undefined]);
  });

  it("concurrent settles-link gets go out as one BatchGetItem, each answered with its own link or undefined", async () => {
    const t = newTenant("links");
    const plain = createSettlesLinks({ doc: deps.doc, tableName: deps.tableName, clock });
    await plain.link(t, "bill-1", ["tx1", "tx2"]);
    await plain.link(t, "bill-2", ["tx3"]);
    const c = instrumented();
    const links = createSettlesLinks({ doc: c.doc, tableName: deps.tableName, clock });
    const got = await Promise.all(["tx1", "tx2", "tx3", "tx4"].map((id) => links.get(t, id)));
    expect(got.map((l) => l?.billId)).toEqual(["bill-1", "bill-1", "bill-2", undefined]);
    expect(got[2]).toMatchObject({ transactionId: "tx3" });
    expect(c.commands()).toEqual(["BatchGetItemCommand"]);
  });
});

describe("closeIntent fast path (DynamoDB Local)", () => {
  /** `posted` POSTED rows and `failed` FAILED-reportable ones, all in one open intent. */
  async function openReport(t: string, posted: number, failed = 0) {
    const l = plainLedger();
    const ids = Array.from({ length: posted + failed }, (_, i) => `r${String(i).padStart(3, "0")}`);
    const claims = await Promise.all(ids.map((id) => l.claim(claimOf(t, id))));
    await Promise.all(
      claims.map((c, i) =>
        i < posted
          ? l.recordPosted(t, "transaction", c.item.rampId, "w", `erp-${c.item.rampId}`, c.item)
          : l.recordFailed(t, "transaction", c.item.rampId, "w", {
              ...FAILURE,
              category: "user_actionable",
              message: "Accounting period closed",
            }),
      ),
    );
    const rows = await l.listReportable({
      tenantId: t,
      syncType: "TRANSACTION_SYNC",
      syncRequestId: null,
      limit: 1000,
    });
    expect(rows.items).toHaveLength(posted + failed);
    const intent = await createReportIntents({ doc: deps.doc, tableName: deps.tableName, clock }).writeIntent(
      {
        tenantId: t,
        syncType: "TRANSACTION_SYNC",
        syncRequestId: null,
        items: rows.items,
      },
    );
    if (!intent) throw new Error("no intent");
    return { ids, intent };
  }

  it("a report of 250 rows closes with BatchGetItem, at most 3 TransactWriteItems and one BatchWriteItem of its chunks; no per-row reads or writes; counts right", async () => {
    const t = newTenant("close");
    const { ids, intent } = await openReport(t, 230, 20);
    const c = instrumented();
    const ri = createReportIntents({ doc: c.doc, tableName: deps.tableName, clock });
    const elsewhere = [ids[0]!, ids[1]!];
    const again = [ids[2]!, ids[3]!, ids[4]!];
    const summary = await ri.closeIntent(intent, { syncedElsewhere: elsewhere, reReport: again });
    expect(summary).toEqual({
      marked: 225,
      failedTold: 20,
      syncedElsewhere: 2,
      reReported: 3,
      alreadyClosed: 0,
    });
    expect(c.count("BatchGetItemCommand")).toBe(3);
    expect(c.count(TWI)).toBeLessThanOrEqual(3);
    expect(c.transactionSizes()).toEqual([100, 100, 50]);
    expect(c.count("GetItemCommand")).toBe(0);
    expect(c.count("PutItemCommand")).toBe(0);
    // 3 chunk records (99 + 99 + 52) in one BatchWriteItem, then the header.
    expect(c.count("BatchWriteItemCommand")).toBe(1);
    expect(c.count("DeleteItemCommand")).toBe(1);
    // The one last-synced write of the report (one kind).
    expect(c.count("UpdateItemCommand")).toBe(1);

    expect(await readRow(t, ids[0]!)).toMatchObject({ state: "MARKED", syncedElsewhere: true });
    expect(await readRow(t, ids[2]!)).toMatchObject({ state: "POSTED" });
    expect((await readRow(t, ids[2]!))?.reportId).toBeUndefined();
    expect(await readRow(t, ids[100]!)).toMatchObject({ state: "MARKED", told: true });
    expect(await readRow(t, ids[240]!)).toMatchObject({ state: "FAILED", told: true });
    expect(await ri.findOpenIntents(t)).toEqual([]);

    // Closing twice (a crash after the rows moved, before the header went): writes nothing, every row alreadyClosed.
    c.reset();
    expect(await ri.closeIntent(intent, { syncedElsewhere: elsewhere, reReport: again })).toEqual({
      marked: 0,
      failedTold: 0,
      syncedElsewhere: 0,
      reReported: 0,
      alreadyClosed: 250,
    });
    for (const write of [TWI, "PutItemCommand", "UpdateItemCommand", "BatchWriteItemCommand"])
      expect(c.count(write)).toBe(0);
    expect(await readRow(t, ids[100]!)).toMatchObject({ state: "MARKED" });
    expect(await readRow(t, ids[2]!)).toMatchObject({ state: "POSTED" });
  });

  it("a row that moved on mid-close (its reportId changed) is counted alreadyClosed and left as it is; the rest are closed", async () => {
    const t = newTenant("close-moved");
    const { ids, intent } = await openReport(t, 30);
    const victim = ids[17]!;
    let moved: LedgerItem | undefined;
    const c = instrumented(async (command) => {
      if (command !== TWI || moved) return;
      // After the close read the rows, before its writes: the row now belongs to another report.
      const row = await readRow(t, victim);
      if (!row) throw new Error("row missing");
      moved = { ...row, reportId: "another-report", rev: row.rev + 1 };
      await deps.doc.send(new PutCommand({ TableName: deps.tableName, Item: toLedgerRecord(moved) }));
    });
    const summary = await createReportIntents({ doc: c.doc, tableName: deps.tableName, clock }).closeIntent(
      intent,
    );
    expect(summary).toEqual({
      marked: 29,
      failedTold: 0,
      syncedElsewhere: 0,
      reReported: 0,
      alreadyClosed: 1,
    });
    expect(await readRow(t, victim)).toEqual(moved);
    expect(await readRow(t, ids[16]!)).toMatchObject({ state: "MARKED" });
    expect(await readRow(t, ids[18]!)).toMatchObject({ state: "MARKED" });
    // Cancelled by the moved row's condition, resent without it; the moved row alone read again.
    expect(c.transactionSizes()).toEqual([30, 29]);
    expect(c.count("GetItemCommand")).toBe(1);
  });
});
