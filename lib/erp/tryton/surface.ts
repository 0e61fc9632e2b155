/**
 * The coding surface of one Tryton company: GL accounts, analytic roots as
 * custom fields (DEPT = departments), supplier parties, taxes. Inactive records
 * are read too (`active_test: false`) so Ramp can mark them inactive rather than
 * losing them; the one exception is a field whose analytic root is inactive in every
 * company, which is left out (readSurface).
 */
import type {
  CodingSurface,
  ErpCompany,
  ErpField,
  ErpGlAccount,
  ErpTaxCode,
  ErpTaxRate,
  ErpVendor,
  GlClassification,
} from "../port.js";
import { remoteId } from "./ids.js";
import type { TrytonRpc } from "./rpc.js";
import type { TrytonSession } from "./session.js";
import { truthy } from "./wire.js";

export interface CompanyRef {
  key: string;
  id: number;
}

interface TypeRow {
  id: number;
  name: string;
  parent: number | null;
  statement: string | null;
  assets: unknown;
  payable: unknown;
  receivable: unknown;
  expense: unknown;
  revenue: unknown;
}

/**
 * Tryton account types form a tree (Asset > Current > Cash…); the top-level
 * branch under the chart root says liability vs equity, the flags say the rest.
 * CREDCARD is Ramp's notion: a liability named like a card account (Tryton has
 * no such type), which is how Ramp offers it as the card clearing account.
 */
export function classify(
  typeId: number | null,
  types: Map<number, TypeRow>,
  accountName: string,
): GlClassification {
  const t = typeId === null ? undefined : types.get(typeId);
  if (!t) return "UNKNOWN";
  if (t.statement === "income") return truthy(t.revenue) ? "REVENUE" : "EXPENSE";
  if (t.statement !== "balance") return "UNKNOWN";
  if (truthy(t.assets) || truthy(t.receivable)) return "ASSET";
  let top: TypeRow = t;
  for (let p = types.get(t.parent ?? -1); p && p.parent !== null; p = types.get(p.parent ?? -1)) top = p;
  if (/equity/i.test(top.name)) return "EQUITY";
  return /card/i.test(accountName) && !truthy(t.payable) ? "CREDCARD" : "LIABILITY";
}

/** Decimal rate as Tryton stores it ("0.100000", "0") → "0.10"-style (at least 2 places). */
export function normaliseRate(rate: string): string {
  const [whole = "0", frac = ""] = rate.split(".");
  return `${whole}.${frac.replace(/0+$/, "").padEnd(2, "0")}`;
}

/** One company's part of the surface; readSurface (below) joins the parts. */
async function readCompanySurface(session: TrytonSession, company: CompanyRef) {
  const rows = await readRows(session, company);
  const head = rows.info[0];
  if (!head) throw new Error(`Tryton company ${company.id} not found`);
  const erpCompany: ErpCompany = {
    key: company.key,
    erpId: String(company.id),
    name: head.rec_name,
    currency: head["currency."].code,
  };
  return {
    company: erpCompany,
    glAccounts: glAccountsOf(company.key, rows),
    fields: fieldsOf(company.key, rows.analytic),
    vendors: vendorsOf(company.key, rows),
    ...taxesOf(company.key, rows.taxes),
  };
}

type Rows = Awaited<ReturnType<typeof readRows>>;

/** Everything one company's surface is made of, read at once. */
async function readRows(session: TrytonSession, company: CompanyRef) {
  const rpc: TrytonRpc = session.rpc;
  const ctx = session.ctx(company.id, { active_test: false });
  const c = ["company", "=", company.id];
  const [info, types, accounts, analytic, taxes, parties, employees, companyParties] = await Promise.all([
    rpc.read<{ id: number; rec_name: string; "currency.": { code: string } }>(
      "company.company",
      [company.id],
      ["rec_name", "currency.code"],
      ctx,
    ),
    rpc.searchRead<TypeRow>(
      "account.account.type",
      [c],
      ["name", "parent", "statement", "assets", "payable", "receivable", "expense", "revenue"],
      ctx,
    ),
    rpc.searchRead<{
      id: number;
      code: string | null;
      name: string;
      type: number | null;
      active: boolean;
      closed: unknown;
    }>("account.account", [c, ["type", "!=", null]], ["code", "name", "type", "active", "closed"], ctx, {
      order: [["code", "ASC"]],
    }),
    rpc.searchRead<AnalyticRow>(
      "analytic_account.account",
      [c, ["type", "in", ["root", "normal"]]],
      ["code", "name", "type", "root", "active"],
      ctx,
      { order: [["code", "ASC"]] },
    ),
    rpc.searchRead<TaxRow>(
      "account.tax",
      [c, ["parent", "=", null]],
      ["name", "type", "rate", "invoice_account", "active"],
      ctx,
    ),
    rpc.searchRead<{ id: number; name: string; code: string | null; active: unknown }>(
      "party.party",
      [],
      ["name", "code", "active"],
      ctx,
      { order: [["name", "ASC"]] },
    ),
    // company.employee has no record rule (docs/tryton.md pitfall 19): all companies' employees come back, which is what we want here.
    rpc.searchRead<{ party: number }>("company.employee", [], ["party"], ctx),
    rpc.searchRead<{ party: number }>("company.company", [], ["party"], ctx),
  ]);
  return { info, types, accounts, analytic, taxes, parties, employees, companyParties };
}

interface AnalyticRow {
  id: number;
  code: string | null;
  name: string;
  type: string;
  root: number | null;
  active: unknown;
}

interface TaxRow {
  id: number;
  name: string;
  type: string;
  rate: string | null;
  invoice_account: number | null;
  active: unknown;
}

function glAccountsOf(key: string, { accounts, types }: Pick<Rows, "accounts" | "types">): ErpGlAccount[] {
  const typeMap = new Map(types.map((t) => [t.id, t]));
  return accounts.map((a) => ({
    remoteId: remoteId(key, a.id),
    companyKey: key,
    code: a.code,
    name: a.name,
    classification: classify(a.type, typeMap, a.name),
    active: a.active === true && !truthy(a.closed),
  }));
}

/** One company's view of a field: `rootActive` is false when that company retired the analytic root. */
interface CompanyField extends ErpField {
  rootActive: boolean;
}

/**
 * Each analytic root is a custom field; its normal accounts are the options. Deactivating the
 * root is how a Tryton user retires the whole dimension, and Tryton does not cascade `active`
 * to the children, so an option counts as active only while its root is too.
 */
function fieldsOf(key: string, analytic: AnalyticRow[]): CompanyField[] {
  const roots = analytic.filter((a) => a.type === "root");
  return roots.map((root) => ({
    remoteId: `field:${root.code ?? root.name}`,
    name: root.name,
    rootActive: truthy(root.active),
    options: analytic
      .filter((a) => a.type === "normal" && a.root === root.id)
      .map((a) => ({
        remoteId: remoteId(key, a.id),
        companyKey: key,
        value: a.name,
        code: a.code,
        active: truthy(a.active) && truthy(root.active),
      })),
  }));
}

/**
 * Tryton 6.0 (without the purchase module) has no "supplier" flag: every party that is
 * neither a company nor an employee counts as a vendor. Parties are shared by all companies.
 */
function vendorsOf(
  key: string,
  { parties, employees, companyParties }: Pick<Rows, "parties" | "employees" | "companyParties">,
): ErpVendor[] {
  const notVendors = new Set([...employees, ...companyParties].map((r) => r.party));
  return parties
    .filter((p) => !notVendors.has(p.id))
    .map((p) => ({
      remoteId: remoteId(key, p.id),
      companyKey: key,
      name: p.name,
      code: p.code,
      active: truthy(p.active),
    }));
}

/** Only percentage taxes map onto Ramp's tax rates; one tax code per tax (same remote id). */
function taxesOf(key: string, taxes: TaxRow[]): { taxRates: ErpTaxRate[]; taxCodes: ErpTaxCode[] } {
  const pct = taxes.filter((t) => t.type === "percentage");
  const taxRates: ErpTaxRate[] = pct.map((t) => ({
    remoteId: remoteId(key, t.id),
    companyKey: key,
    name: t.name,
    rate: normaliseRate(t.rate ?? "0"),
    glAccountRemoteId: t.invoice_account === null ? null : remoteId(key, t.invoice_account),
    active: truthy(t.active),
  }));
  const taxCodes: ErpTaxCode[] = pct.map((t) => ({
    remoteId: remoteId(key, t.id),
    companyKey: key,
    name: t.name,
    taxRateRemoteIds: [remoteId(key, t.id)],
    active: truthy(t.active),
  }));
  return { taxRates, taxCodes };
}

/**
 * The whole surface: every configured company's part. A dimension field's id is its
 * analytic root's code, the same in every company: one field, with all companies' options.
 */
export async function readSurface(session: TrytonSession, companies: CompanyRef[]): Promise<CodingSurface> {
  const parts = await Promise.all(companies.map((c) => readCompanySurface(session, c)));
  const fields = new Map<string, ErpField & { live: boolean }>();
  for (const part of parts) {
    for (const { rootActive, ...f } of part.fields) {
      const known = fields.get(f.remoteId);
      if (!known) fields.set(f.remoteId, { ...f, options: [...f.options], live: rootActive });
      else {
        known.options.push(...f.options);
        // The name follows a company that still has the root; a retired root's name may be stale.
        if (rootActive && !known.live) Object.assign(known, { name: f.name, live: true });
      }
    }
  }
  return {
    companies: parts.map((p) => p.company),
    glAccounts: parts.flatMap((p) => p.glAccounts),
    // A field whose root every company retired leaves the surface: coa-push then applies the
    // tenant's fieldRemoval policy, as for a field deleted outright (lib/coa/plan.ts planRemovedFields).
    fields: [...fields.values()].filter((f) => f.live).map(({ live: _, ...f }) => f),
    vendors: parts.flatMap((p) => p.vendors),
    taxRates: parts.flatMap((p) => p.taxRates),
    taxCodes: parts.flatMap((p) => p.taxCodes),
  };
}
