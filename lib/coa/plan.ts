/**
 * The pure diff planner of coa-push: desired surface (ERP) vs current surface
 * (Ramp) → the operations that make Ramp match, in a safe order. Recomputed from
 * Ramp's lists on every run, so a push cut off half-way simply resumes: what
 * already landed is no longer a difference. A push with no change plans nothing.
 */
import type {
  CoaList,
  CoaOperation,
  DesiredField,
  DesiredSurface,
  ManualVendorLink,
  PlanOptions,
  PushSnapshot,
  RampCoaItem,
  RampSurface,
} from "./types.js";
import { matchVendors } from "./vendor-match.js";

export interface PlanInput {
  desired: DesiredSurface;
  current: RampSurface;
  /** What the previous push uploaded (null on the first push). */
  snapshot: PushSnapshot | null;
  /** Remote-id prefixes of this tenant's companies (`<company key>:`): items carrying one are ours to remove. */
  ownedPrefixes: string[];
  options: PlanOptions;
  /** Links decided by hand (`ops vendors link`): they win over matching. */
  manualVendorLinks?: readonly ManualVendorLink[];
}

type Phase = "revive" | "create" | "update" | "link" | "remove";

export function planCoaPush(input: PlanInput): CoaOperation[] {
  const { desired, current, options } = input;
  const out = phases();
  const owned: Owned = (remoteId, pushed) =>
    (pushed?.includes(remoteId) ?? false) || input.ownedPrefixes.some((p) => remoteId.startsWith(p));

  // GL accounts
  diffList({
    list: "gl_accounts",
    desired: desired.glAccounts.map((d) => ({ ...d, patch: { name: d.name, code: d.code ?? "" } })),
    current: current.glAccounts,
    isOwned: (id) => owned(id, input.snapshot?.glAccounts),
    removal: "delete",
    out,
    create: (items) =>
      chunk(items, options.chunkSize).map((c) => ({ op: "create_gl_accounts", items: c.map(strip) })),
  });

  // Custom fields and their options
  for (const field of desired.fields) planField(field, input, out, owned);
  planRemovedFields(input, out, owned);

  // Accounting vendors
  diffList({
    list: "vendors",
    desired: desired.vendors.map((d) => ({ ...d, patch: { name: d.name, code: d.code ?? "" } })),
    current: current.vendors,
    isOwned: (id) => owned(id, input.snapshot?.vendors),
    removal: "delete",
    out,
    create: (items) =>
      chunk(items, options.chunkSize).map((c) => ({ op: "create_vendors", items: c.map(strip) })),
  });

  const tax = planTax(input, owned);
  // Ramp vendors ↔ accounting vendors: vendor-match.ts decides; what stays unlinked is `ops vendors unlinked`.
  const vendorMatch = matchVendors({
    rampVendors: current.rampVendors,
    accountingVendors: desired.vendors,
    manualLinks: input.manualVendorLinks ?? [],
  });
  for (const l of vendorMatch.links)
    out.link.push({
      op: "link_vendor",
      rampVendorId: l.rampVendorId,
      accountingVendorRemoteId: l.accountingVendorRemoteId,
    });

  return [
    ...out.revive,
    ...out.create,
    ...out.update,
    ...tax.rates,
    ...tax.field,
    ...tax.codes,
    ...out.link,
    // Removals last, and GL accounts after the tax rates that may point at them.
    ...tax.removals,
    ...out.remove,
  ];
}

type Owned = (remoteId: string, pushed: readonly string[] | undefined) => boolean;
const phases = (): Record<Phase, CoaOperation[]> => ({
  revive: [],
  create: [],
  update: [],
  link: [],
  remove: [],
});

/** Tax: rates, then the tax-code field, then options — strictly in that order (the guide; docs/ramp-api.md, Guide "Chart of accounts"). */
function planTax(
  input: PlanInput,
  owned: Owned,
): { rates: CoaOperation[]; field: CoaOperation[]; codes: CoaOperation[]; removals: CoaOperation[] } {
  const { desired, current, options } = input;
  const rates = phases();
  diffList({
    list: "tax_rates",
    desired: desired.taxRates.map((d) => ({ ...d, patch: { name: d.name, rate: canonicalDecimal(d.rate) } })),
    current: current.taxRates,
    // Ramp may echo "0.1" for "0.10" (or a number): compare the decimal, not its spelling.
    currentPatch: (c) => ({
      name: c.name,
      rate: c.rate === null || c.rate === undefined ? null : canonicalDecimal(c.rate),
    }),
    isOwned: (id) => owned(id, input.snapshot?.taxRates),
    removal: "delete",
    out: rates,
    create: (items) =>
      chunk(items, options.chunkSize).map((c) => ({ op: "create_tax_rates", items: c.map(strip) })),
  });
  const codes = phases();
  diffList({
    list: "tax_code_options",
    desired: desired.taxCodes.map((d) => ({
      ...d,
      patch: { name: d.name, tax_rate_ids: [...d.taxRateRemoteIds].sort() },
    })),
    current: current.taxCodeOptions,
    currentPatch: (c) => ({ name: c.name, tax_rate_ids: [...(c.taxRateRemoteIds ?? [])].sort() }),
    isOwned: (id) => owned(id, input.snapshot?.taxCodes),
    removal: "delete",
    out: codes,
    create: (items) =>
      chunk(items, options.chunkSize).map((c) => ({ op: "create_tax_code_options", items: c.map(strip) })),
  });
  const needsTaxField = desired.taxCodes.length > 0 && current.taxCodeField === null;
  return {
    rates: [...rates.revive, ...rates.create, ...rates.update],
    field: needsTaxField ? [{ op: "create_tax_code_field", name: desired.taxCodeFieldName }] : [],
    codes: [...codes.revive, ...codes.create, ...codes.update],
    // Options before the rates they reference.
    removals: [...codes.remove, ...rates.remove],
  };
}

function planField(
  field: DesiredField,
  input: PlanInput,
  out: Record<Phase, CoaOperation[]>,
  owned: Owned,
): void {
  const cur = input.current.fields.find((f) => f.remoteId === field.remoteId);
  // POST /fields is idempotent on id and reactivates an inactive field (the guide's "POST the same field ID"; docs/ramp-api.md §7.2).
  if (!cur?.isActive)
    out.create.push({ op: "create_field", field: { remoteId: field.remoteId, name: field.name } });
  else if (cur.name !== field.name) {
    out.update.push({
      op: "update",
      list: "fields",
      rampId: cur.rampId,
      remoteId: cur.remoteId,
      patch: { name: field.name },
    });
  }
  const currentOptions = cur?.options ?? [];
  diffList({
    list: "field_options",
    desired: field.options.map((o) => ({
      ...o,
      name: o.value,
      patch: { value: o.value, code: o.code ?? "" },
    })),
    current: currentOptions,
    currentPatch: (c) => ({ value: c.name, code: c.code ?? "" }),
    isOwned: (id) => owned(id, input.snapshot?.fieldOptions[field.remoteId]),
    removal: input.options.optionRemoval,
    out,
    create: (items) =>
      chunk(items, input.options.chunkSize).map((c) => ({
        op: "create_field_options",
        fieldRemoteId: field.remoteId,
        items: c.map(({ remoteId, value, code, entityRemoteIds }) => ({
          remoteId,
          value,
          code,
          entityRemoteIds,
        })),
      })),
  });
}

/**
 * Fields we pushed (in the last snapshot, or carrying one of this tenant's company prefixes)
 * that the ERP no longer has: hidden option by option, or deleted, by the tenant's policy.
 * Fields we never pushed (made by hand in Ramp, another integration's) are left alone.
 */
function planRemovedFields(input: PlanInput, out: Record<Phase, CoaOperation[]>, owned: Owned): void {
  const desiredIds = new Set(input.desired.fields.map((f) => f.remoteId));
  const pushed = Object.keys(input.snapshot?.fieldOptions ?? {});
  for (const f of input.current.fields) {
    if (desiredIds.has(f.remoteId) || !f.isActive || !owned(f.remoteId, pushed)) continue;
    if ((input.options.fieldRemoval ?? "hide-options") === "delete") {
      out.remove.push({ op: "delete", list: "fields", rampId: f.rampId, remoteId: f.remoteId });
      continue;
    }
    for (const o of f.options) {
      if (!o.isActive || o.visibility === "HIDDEN") continue;
      out.remove.push({ op: "set_visibility", rampId: o.rampId, remoteId: o.remoteId, visibility: "HIDDEN" });
    }
  }
}

interface DiffArgs<D extends { remoteId: string; patch: Record<string, unknown> }> {
  list: CoaList;
  desired: D[];
  current: RampCoaItem[];
  /** The comparable fields of a current item, in the same shape as `patch`. */
  currentPatch?: (c: RampCoaItem) => Record<string, unknown>;
  isOwned: (remoteId: string) => boolean;
  removal: "hide" | "delete";
  out: Record<Phase, CoaOperation[]>;
  create: (items: D[]) => CoaOperation[];
}

function diffList<D extends { remoteId: string; patch: Record<string, unknown> }>(a: DiffArgs<D>): void {
  const currentById = new Map(a.current.map((c) => [c.remoteId, c]));
  const toCreate: D[] = [];
  const desiredIds = new Set<string>();
  for (const d of a.desired) {
    desiredIds.add(d.remoteId);
    const cur = currentById.get(d.remoteId);
    if (!cur) {
      toCreate.push(d);
      continue;
    }
    if (!cur.isActive)
      a.out.revive.push({ op: "reactivate", list: a.list, rampId: cur.rampId, remoteId: cur.remoteId });
    if (cur.visibility === "HIDDEN") {
      a.out.revive.push({
        op: "set_visibility",
        rampId: cur.rampId,
        remoteId: cur.remoteId,
        visibility: "VISIBLE",
      });
    }
    const have = a.currentPatch ? a.currentPatch(cur) : { name: cur.name, code: cur.code ?? "" };
    const patch = changed(d.patch, have);
    if (patch)
      a.out.update.push({ op: "update", list: a.list, rampId: cur.rampId, remoteId: cur.remoteId, patch });
  }
  a.out.create.push(...a.create(toCreate));
  for (const cur of a.current) {
    if (desiredIds.has(cur.remoteId) || !cur.isActive || !a.isOwned(cur.remoteId)) continue;
    if (a.removal === "hide") {
      if (cur.visibility !== "HIDDEN") {
        a.out.remove.push({
          op: "set_visibility",
          rampId: cur.rampId,
          remoteId: cur.remoteId,
          visibility: "HIDDEN",
        });
      }
    } else {
      a.out.remove.push({ op: "delete", list: a.list, rampId: cur.rampId, remoteId: cur.remoteId });
    }
  }
}

/** The keys of `want` whose values differ from `have`, or null when nothing changed. */
function changed(
  want: Record<string, unknown>,
  have: Record<string, unknown>,
): Record<string, unknown> | null {
  const diff: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want)) {
    if (JSON.stringify(v) !== JSON.stringify(have[k])) diff[k] = v;
  }
  return Object.keys(diff).length ? diff : null;
}

function strip<T extends { patch: unknown }>(d: T): Omit<T, "patch"> {
  const { patch: _patch, ...rest } = d;
  return rest;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error("chunk size must be ≥ 1");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** "0.100" → "0.1", "5.0" → "5", "007" → "7": one spelling per decimal value. */
export function canonicalDecimal(s: string): string {
  const t = s.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return t;
  const [int = "0", frac = ""] = t.split(".");
  const i = int.replace(/^0+(?=\d)/, "");
  const f = frac.replace(/0+$/, "");
  return f ? `${i}.${f}` : i;
}
