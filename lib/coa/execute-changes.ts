/**
 * The executors of the plan's single-item writes, one per operation kind: each
 * goes through the list's writer (lib/coa/writers.ts) inside the run's `single`,
 * so Ramp refusing one item is reported and the push goes on.
 */
import type { ExecRun } from "./execute-run.js";
import type { CoaOperation } from "./types.js";

type Op<K extends CoaOperation["op"]> = Extract<CoaOperation, { op: K }>;

export async function update(run: ExecRun, op: Op<"update">): Promise<void> {
  const writer = run.writers[op.list];
  if (await run.single(op.list, op.op, op.remoteId, () => writer.patch(op.rampId, op.patch)))
    run.report.updated++;
}

export async function reactivate(run: ExecRun, op: Op<"reactivate">): Promise<void> {
  const writer = run.writers[op.list];
  if (!(await run.single(op.list, op.op, op.remoteId, () => writer.reactivate(op.rampId)))) return;
  run.report.reactivated++;
  // A reactivated GL account can carry tax rates again in this same push.
  if (op.list === "gl_accounts") run.glRampIds.set(op.remoteId, op.rampId);
}

export async function remove(run: ExecRun, op: Op<"delete">): Promise<void> {
  const writer = run.writers[op.list];
  if (await run.single(op.list, op.op, op.remoteId, () => writer.remove(op.rampId))) run.report.deleted++;
}

export async function setVisibility(run: ExecRun, op: Op<"set_visibility">): Promise<void> {
  const ok = await run.single("field_options", op.op, op.remoteId, () =>
    run.client.patchFieldOption(op.rampId, { visibility: op.visibility }),
  );
  if (ok && op.visibility === "HIDDEN") run.report.hidden++;
  if (ok && op.visibility === "VISIBLE") run.report.unhidden++;
}

export async function linkVendor(run: ExecRun, op: Op<"link_vendor">): Promise<void> {
  for (const f of run.report.failures) if (f.list === "vendors") run.failedVendors.add(f.remoteId);
  // Never link a Ramp vendor to an accounting vendor that did not land.
  if (run.failedVendors.has(op.accountingVendorRemoteId)) return;
  const ok = await run.single("ramp_vendors", op.op, op.accountingVendorRemoteId, () =>
    run.client.patchVendor(op.rampVendorId, { accounting_vendor_remote_id: op.accountingVendorRemoteId }),
  );
  if (ok) run.report.linked++;
}
