/**
 * The reconciliation report: counts and totals per kind × ERP company, and every
 * mismatch, as one stable document (`reconcile --json`, ops/README.md). Pure.
 * Sorted so two runs over the same world print the same bytes: kinds in KINDS
 * order then company key (unmapped last), totals by currency, mismatches by
 * class, kind, rampId (plain string order).
 */
import * as z from "zod";
import { KINDS, type Kind } from "../domain/kinds.js";
import { money, toMajorString } from "../money/index.js";
import { MISMATCH_CLASSES, type Mismatch, type Observed } from "./classify.js";

/** Ledger state counts; `none` = listed objects without a row. */
const LEDGER_COUNT_KEYS = ["none", "HELD", "CLAIMED", "POSTED", "REPORTING", "MARKED", "FAILED"] as const;

export const ReconcileReportSchema = z.object({
  tenantId: z.string(),
  /** YYYY-MM-DD, or null for every object. */
  since: z.string().nullable(),
  kinds: z.array(
    z.object({
      kind: z.enum(KINDS),
      /** The ERP company; null for objects whose Ramp entity is mapped to none. */
      companyKey: z.string().nullable(),
      /** `synced` is null for vendor credits (Ramp has no sync status for them). */
      ramp: z.object({ objects: z.number().int(), synced: z.number().int().nullable() }),
      ledger: z.partialRecord(z.enum(LEDGER_COUNT_KEYS), z.number().int()),
      erp: z.object({ records: z.number().int() }),
      /** Decimal strings in major units: every listed object, those Ramp shows synced, every ERP record. */
      totals: z.array(
        z.object({ currency: z.string(), ramp: z.string(), rampSynced: z.string(), erp: z.string() }),
      ),
    }),
  ),
  mismatches: z.array(
    z.object({
      class: z.enum(MISMATCH_CLASSES),
      kind: z.enum(KINDS),
      rampId: z.string(),
      ref: z.string(),
      companyKey: z.string().nullable(),
      detail: z.string(),
      erpIds: z.array(z.string()),
    }),
  ),
  clean: z.boolean(),
});
export type ReconcileReport = z.infer<typeof ReconcileReportSchema>;

interface Group {
  kind: Kind;
  companyKey: string | null;
  objects: number;
  synced: number;
  ledger: Partial<Record<(typeof LEDGER_COUNT_KEYS)[number], number>>;
  records: number;
  /** currency → minor units. */
  totals: Map<string, { ramp: number; rampSynced: number; erp: number }>;
}

/** Accumulates observed objects page by page; `report` renders the document. */
export function createTally() {
  const groups = new Map<string, Group>();
  const mismatches: Mismatch[] = [];
  const groupOf = (kind: Kind, companyKey: string | null) => {
    const k = `${kind}\u0000${companyKey ?? ""}`;
    let g = groups.get(k);
    if (!g) {
      g = { kind, companyKey, objects: 0, synced: 0, ledger: {}, records: 0, totals: new Map() };
      groups.set(k, g);
    }
    return g;
  };
  const totalOf = (g: Group, currency: string) => {
    let t = g.totals.get(currency);
    if (!t) {
      t = { ramp: 0, rampSynced: 0, erp: 0 };
      g.totals.set(currency, t);
    }
    return t;
  };
  return {
    add(o: Observed, found: readonly Mismatch[]): void {
      const g = groupOf(o.ramp.kind, o.ramp.companyKey);
      g.objects++;
      if (o.ramp.synced) g.synced++;
      const state = o.ledger?.state ?? "none";
      g.ledger[state] = (g.ledger[state] ?? 0) + 1;
      g.records += o.records.length;
      const t = totalOf(g, o.ramp.amount.currency);
      t.ramp += o.ramp.amount.minor;
      if (o.ramp.synced) t.rampSynced += o.ramp.amount.minor;
      for (const r of o.records) if (r.amount) totalOf(g, r.amount.currency).erp += r.amount.minor;
      mismatches.push(...found);
    },
    report(tenantId: string, since: string | null): ReconcileReport {
      const kinds = [...groups.values()]
        .sort(
          (a, b) =>
            KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
            cmp(a.companyKey ?? "\uffff", b.companyKey ?? "\uffff"),
        )
        .map((g) => ({
          kind: g.kind,
          companyKey: g.companyKey,
          ramp: { objects: g.objects, synced: g.kind === "vendor_credit" ? null : g.synced },
          // Only states that occur, in a fixed order (JSON keeps insertion order).
          ledger: Object.fromEntries(
            LEDGER_COUNT_KEYS.filter((k) => g.ledger[k]).map((k) => [k, g.ledger[k] as number]),
          ) as Group["ledger"],
          erp: { records: g.records },
          totals: [...g.totals.entries()]
            .sort(([a], [b]) => cmp(a, b))
            .map(([currency, t]) => ({
              currency,
              ramp: major(t.ramp, currency),
              rampSynced: major(t.rampSynced, currency),
              erp: major(t.erp, currency),
            })),
        }));
      const sorted = [...mismatches].sort(
        (a, b) => cmp(a.class, b.class) || cmp(a.kind, b.kind) || cmp(a.rampId, b.rampId),
      );
      return { tenantId, since, kinds, mismatches: sorted, clean: sorted.length === 0 };
    },
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const major = (minor: number, currency: string) => toMajorString(money(minor, currency));
