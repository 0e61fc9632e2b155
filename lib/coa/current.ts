/**
 * Reads what Ramp holds for one connection (paginated lists only) into the
 * planner's RampSurface. Field options are listed only for the fields the ERP
 * has, to keep a push with no change to a handful of list calls.
 */
import { RampApiError } from "../ramp/errors.js";
import type { RampClient } from "../ramp/index.js";
import type { RampCoaItem, RampField, RampSurface, RampVendorRef, Visibility } from "./types.js";

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

type ListFilter = { accountingConnectionId?: string; pageSize: number };

/** GL accounts and accounting vendors share one item shape. */
const coaItem = (x: {
  ramp_id: string;
  id: string;
  name: string;
  code?: string | null;
  is_active?: boolean | null;
  entity_remote_ids?: string[] | null;
}): RampCoaItem => ({
  rampId: x.ramp_id,
  remoteId: x.id,
  name: x.name,
  code: x.code ?? null,
  isActive: x.is_active !== false,
  entityRemoteIds: x.entity_remote_ids ?? null,
});

export async function readRampSurface(client: RampClient, opts: ReadCurrentOptions): Promise<RampSurface> {
  const filter: ListFilter = { accountingConnectionId: opts.connectionId, pageSize: opts.pageSize ?? 100 };
  const glAccounts = (await all(client.listGlAccounts(filter))).map(coaItem);
  const fields = await readFields(client, filter, new Set(opts.fieldRemoteIds));
  const vendors = (await all(client.listAccountingVendors(filter))).map(coaItem);
  const tax = await readTax(client, opts.connectionId, filter);
  const rampVendors = opts.rampVendors ? await readRampVendors(client, filter.pageSize) : [];
  return { glAccounts, fields, vendors, ...tax, rampVendors };
}

/** Ramp (bill-pay) vendors with what vendor matching compares (lib/coa/vendor-match.ts). */
export async function readRampVendors(client: RampClient, pageSize = 100): Promise<RampVendorRef[]> {
  return (await all(client.listVendors({ page_size: pageSize }))).map((v) => ({
    id: v.id,
    name: v.name ?? "",
    accountingVendorRemoteId: v.accounting_vendor_remote_id ?? null,
    nameLegal: v.name_legal ?? null,
    externalVendorId: v.external_vendor_id ?? null,
    isActive: v.is_active !== false,
  }));
}

/** Every field, with the options of the wanted ones only. */
async function readFields(client: RampClient, filter: ListFilter, wanted: Set<string>): Promise<RampField[]> {
  const fields: RampField[] = [];
  for (const f of await all(client.listFields(filter))) {
    const options: RampCoaItem[] = [];
    if (wanted.has(f.id)) {
      for await (const o of client.listFieldOptions(f.ramp_id, filter)) {
        options.push({
          ...coaItem({ ...o, name: o.value }),
          visibility: visibility(o.visibility),
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
  return fields;
}

async function readTax(
  client: RampClient,
  connectionId: string | undefined,
  filter: ListFilter,
): Promise<Pick<RampSurface, "taxRates" | "taxCodeField" | "taxCodeOptions">> {
  const taxRates: RampCoaItem[] = (await all(client.listTaxRates(connectionId))).map((r) => ({
    rampId: r.ramp_id ?? r.id,
    remoteId: r.id,
    name: r.name ?? "",
    code: null,
    isActive: r.is_active !== false,
    rate: r.rate === null || r.rate === undefined ? null : String(r.rate),
  }));
  let taxCodeField: RampSurface["taxCodeField"] = null;
  try {
    const f = await client.getTaxCodeField(connectionId);
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
  return { taxRates, taxCodeField, taxCodeOptions };
}
