/**
 * The executors of the plan's creations, one per operation kind. Each resolves
 * the Ramp ids it needs from the run (a field created earlier in this push, a
 * GL account a tax rate points at) and uploads through the run's isolating upload.
 */
import {
  AccountingVendorInputSchema,
  FieldOptionInputSchema,
  GlAccountInputSchema,
  TaxCodeOptionInputSchema,
  TaxRateInputSchema,
} from "../ramp/schemas/accounting.js";
import { type ExecRun, optional } from "./execute-run.js";
import type { CoaOperation, DesiredTaxCode } from "./types.js";

type Op<K extends CoaOperation["op"]> = Extract<CoaOperation, { op: K }>;

/** Upload fields every scoped item carries when it has them. */
const codeAndEntities = (x: { code: string | null; entityRemoteIds: string[] | null }) => ({
  ...optional("code", x.code),
  ...optional("entity_remote_ids", x.entityRemoteIds),
});

export function createGlAccounts(run: ExecRun, op: Op<"create_gl_accounts">): Promise<void> {
  return run.upload(
    "gl_accounts",
    op,
    GlAccountInputSchema,
    (a) => ({ id: a.remoteId, name: a.name, classification: a.classification, ...codeAndEntities(a) }),
    async (batch) => (await run.client.uploadGlAccounts(batch, run.conn)).items,
  );
}

export async function createField(run: ExecRun, op: Op<"create_field">): Promise<void> {
  run.report.writeCalls++;
  const f = await run.client.createField({
    id: op.field.remoteId,
    name: op.field.name,
    input_type: "SINGLE_CHOICE",
    ...optional("accounting_connection_id", run.conn),
  });
  run.fieldRampIds.set(op.field.remoteId, f.ramp_id);
  run.report.created.fields++;
}

export async function createFieldOptions(run: ExecRun, op: Op<"create_field_options">): Promise<void> {
  const fieldRampId = run.fieldRampIds.get(op.fieldRemoteId);
  if (!fieldRampId) {
    const reason = `field ${op.fieldRemoteId} is not in Ramp`;
    for (const o of op.items) run.fail({ list: "field_options", op: op.op, remoteId: o.remoteId, reason });
    return;
  }
  await run.upload(
    "field_options",
    op,
    FieldOptionInputSchema,
    (o) => ({ id: o.remoteId, value: o.value, ...codeAndEntities(o) }),
    async (batch) => (await run.client.uploadFieldOptions(fieldRampId, batch, run.conn)).items,
  );
}

export function createVendors(run: ExecRun, op: Op<"create_vendors">): Promise<void> {
  return run.upload(
    "vendors",
    op,
    AccountingVendorInputSchema,
    (v) => ({ id: v.remoteId, name: v.name, ...codeAndEntities(v) }),
    async (batch) => (await run.client.uploadAccountingVendors(batch, run.conn)).items,
  );
}

export async function createTaxRates(run: ExecRun, op: Op<"create_tax_rates">): Promise<void> {
  const ready: typeof op.items = [];
  for (const r of op.items) {
    // Ramp requires the GL account (by ramp_id) for API connections.
    if (r.glAccountRemoteId && run.glRampIds.has(r.glAccountRemoteId)) ready.push(r);
    else
      run.fail({
        list: "tax_rates",
        op: op.op,
        remoteId: r.remoteId,
        reason: r.glAccountRemoteId
          ? `its GL account ${r.glAccountRemoteId} is not active in Ramp`
          : "it has no GL account, which Ramp requires for API connections",
      });
  }
  const toInput = (r: (typeof ready)[number]) => ({
    id: r.remoteId,
    name: r.name,
    rate: r.rate,
    accounting_gl_account_id: run.glRampIds.get(r.glAccountRemoteId ?? ""),
  });
  await run.upload("tax_rates", { op: op.op, items: ready }, TaxRateInputSchema, toInput, async (batch) => {
    await run.client.uploadTaxRates(batch, run.conn);
    return [];
  });
}

export async function createTaxCodeField(run: ExecRun, op: Op<"create_tax_code_field">): Promise<void> {
  run.report.writeCalls++;
  await run.client.createTaxCodeField(op.name, run.conn);
  run.report.taxCodeFieldCreated = true;
}

export function createTaxCodeOptions(run: ExecRun, op: Op<"create_tax_code_options">): Promise<void> {
  // Scoped per entity like every other company item: a multi-entity customer sees only its own company's codes.
  const toInput = (c: DesiredTaxCode) => ({
    id: c.remoteId,
    name: c.name,
    tax_rate_ids: c.taxRateRemoteIds,
    ...optional("entity_remote_ids", c.entityRemoteIds),
  });
  return run.upload("tax_code_options", op, TaxCodeOptionInputSchema, toInput, async (batch) => {
    await run.client.uploadTaxCodeOptions(batch, run.conn);
    return [];
  });
}
