/**
 * The Tryton records a set of postings refers to, loaded in bulk (one query per
 * model for a whole batch), and the checks that turn a bad reference into a
 * user-actionable error naming the account, department, tax or period.
 *
 * Checked here because Tryton itself does not (inactive analytic accounts are
 * accepted, docs/tryton.md pitfall 24) or answers misleadingly (a closed period on an
 * invoice reads "you must create a period", docs/tryton.md pitfall 22).
 */
import { currencyExponent } from "../../money/index.js";
import { integratorError, userError } from "../port.js";
import { convertMinor } from "./fx.js";
import { idOf } from "./ids.js";
import type { Needs } from "./needs.js";
import type { TrytonSession } from "./session.js";
import { truthy } from "./wire.js";

export interface CompanyInfo {
  key: string;
  id: number;
  name: string;
  currency: string;
  currencyId: number;
}

interface AccountRow {
  id: number;
  code: string | null;
  name: string;
  company: number;
  active: boolean;
  closed: unknown;
  type: number | null;
  start_date: string | null;
  end_date: string | null;
  party_required: unknown;
}
interface OptionRow {
  id: number;
  code: string | null;
  name: string;
  company: number;
  active: unknown;
  type: string;
  root: number | null;
}
interface TaxRow {
  id: number;
  name: string;
  company: number;
  active: unknown;
  type: string;
  invoice_account: number | null;
  credit_note_account: number | null;
}
interface PartyRow {
  id: number;
  name: string;
  active: unknown;
  addresses: number[];
}
interface PeriodRow {
  id: number;
  name: string;
  state: string;
  start_date: string;
  end_date: string;
}
interface CurrencyRow {
  id: number;
  code: string;
  rate: string | null;
}

const label = (a: { code: string | null; name: string }) =>
  a.code ? `${a.code} "${a.name}"` : `"${a.name}"`;

export class Refs {
  constructor(
    readonly company: CompanyInfo,
    private readonly accounts: Map<number, AccountRow>,
    private readonly options: Map<number, OptionRow>,
    private readonly taxes: Map<number, TaxRow>,
    private readonly parties: Map<number, PartyRow>,
    private readonly periods: PeriodRow[],
    private readonly rates: Map<string, Map<string, CurrencyRow>>,
  ) {}

  static async load(session: TrytonSession, company: CompanyInfo, needs: Needs): Promise<Refs> {
    const rpc = session.rpc;
    const ctx = session.ctx(company.id, { active_test: false });
    const byId = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    /** The records of `model` with these ids; no call at all when there are none. */
    const read = async <T>(model: string, ids: Set<number>, fields: string[]): Promise<T[]> =>
      ids.size ? rpc.searchRead<T>(model, [["id", "in", [...ids]]], fields, ctx) : [];
    const [accounts, options, taxes, parties, periods, rates] = await Promise.all([
      read<AccountRow>("account.account", needs.accounts, [
        "code",
        "name",
        "company",
        "active",
        "closed",
        "type",
        "start_date",
        "end_date",
        "party_required",
      ]),
      read<OptionRow>("analytic_account.account", needs.options, [
        "code",
        "name",
        "company",
        "active",
        "type",
        "root",
      ]),
      read<TaxRow>("account.tax", needs.taxes, [
        "name",
        "company",
        "active",
        "type",
        "invoice_account",
        "credit_note_account",
      ]),
      read<PartyRow>("party.party", needs.parties, ["name", "active", "addresses"]),
      readPeriods(session, company, [...needs.dates].sort()),
      readRates(session, company, needs.rates),
    ]);
    return new Refs(
      company,
      byId(accounts),
      byId(options),
      byId(taxes),
      byId(parties),
      periods,
      new Map(rates),
    );
  }

  /** A GL account that can take a posting on `date`, or a user-actionable error naming it. */
  account(remote: string, date: string): AccountRow {
    const id = idOf(remote, this.company.key, "GL account", "UNKNOWN_ACCOUNT");
    const a = this.accounts.get(id);
    if (!a || a.company !== this.company.id) {
      throw userError(
        "UNKNOWN_ACCOUNT",
        `GL account ${remote} does not exist in Tryton company ${this.company.name}`,
        "Refresh the chart of accounts in Ramp and recode the expense to an existing account, then retry the sync.",
      );
    }
    const outside =
      (a.start_date !== null && a.start_date > date) || (a.end_date !== null && a.end_date < date);
    if (!a.active || truthy(a.closed) || outside || a.type === null) {
      throw userError(
        "INACTIVE_ACCOUNT",
        `GL account ${label(a)} is inactive or closed in Tryton for ${date}`,
        `Reactivate account ${label(a)} in Tryton (clear its end date or "closed" flag) or recode the expense to an active account in Ramp, then retry the sync.`,
      );
    }
    return a;
  }

  /** A department (analytic account) option; Tryton would silently accept an inactive one. */
  option(remote: string): OptionRow {
    const id = idOf(remote, this.company.key, "department", "UNKNOWN_OPTION");
    const o = this.options.get(id);
    if (!o || o.company !== this.company.id || o.type !== "normal") {
      throw userError(
        "UNKNOWN_OPTION",
        `Field option ${remote} does not exist in Tryton company ${this.company.name}`,
        "Refresh the custom field options in Ramp and pick an existing one, then retry the sync.",
      );
    }
    if (!truthy(o.active)) {
      throw userError(
        "UNKNOWN_OPTION",
        `Field option ${label(o)} is inactive in Tryton`,
        `Reactivate ${label(o)} in Tryton or choose an active option in Ramp, then retry the sync.`,
      );
    }
    return o;
  }

  tax(remote: string): TaxRow {
    const id = idOf(remote, this.company.key, "tax code", "UNKNOWN_TAX");
    const t = this.taxes.get(id);
    if (!t || t.company !== this.company.id) {
      throw userError(
        "UNKNOWN_TAX",
        `Tax code ${remote} does not exist in Tryton company ${this.company.name}`,
        "Refresh the tax codes in Ramp and pick an existing one, then retry the sync.",
      );
    }
    if (!truthy(t.active)) {
      throw userError(
        "UNKNOWN_TAX",
        `Tax "${t.name}" is inactive in Tryton`,
        `Reactivate the tax "${t.name}" in Tryton or choose an active tax code in Ramp, then retry the sync.`,
      );
    }
    return t;
  }

  party(remote: string, what = "vendor"): PartyRow {
    const id = idOf(remote, this.company.key, what, "UNKNOWN_VENDOR");
    const p = this.parties.get(id);
    if (!p || !truthy(p.active)) {
      throw userError(
        "UNKNOWN_VENDOR",
        `The ${what} ${remote} does not exist or is inactive in Tryton`,
        `Map the ${what} in Ramp to an active Tryton party (or reactivate the party), then retry the sync.`,
      );
    }
    return p;
  }

  /** The open standard period of `date`, or CLOSED_PERIOD naming it. */
  period(date: string): PeriodRow {
    const p = this.periods.find((x) => x.start_date <= date && x.end_date >= date);
    if (!p) {
      throw userError(
        "CLOSED_PERIOD",
        `No accounting period in Tryton company ${this.company.name} covers ${date}`,
        "Create the fiscal year and its periods for that date in Tryton (or change the date in Ramp), then retry the sync.",
      );
    }
    if (p.state !== "open") {
      throw userError(
        "CLOSED_PERIOD",
        `The accounting period "${p.name}" of ${this.company.name} is closed in Tryton`,
        `Reopen period "${p.name}" in Tryton (and its journal-periods), or change the date in Ramp to an open period, then retry the sync.`,
      );
    }
    return p;
  }

  /** Document-currency minor units → company-currency minor units at Tryton's rate of `date`. */
  converter(currency: string, date: string): (minor: number) => number {
    if (currency === this.company.currency) return (m) => m;
    const rows = this.rates.get(date);
    const from = rows?.get(currency);
    const to = rows?.get(this.company.currency);
    if (!from || !to || !from.rate || !to.rate || Number(from.rate) === 0) {
      throw userError(
        "UNSUPPORTED_CURRENCY",
        `Tryton has no exchange rate for ${currency} on ${date}`,
        `Add the currency ${currency} and a rate dated on or before ${date} in Tryton, then retry the sync.`,
      );
    }
    const f = { exponent: currencyExponent(currency), rate: from.rate };
    const t = { exponent: currencyExponent(this.company.currency), rate: to.rate };
    return (m) => convertMinor(m, f, t);
  }

  /** Whether Tryton knows the currency (a rate row was loaded for it). */
  hasCurrency(code: string): boolean {
    return [...this.rates.values()].some((r) => r.has(code));
  }

  currencyId(code: string): number {
    const row = [...this.rates.values()].map((r) => r.get(code)).find(Boolean);
    if (!row) throw integratorError(`Currency ${code} was not loaded`);
    return row.id;
  }
}

function ymd(iso: string) {
  const [year, month, day] = iso.split("-").map(Number);
  return { year, month, day };
}

/** The standard periods spanning the (sorted) dates, from the first to the last. */
async function readPeriods(
  session: TrytonSession,
  company: CompanyInfo,
  dates: string[],
): Promise<PeriodRow[]> {
  if (!dates.length) return [];
  return session.rpc.searchRead<PeriodRow>(
    "account.period",
    [
      ["company", "=", company.id],
      ["type", "=", "standard"],
      ["start_date", "<=", dates[dates.length - 1]],
      ["end_date", ">=", dates[0]],
    ],
    ["name", "state", "start_date", "end_date"],
    session.ctx(company.id, { active_test: false }),
  );
}

/** Per date, the company currency and the foreign ones with Tryton's rate on that date. */
function readRates(
  session: TrytonSession,
  company: CompanyInfo,
  rates: Map<string, Set<string>>,
): Promise<(readonly [string, Map<string, CurrencyRow>])[]> {
  return Promise.all(
    [...rates].map(async ([date, codes]) => {
      const rows = await session.rpc.searchRead<CurrencyRow>(
        "currency.currency",
        [["code", "in", [company.currency, ...codes]]],
        ["code", "rate"],
        session.ctx(company.id, { date: { __class__: "date", ...ymd(date) } }),
      );
      return [date, new Map(rows.map((r) => [r.code, r]))] as const;
    }),
  );
}
