/**
 * Reads what Ramp holds for one connection (paginated lists only) into the
 * planner's RampSurface. Field options are listed only for the fields the ERP
 * has, to keep a push with no change to a handful of list calls.
 */
import { RampApiError } from "../ramp/errors.js";
import type { RampClient } from "../ramp/index.js";
import type { RampCoaItem, RampField, RampSurface, Visibility } from "./types.js";

export interface ReadCurrentOptions {
  /** The connection to read (the migration tool's inactive one); default the active connection. */
  connectionId?: string;
  /** Remote ids of the fields whose options matter (the desired fields). */
  fieldRemoteIds: readonly string[];
  /** Read Ramp (bill-pay) vendors for linking; off for the migration preload. */
  rampVendors: boolean;
  pageSize?: number;
}

async function all<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const visibility = (v: string | null | undefined): Visibility | undefined =>
  v === "HIDDEN" ? "HIDDEN" : v === "VISIBLE" ? "VISIBLE" : undefined;

export async function readRampSurface(client: RampClient, opts: ReadCurrentOptions): Promise<RampSurface> {
  const filter = { accountingConnectionId: opts.connectionId, pageSize: opts.pageSize ?? 100 };
  const glAccounts: RampCoaItem[] = (await all(client.listGlAccounts(filter))).map((a) => ({
    rampId: a.ramp_id,
    remoteId: a.id,
    name: a.name,
    code: a.code ?? null,
    isActive: a.is_active !== false,
    entityRemoteIds: a.entity_remote_ids ?? null,
  }));

  const wanted = new Set(opts.fieldRemoteIds);
  const fields: RampField[] = [];
  for (const f of await all(client.listFields(filter))) {
    const options: RampCoaItem[] = [];
    if (wanted.has(f.id)) {
      for await (const o of client.listFieldOptions(f.ramp_id, filter)) {
        options.push({
          rampId: o.ramp_id,
          remoteId: o.id,
          name: o.value,
          code: o.code ?? null,
          isActive: o.is_active !== false,
          visibility: visibility(o.visibility),
          entityRemoteIds: o.entity_remote_ids ?? null,
        });
      }
    }
    fields.push({
      rampId: f.ramp_id,
      remoteId: f.id,
      name: f.name,
      isActive: f.is_active !== false,
      options,
    });
  }

  const vendors: RampCoaItem[] = (await all(client.listAccountingVendors(filter))).map((v) => ({
    rampId: v.ramp_id,
    remoteId: v.id,
    name: v.name,
    code: v.code ?? null,
    isActive: v.is_active !== false,
    entityRemoteIds: v.entity_remote_ids ?? null,
  }));

  const taxRates: RampCoaItem[] = (await all(client.listTaxRates(opts.connectionId))).map((r) => ({
    rampId: r.ramp_id ?? r.id,
    remoteId: r.id,
    name: r.name ?? "",
    code: null,
    isActive: r.is_active !== false,
    rate: r.rate === null || r.rate === undefined ? null : String(r.rate),
  }));

  let taxCodeField: RampSurface["taxCodeField"] = null;
  try {
    const f = await client.getTaxCodeField(opts.connectionId);
    if (f.is_active !== false) taxCodeField = { name: f.name ?? "" };
  } catch (err) {
    // No tax-code field yet is a 404, not a failure.
    if (!(err instanceof RampApiError && err.status === 404)) throw err;
  }
  const taxCodeOptions: RampCoaItem[] = taxCodeField
    ? (await all(client.listTaxCodeOptions(filter))).map((o) => ({
        rampId: o.ramp_id ?? o.id,
        remoteId: o.id,
        name: o.name ?? "",
        code: null,
        isActive: o.is_active !== false,
        taxRateRemoteIds: o.tax_rate_ids ?? [],
      }))
    : [];

  const rampVendors = opts.rampVendors
    ? (await all(client.listVendors({ page_size: filter.pageSize }))).map((v) => ({
        id: v.id,
        name: v.name ?? "",
        accountingVendorRemoteId: v.accounting_vendor_remote_id ?? null,
      }))
    : [];

  return { glAccounts, fields, vendors, taxRates, taxCodeField, taxCodeOptions, rampVendors };
}
