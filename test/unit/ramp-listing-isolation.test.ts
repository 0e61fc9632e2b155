/**
 * Per-object isolation of a listed page, by property: pages of generated Ramp
 * payloads, valid and corrupted (amounts like 12.345 USD, missing fields, wrong
 * types, odd unicode, objects with no id), read through fetchReadyPage. Every
 * object either maps or becomes an invalid-object record with a value-free
 * reason; nothing throws past the object; the page's good objects are all kept;
 * and every object with an id ends with a work message SQS accepts — a snapshot
 * for the good ones, the reason for the bad ones, whose failure message (what
 * Ramp shows) names the reason.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { candidatesOf, invalidCandidate, workMessageOf } from "../../lib/poll/work.js";
import type { RampHttp } from "../../lib/ramp/http.js";
import { RampObjectInvalidError } from "../../lib/ramp/invalid.js";
import { fetchReadyPage, type ReadySource } from "../../lib/ramp/resume.js";
import { classifyFailure, failureMessage } from "../../lib/sync/failure.js";
import { isSqsSafe } from "../../lib/sync/sqs-safe-json.js";
import { parseWorkMessage, workMessageBody } from "../../lib/sync/work-message.js";

/** A RampHttp answering every GET with the given page, parsed by the caller's schema as the real one does. */
function pageHttp(data: unknown[]): RampHttp {
  return {
    tenantId: "t1",
    request: (async (spec: { schema?: { parse(v: unknown): unknown } }) =>
      spec.schema
        ? spec.schema.parse(JSON.parse(JSON.stringify({ data, page: { next: null } })))
        : undefined) as RampHttp["request"],
    paginate: () => {
      throw new Error("not used");
    },
  };
}

/** Customer text planted in broken objects: it must never reach a summary. */
const SECRET = "SECRET-customer-text";

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

const selection = fc.record({
  id: fc.uuid(),
  name: text,
  external_id: fc.option(fc.string({ minLength: 1, maxLength: 8 })),
});

const goodTxn = fc.record({
  id: fc.uuid(),
  entity_id: fc.constantFrom("ent-1", "ent-2"),
  state: fc.constant("CLEARED"),
  sync_status: fc.constantFrom("SYNC_READY", "SOMETHING_NEW"),
  entity_amount: fc.record({
    currency: fc.constantFrom("USD", "EUR", "JPY"),
    value: fc.integer({ min: -1e9, max: 1e9 }),
  }),
  accounting_date: fc.constant("2026-04-04T00:00:00+00:00"),
  merchant_name: fc.option(text),
  memo: fc.option(text),
  accounting_field_selections: fc.array(selection, { maxLength: 2 }),
  line_items: fc.constant([]),
  unknown_future_field: fc.option(fc.jsonValue({ maxDepth: 2 })),
});

type Raw = Record<string, unknown>;

/** Ways Ramp could send an object we cannot read; each must fail that object alone. */
const corruptions: Array<[string, (o: Raw) => unknown]> = [
  [
    "legacy decimal with too many places",
    (o) => {
      delete o.entity_amount;
      return { ...o, amount: 12.345, currency_code: "USD" };
    },
  ],
  ["non-integer minor units", (o) => ({ ...o, entity_amount: { currency: "USD", value: 10.5 } })],
  ["amount as a string", (o) => ({ ...o, entity_amount: { currency: "USD", value: "1000" } })],
  [
    "no amount at all",
    (o) => {
      delete o.entity_amount;
      return o;
    },
  ],
  ["memo of the wrong type", (o) => ({ ...o, memo: 42 })],
  ["selections not a list", (o) => ({ ...o, accounting_field_selections: SECRET })],
  ["line item without an amount", (o) => ({ ...o, line_items: [{ memo: SECRET }] })],
  ["id of the wrong type", (o) => ({ ...o, id: 12345 })],
  [
    "no id",
    (o) => {
      delete o.id;
      return o;
    },
  ],
  ["not an object", () => SECRET],
  ["null", () => null],
];

const entry = fc.oneof(
  { weight: 3, arbitrary: goodTxn.map((o) => ({ raw: o as Raw, broken: null as string | null })) },
  {
    weight: 2,
    arbitrary: fc.tuple(goodTxn, fc.constantFrom(...corruptions)).map(([o, [name, corrupt]]) => ({
      raw: corrupt({ ...(o as Raw), memo: SECRET, merchant_name: SECRET }) as Raw,
      broken: name,
    })),
  },
);

describe("a listed page is read object by object", () => {
  it("a page with one 12.345 USD transaction among 7 good ones keeps all 7 and reports the one", async () => {
    const good = Array.from({ length: 7 }, (_, i) => ({
      id: `t${i}`,
      sync_status: "SYNC_READY",
      entity_amount: { currency: "USD", value: 1000 + i },
    }));
    const bad = {
      id: "t-bad",
      sync_status: "SYNC_READY",
      amount: 12.345,
      currency_code: "USD",
      memo: SECRET,
    };
    const page = await fetchReadyPage(
      pageHttp([...good.slice(0, 3), bad, ...good.slice(3)]),
      "transaction",
      null,
    );
    expect(page.items.map((t) => t.id)).toEqual(good.map((g) => g.id));
    expect(page.invalid).toEqual([
      {
        id: "t-bad",
        entityId: null,
        summary: "amount: 12.345 USD has more than 2 decimal places",
        settlingTransactionIds: [],
      },
    ]);
  });

  it("an unreadable bill keeps the card charges it names, so they are never posted as plain expenses", async () => {
    const bill = {
      id: "b1",
      status: "PAID",
      sync_status: "NOT_SYNCED",
      amount: { amount: "lots", currency_code: "USD" },
      payment: {
        amount: { amount: 100, currency_code: "USD" },
        details: { transaction_ids: ["c1", "c2", 7] },
      },
    };
    const page = await fetchReadyPage(pageHttp([bill]), "bill", null);
    expect(page.items).toEqual([]);
    expect(page.invalid).toEqual([
      {
        id: "b1",
        entityId: null,
        summary: expect.stringMatching(
          /^schema: amount\.amount: invalid_type \(expected number\); payment\.details\.transaction_ids\.2: /,
        ),
        settlingTransactionIds: ["c1", "c2"],
      },
    ]);
  });

  it("property: every object maps or is reported with a value-free reason, and ends with a message SQS accepts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), async (entries) => {
        // Ids unique per page, as Ramp's are.
        const seen = new Set<unknown>();
        const page = entries.filter((e) => {
          const id = (e.raw as Raw | null)?.id;
          if (id !== undefined && seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        const source: ReadySource = "transaction";
        const res = await fetchReadyPage(pageHttp(page.map((e) => e.raw)), source, null);
        expect(res.items.length + res.invalid.length).toBe(page.length);
        // Every good object is kept, in order.
        const goodIds = page.filter((e) => e.broken === null).map((e) => (e.raw as Raw).id);
        expect(res.items.map((t) => t.id)).toEqual(goodIds);
        // Every broken one is reported, with its id when it has a string one.
        const brokenIds = page
          .filter((e) => e.broken !== null)
          .map((e) => {
            const id = (e.raw as Raw | null)?.id;
            return typeof id === "string" ? id : null;
          });
        expect(res.invalid.map((i) => i.id)).toEqual(brokenIds);
        for (const inv of res.invalid) {
          expect(inv.summary.length).toBeGreaterThan(0);
          expect(inv.summary.length).toBeLessThanOrEqual(110);
          expect(inv.summary).not.toContain("SECRET");
        }
        const ctx = { tenantId: "t1", source: "poll" as const, now: Date.UTC(2026, 5, 15) };
        // The good ones travel with their snapshot, whatever their text, in a body SQS accepts.
        for (const obj of res.items) {
          for (const c of candidatesOf(source, obj)) {
            const body = workMessageBody(workMessageOf(c, ctx));
            expect(isSqsSafe(body)).toBe(true);
            const back = parseWorkMessage(body);
            if (!back.ok) throw new Error(back.error);
            expect(back.message.snapshot).toEqual(JSON.parse(JSON.stringify(obj)));
          }
        }
        // The bad ones with an id travel with their reason, which Ramp is shown as a needs-integrator failure.
        for (const inv of res.invalid) {
          if (inv.id === null) continue;
          const body = workMessageBody(workMessageOf(invalidCandidate(source, { ...inv, id: inv.id }), ctx));
          expect(isSqsSafe(body)).toBe(true);
          const back = parseWorkMessage(body);
          if (!back.ok) throw new Error(back.error);
          expect(back.message).toMatchObject({ rampId: inv.id, invalid: { summary: inv.summary } });
          expect(back.message.snapshot).toBeUndefined();
          const f = classifyFailure(new RampObjectInvalidError(inv.summary, inv.id));
          expect(f.category).toBe("needs_integrator");
          const message = failureMessage(f, {
            supportContact: "help@x.test",
            referenceId: `t1/transaction/${inv.id}`,
          });
          expect(message).toMatch(
            /^Cannot read this object from Ramp: .+\. Contact help@x\.test, ref t1\/transaction\//,
          );
          expect(message).not.toContain("SECRET");
        }
      }),
      { numRuns: 200 },
    );
  });
});
