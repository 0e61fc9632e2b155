/**
 * The demo's ending, pure: the reconciliation report (lib/reconcile) as one table per kind
 * and company — Ramp, the ledger, the ERP — every object Ramp does not show synced with the
 * message Ramp shows and, for the cases the sandbox seeds on purpose, what it demonstrates;
 * then the verdict. The same content is written as demo-report.json (DemoReportSchema).
 *
 * The verdict: ok only when reconciliation finds nothing but what the seed planted (Ramp,
 * the ledger and the ERP agree object by object) and every object left unsynced is one the
 * seed planted on purpose — anything else means the demo did not show what it promises.
 */
import * as z from "zod";
import { type ReconcileReport, ReconcileReportSchema } from "../lib/reconcile/report.js";

export const UnsyncedSchema = z.object({
  kind: z.string(),
  id: z.string(),
  status: z.string(),
  last_error: z.string().nullable(),
  seeded: z.string().nullable(),
});
export type Unsynced = z.infer<typeof UnsyncedSchema>;

export const DemoReportSchema = z.object({
  ok: z.boolean(),
  tenantId: z.string(),
  journal: z.string(),
  reconcile: ReconcileReportSchema,
  /** Every object Ramp does not show synced, with why. */
  unsynced: z.array(UnsyncedSchema),
  /** Unsynced objects and mismatches the seed did not plant (each something the demo did not expect). */
  unexpected: z.number().int(),
});
export type DemoReport = z.infer<typeof DemoReportSchema>;

/**
 * A mismatch on an object the seed planted (the bill exported outside this integration: Ramp
 * shows it synced, no ERP holds it — `synced_elsewhere`) is what the demo shows, not drift.
 * A bill and its payment share the Ramp id, so the planted payment names its bill too.
 */
export function plantedMismatch(m: { rampId: string }, unsynced: readonly Unsynced[]): string | null {
  return unsynced.find((u) => u.id === m.rampId && u.seeded !== null)?.seeded ?? null;
}

export function demoReport(input: {
  tenantId: string;
  journal: string;
  reconcile: ReconcileReport;
  unsynced: readonly Unsynced[];
}): DemoReport {
  const unexpected =
    input.unsynced.filter((u) => u.seeded === null).length +
    input.reconcile.mismatches.filter((m) => plantedMismatch(m, input.unsynced) === null).length;
  return {
    ok: unexpected === 0,
    tenantId: input.tenantId,
    journal: input.journal,
    reconcile: input.reconcile,
    unsynced: [...input.unsynced],
    unexpected,
  };
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const padL = (s: string | number, n: number) => String(s).padStart(n);

/** The tables, the unsynced objects and the verdict as printed lines (no JSON). */
export function endingLines(r: DemoReport): string[] {
  const out: string[] = [];
  const kinds = r.reconcile.kinds;
  const byKind = new Map<string, typeof kinds>();
  for (const k of kinds) byKind.set(k.kind, [...(byKind.get(k.kind) ?? []), k]);
  for (const [kind, rows] of byKind) {
    out.push("", `  ${kind}`);
    out.push(
      `    ${pad("company", 10)} ${padL("Ramp", 6)} ${padL("synced", 7)} ${padL("not", 5)} │ ${pad("ledger", 28)} │ ${padL("ERP records", 11)}  totals: Ramp synced / ERP`,
    );
    for (const k of rows) {
      // Vendor credits have no sync status in Ramp: their totals are every credit against the ERP.
      const vc = k.ramp.synced === null;
      const ledger =
        Object.entries(k.ledger)
          .map(([s, n]) => `${s} ${n}`)
          .join(", ") || "-";
      const totals = k.totals.map((t) => `${t.currency} ${vc ? t.ramp : t.rampSynced} / ${t.erp}`).join("; ");
      out.push(
        `    ${pad(k.companyKey ?? "(none)", 10)} ${padL(k.ramp.objects, 6)} ${padL(vc ? "-" : (k.ramp.synced ?? 0), 7)} ${padL(vc ? "-" : k.ramp.objects - (k.ramp.synced ?? 0), 5)} │ ${pad(ledger, 28)} │ ${padL(k.erp.records, 11)}  ${totals}`,
      );
    }
  }
  out.push(
    "",
    "  (vendor credits have no sync status in Ramp: the ledger is their record. Totals differ where a",
    "   record lives elsewhere by design: a bill paid in the ERP, a card charge its bill's payment settles.)",
  );

  out.push("");
  if (r.unsynced.length === 0) out.push("  Every object Ramp lists is synced.");
  else {
    out.push(`  ${r.unsynced.length} object(s) Ramp does not show synced:`);
    // Grouped by why: a large demo plants dozens of each case, and the why is said once.
    const groups = new Map<string | null, Unsynced[]>();
    for (const u of r.unsynced) groups.set(u.seeded, [...(groups.get(u.seeded) ?? []), u]);
    for (const [why, us] of [...groups].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : 0))) {
      out.push(
        why
          ? `    ${us.length} seeded on purpose — demonstrates ${why}:`
          : `    ${us.length} NOT expected: the demo should have synced them:`,
      );
      for (const u of us)
        out.push(`      ${pad(u.kind, 13)} ${u.id}  ${u.status}${u.last_error ? `: ${u.last_error}` : ""}`);
    }
  }

  out.push("");
  const all = kinds.reduce((a, k) => a + k.ramp.objects, 0);
  const planted = r.reconcile.mismatches.filter((m) => plantedMismatch(m, r.unsynced) !== null);
  const drift = r.reconcile.mismatches.filter((m) => plantedMismatch(m, r.unsynced) === null);
  if (r.reconcile.clean) out.push(`  Reconciled: Ramp, the ledger and the ERP agree on all ${all} objects.`);
  else if (!drift.length)
    out.push(
      `  Reconciled: Ramp, the ledger and the ERP agree on all ${all} objects but the ${planted.length} the seed planted:`,
    );
  else out.push(`  NOT reconciled: ${drift.length} mismatch(es) nobody planted:`);
  for (const m of [...drift, ...planted])
    out.push(
      `    ${pad(m.class, 26)} ${pad(m.kind, 13)} ${m.rampId}  ${m.detail}${plantedMismatch(m, r.unsynced) ? " (planted: see above)" : ""}`,
    );
  if (r.unexpected) out.push(`  ${r.unexpected} object(s) failed that the demo did not plant.`);
  return out;
}
