/**
 * Carries out a plan (lib/coa/plan.ts) against Ramp, in the plan's order.
 * Creations resolve Ramp ids as they go (a field created in this push gets its
 * options; a tax rate points at its GL account's `ramp_id`); uploads go in the
 * plan's ≤ 500 chunks through uploadIsolating, so a bad item is reported with
 * Ramp's reason while the rest lands. Single-item writes (rename, reactivate,
 * delete, hide, link) that Ramp refuses are reported the same way. Anything
 * else (network, 5xx after retries, a refused connection) stops the run: the
 * next push re-reads Ramp's lists and resumes without duplicates.
 */
import { z } from "zod";
import type { RampClient } from "../ramp/index.js";
import type {
  AccountingVendorInput,
  FieldOptionInput,
  GlAccountInput,
  TaxCodeOptionInput,
  TaxRateInput,
} from "../ramp/schemas/accounting.js";
import {
  AccountingVendorInputSchema,
  FieldOptionInputSchema,
  GlAccountInputSchema,
  TaxCodeOptionInputSchema,
  TaxRateInputSchema,
} from "../ramp/schemas/accounting.js";
import { isItemRejection, type Rejection, rampReason, uploadIsolating } from "./isolate.js";
import type { CoaList, CoaOperation, RampSurface } from "./types.js";

export interface ItemFailure {
  list: CoaList | "tax_code_field" | "ramp_vendors";
  remoteId: string;
  op: CoaOperation["op"];
  reason: string;
  /** Ramp's error code, or null for items refused before sending. */
  code: string | null;
  traceId: string | null;
}

export interface ExecuteReport {
  /** Write calls made to Ramp (each upload chunk, each PATCH/DELETE/POST). */
  writeCalls: number;
  created: Record<CoaList, number>;
  updated: number;
  reactivated: number;
  deleted: number;
  hidden: number;
  unhidden: number;
  linked: number;
  taxCodeFieldCreated: boolean;
  failures: ItemFailure[];
  /** False when shouldStop ended the run before the last operation. */
  complete: boolean;
}

export interface ExecuteOptions {
  /** Target this (inactive) connection on every upload: the migration preload. */
  connectionId?: string;
  /**
   * Asked before each operation; true stops the run cleanly (e.g. the Lambda is
   * about to time out). The next push re-plans from Ramp's lists and resumes.
   */
  shouldStop?: () => boolean;
}

function emptyReport(): ExecuteReport {
  return {
    writeCalls: 0,
    created: {
      gl_accounts: 0,
      fields: 0,
      vendors: 0,
      field_options: 0,
      tax_rates: 0,
      tax_code_options: 0,
    },
    updated: 0,
    reactivated: 0,
    deleted: 0,
    hidden: 0,
    unhidden: 0,
    linked: 0,
    taxCodeFieldCreated: false,
    failures: [],
    complete: true,
  };
}

/** Validates each item locally first: an item our schema refuses is reported, never sent. */
function validEach<I>(
  schema: z.ZodType<I>,
  items: Array<{ remoteId: string; input: unknown }>,
): { valid: Array<{ remoteId: string; input: I }>; invalid: Array<{ remoteId: string; reason: string }> } {
  const valid: Array<{ remoteId: string; input: I }> = [];
  const invalid: Array<{ remoteId: string; reason: string }> = [];
  for (const it of items) {
    const r = schema.safeParse(it.input);
    if (r.success) valid.push({ remoteId: it.remoteId, input: r.data });
    else
      invalid.push({
        remoteId: it.remoteId,
        reason: `invalid: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`,
      });
  }
  return { valid, invalid };
}

const optional = <K extends string, V>(key: K, v: V | null | undefined) =>
  (v === null || v === undefined || v === "" ? {} : { [key]: v }) as Partial<Record<K, V>>;

export async function executePlan(
  client: RampClient,
  ops: readonly CoaOperation[],
  current: Pick<RampSurface, "glAccounts" | "fields">,
  opts: ExecuteOptions = {},
): Promise<ExecuteReport> {
  const report = emptyReport();
  const conn = opts.connectionId;
  const glRampIds = new Map(current.glAccounts.filter((a) => a.isActive).map((a) => [a.remoteId, a.rampId]));
  const fieldRampIds = new Map(current.fields.map((f) => [f.remoteId, f.rampId]));
  const fail = (f: Omit<ItemFailure, "code" | "traceId"> & Partial<ItemFailure>) =>
    report.failures.push({ code: null, traceId: null, ...f });

  async function upload<I>(
    list: CoaList,
    op: CoaOperation["op"],
    schema: z.ZodType<I>,
    items: Array<{ remoteId: string; input: unknown }>,
    send: (batch: I[]) => Promise<Array<{ ramp_id: string; id: string }>>,
  ): Promise<void> {
    const { valid, invalid } = validEach(schema, items);
    for (const bad of invalid) fail({ list, op, remoteId: bad.remoteId, reason: bad.reason });
    if (valid.length === 0) return;
    const r = await uploadIsolating(valid, (batch) => send(batch.map((b) => b.input)));
    report.writeCalls += r.calls;
    report.created[list] += r.landed.length;
    for (const x of r.results) if (list === "gl_accounts") glRampIds.set(x.id, x.ramp_id);
    for (const rej of r.rejected as Rejection<{ remoteId: string }>[]) {
      fail({
        list,
        op,
        remoteId: rej.item.remoteId,
        reason: rej.reason,
        code: rej.code,
        traceId: rej.traceId,
      });
    }
  }

  /** One single-item write; Ramp refusing that item is a reported failure, not an abort. */
  async function single(
    list: ItemFailure["list"],
    op: CoaOperation["op"],
    remoteId: string,
    call: () => Promise<unknown>,
  ) {
    report.writeCalls++;
    try {
      await call();
      return true;
    } catch (err) {
      if (!isItemRejection(err) && !(err instanceof Error && "status" in err && err.status === 404))
        throw err;
      const e = err as { code?: string | null; traceId?: string | null };
      fail({
        list,
        op,
        remoteId,
        reason: isItemRejection(err) ? rampReason(err) : (err as Error).message,
        code: e.code ?? null,
        traceId: e.traceId ?? null,
      });
      return false;
    }
  }

  const failedVendors = new Set<string>();
  for (const op of ops) {
    if (opts.shouldStop?.()) {
      report.complete = false;
      break;
    }
    switch (op.op) {
      case "create_gl_accounts":
        await upload<GlAccountInput>(
          "gl_accounts",
          op.op,
          GlAccountInputSchema,
          op.items.map((a) => ({
            remoteId: a.remoteId,
            input: {
              id: a.remoteId,
              name: a.name,
              classification: a.classification,
              ...optional("code", a.code),
              ...optional("entity_remote_ids", a.entityRemoteIds),
            },
          })),
          async (batch) => (await client.uploadGlAccounts(batch, conn)).items,
        );
        break;
      case "create_field": {
        report.writeCalls++;
        const f = await client.createField({
          id: op.field.remoteId,
          name: op.field.name,
          input_type: "SINGLE_CHOICE",
          ...optional("accounting_connection_id", conn),
        });
        fieldRampIds.set(op.field.remoteId, f.ramp_id);
        report.created.fields++;
        break;
      }
      case "create_field_options": {
        const fieldRampId = fieldRampIds.get(op.fieldRemoteId);
        if (!fieldRampId) {
          for (const o of op.items)
            fail({
              list: "field_options",
              op: op.op,
              remoteId: o.remoteId,
              reason: `field ${op.fieldRemoteId} is not in Ramp`,
            });
          break;
        }
        await upload<FieldOptionInput>(
          "field_options",
          op.op,
          FieldOptionInputSchema,
          op.items.map((o) => ({
            remoteId: o.remoteId,
            input: {
              id: o.remoteId,
              value: o.value,
              ...optional("code", o.code),
              ...optional("entity_remote_ids", o.entityRemoteIds),
            },
          })),
          async (batch) => (await client.uploadFieldOptions(fieldRampId, batch, conn)).items,
        );
        break;
      }
      case "create_vendors":
        await upload<AccountingVendorInput>(
          "vendors",
          op.op,
          AccountingVendorInputSchema,
          op.items.map((v) => ({
            remoteId: v.remoteId,
            input: {
              id: v.remoteId,
              name: v.name,
              ...optional("code", v.code),
              ...optional("entity_remote_ids", v.entityRemoteIds),
            },
          })),
          async (batch) => (await client.uploadAccountingVendors(batch, conn)).items,
        );
        break;
      case "create_tax_rates": {
        const ready: typeof op.items = [];
        for (const r of op.items) {
          // Ramp requires the GL account (by ramp_id) for API connections.
          if (r.glAccountRemoteId && glRampIds.has(r.glAccountRemoteId)) ready.push(r);
          else
            fail({
              list: "tax_rates",
              op: op.op,
              remoteId: r.remoteId,
              reason: r.glAccountRemoteId
                ? `its GL account ${r.glAccountRemoteId} is not active in Ramp`
                : "it has no GL account, which Ramp requires for API connections",
            });
        }
        await upload<TaxRateInput>(
          "tax_rates",
          op.op,
          TaxRateInputSchema,
          ready.map((r) => ({
            remoteId: r.remoteId,
            input: {
              id: r.remoteId,
              name: r.name,
              rate: r.rate,
              accounting_gl_account_id: glRampIds.get(r.glAccountRemoteId ?? ""),
            },
          })),
          async (batch) => {
            await client.uploadTaxRates(batch, conn);
            return [];
          },
        );
        break;
      }
      case "create_tax_code_field":
        report.writeCalls++;
        await client.createTaxCodeField(op.name, conn);
        report.taxCodeFieldCreated = true;
        break;
      case "create_tax_code_options":
        await upload<TaxCodeOptionInput>(
          "tax_code_options",
          op.op,
          TaxCodeOptionInputSchema,
          op.items.map((c) => ({
            remoteId: c.remoteId,
            input: { id: c.remoteId, name: c.name, tax_rate_ids: c.taxRateRemoteIds },
          })),
          async (batch) => {
            await client.uploadTaxCodeOptions(batch, conn);
            return [];
          },
        );
        break;
      case "update": {
        const p = op.patch as Record<string, unknown>;
        const ok = await single(op.list, op.op, op.remoteId, () => {
          switch (op.list) {
            case "gl_accounts":
              return client.patchGlAccount(op.rampId, p as { name?: string; code?: string });
            case "vendors":
              return client.patchAccountingVendor(op.rampId, p as { name?: string; code?: string });
            case "field_options":
              return client.patchFieldOption(op.rampId, p as { value?: string; code?: string });
            case "fields":
              return client.patchField(op.rampId, p as { name?: string });
            case "tax_rates":
              return client.patchTaxRate(op.rampId, p);
            case "tax_code_options":
              return client.patchTaxCodeOption(op.rampId, p);
          }
        });
        if (ok) report.updated++;
        break;
      }
      case "reactivate": {
        const ok = await single(op.list, op.op, op.remoteId, () => {
          switch (op.list) {
            case "gl_accounts":
              return client.patchGlAccount(op.rampId, { reactivate: true });
            case "vendors":
              return client.patchAccountingVendor(op.rampId, { reactivate: true });
            case "field_options":
              return client.patchFieldOption(op.rampId, { reactivate: true });
            case "fields":
              throw new Error("fields are reactivated by create_field");
            case "tax_rates":
              return client.patchTaxRate(op.rampId, { reactivate: true });
            case "tax_code_options":
              return client.patchTaxCodeOption(op.rampId, { reactivate: true });
          }
        });
        if (ok) {
          report.reactivated++;
          const gl = op.list === "gl_accounts" ? op : null;
          if (gl) glRampIds.set(gl.remoteId, gl.rampId);
        }
        break;
      }
      case "delete": {
        const ok = await single(op.list, op.op, op.remoteId, () => {
          switch (op.list) {
            case "gl_accounts":
              return client.deleteGlAccount(op.rampId);
            case "vendors":
              return client.deleteAccountingVendor(op.rampId);
            case "field_options":
              return client.deleteFieldOption(op.rampId);
            case "fields":
              return client.deleteField(op.rampId);
            case "tax_rates":
              return client.deleteTaxRate(op.rampId);
            case "tax_code_options":
              return client.deleteTaxCodeOption(op.rampId);
          }
        });
        if (ok) report.deleted++;
        break;
      }
      case "set_visibility": {
        const ok = await single("field_options", op.op, op.remoteId, () =>
          client.patchFieldOption(op.rampId, { visibility: op.visibility }),
        );
        if (ok && op.visibility === "HIDDEN") report.hidden++;
        if (ok && op.visibility === "VISIBLE") report.unhidden++;
        break;
      }
      case "link_vendor": {
        for (const f of report.failures) if (f.list === "vendors") failedVendors.add(f.remoteId);
        // Never link a Ramp vendor to an accounting vendor that did not land.
        if (failedVendors.has(op.accountingVendorRemoteId)) break;
        const ok = await single("ramp_vendors", op.op, op.accountingVendorRemoteId, () =>
          client.patchVendor(op.rampVendorId, { accounting_vendor_remote_id: op.accountingVendorRemoteId }),
        );
        if (ok) report.linked++;
        break;
      }
    }
  }
  return report;
}
