/**
 * Facts about the live test trytond (../shared/erp/tryton), read over JSON-RPC by
 * code and name rather than hard-coded ids, so the tests survive a `--reset`.
 * The database is persistent: every test uses fresh Ramp ids.
 */
import { randomUUID } from "node:crypto";
import { ensureIntegrationUser, TrytonErp } from "../../../lib/erp/tryton/index.js";
import { TrytonRpc } from "../../../lib/erp/tryton/rpc.js";
import { TrytonSession } from "../../../lib/erp/tryton/session.js";
import { fromMajor } from "../../../lib/money/index.js";

export const LIVE = {
  url: process.env.TRYTON_URL ?? `http://127.0.0.1:${process.env.TRYTON_PORT ?? "8000"}`,
  database: process.env.TRYTON_DB ?? "tryton",
  username: process.env.TRYTON_USER ?? "admin",
  password: process.env.TRYTON_PASSWORD ?? "admin",
};

/**
 * The adapter logs in as its own integration user, never as admin: the company
 * filter it needs belongs to the login (docs/tryton.md pitfall 18), and admin is shared
 * with the smoke test and people. Admin only provisions that user.
 */
export const SYNC_LOGIN = {
  username: process.env.TRYTON_SYNC_USER ?? "ramp-sync-test",
  password: process.env.TRYTON_SYNC_PASSWORD ?? "Rs7!kQ2@pL9#xW4$",
};

export const US = "acme-us";
export const EU = "acme-eu";

export interface LiveCompany {
  key: string;
  id: number;
  currency: string;
  /** `<key>:<id>` by account code. */
  account: (code: string) => string;
  accountId: (code: string) => number;
  dept: (code: string) => string;
  tax: (name: string) => string;
  vendor: string;
  employee: { remoteId: string; name: string };
}

export interface Live {
  session: TrytonSession;
  us: LiveCompany;
  eu: LiveCompany;
  companies: { key: string; erpCompanyId: string }[];
  adapter(
    extra?: Partial<ConstructorParameters<typeof TrytonErp>[0]>,
    deps?: ConstructorParameters<typeof TrytonErp>[1],
  ): TrytonErp;
  /** Posted balance (debit − credit) of an account in company minor units, over open fiscal years. */
  balance(company: LiveCompany, accountId: number): Promise<number>;
}

export const newRampId = () => randomUUID();
export const today = () => new Date().toISOString().slice(0, 10);

async function companyFacts(session: TrytonSession, key: string, name: string): Promise<LiveCompany> {
  const rpc = session.rpc;
  const [company] = await rpc.searchRead<{ id: number; "currency.": { code: string } }>(
    "company.company",
    [["rec_name", "=", name]],
    ["currency.code"],
  );
  if (!company) throw new Error(`company ${name} missing: run ../shared/erp/tryton/setup.sh`);
  const ctx = session.ctx(company.id, { active_test: false });
  const c = ["company", "=", company.id];
  const [accounts, depts, taxes, employees] = await Promise.all([
    rpc.searchRead<{ id: number; code: string }>("account.account", [c, ["code", "!=", null]], ["code"], ctx),
    rpc.searchRead<{ id: number; code: string }>("analytic_account.account", [c], ["code"], ctx),
    rpc.searchRead<{ id: number; name: string }>("account.tax", [c], ["name"], ctx),
    rpc.searchRead<{ id: number; "party.": { name: string } }>("company.employee", [c], ["party.name"], ctx),
  ]);
  const seed = name === "Acme Corp" ? "RAMP-VENDOR-SEED-1" : "RAMP-VENDOR-SEED-EU-1";
  const [vendor] = await rpc.search("party.party", [["identifiers.code", "=", seed]], ctx);
  const employee = employees[0];
  if (vendor === undefined || !employee) throw new Error(`seed vendor/employee of ${name} missing`);
  const pick = (rows: { id: number }[], what: string, f: (r: never) => boolean) => {
    const r = rows.find(f as (r: { id: number }) => boolean);
    if (!r) throw new Error(`${what} missing in ${name}`);
    return r.id;
  };
  const accountId = (code: string) =>
    pick(accounts, `account ${code}`, (r: { code: string }) => r.code === code);
  return {
    key,
    id: company.id,
    currency: company["currency."].code,
    accountId,
    account: (code) => `${key}:${accountId(code)}`,
    dept: (code) => `${key}:${pick(depts, `dept ${code}`, (r: { code: string }) => r.code === code)}`,
    tax: (taxName) => `${key}:${pick(taxes, `tax ${taxName}`, (r: { name: string }) => r.name === taxName)}`,
    vendor: `${key}:${vendor}`,
    employee: { remoteId: `${key}:${employee.id}`, name: employee["party."].name },
  };
}

export async function connectLive(): Promise<Live> {
  const admin = new TrytonRpc({ ...LIVE, timeoutMs: 30_000 });
  await admin.login();
  const companyIds = await admin.search("company.company", [], undefined, [["id", "ASC"]]);
  await ensureIntegrationUser(admin, {
    login: SYNC_LOGIN.username,
    password: SYNC_LOGIN.password,
    companyIds,
  });
  await admin.logout();
  const session = new TrytonSession(new TrytonRpc({ ...LIVE, ...SYNC_LOGIN, timeoutMs: 30_000 }), companyIds);
  await session.connect();
  const us = await companyFacts(session, US, "Acme Corp");
  const eu = await companyFacts(session, EU, "Acme Europe");
  const companies = [
    { key: US, erpCompanyId: String(us.id) },
    { key: EU, erpCompanyId: String(eu.id) },
  ];
  return {
    session,
    us,
    eu,
    companies,
    adapter: (extra, deps) =>
      new TrytonErp({ ...LIVE, ...SYNC_LOGIN, companies, timeoutMs: 30_000, ...extra }, deps),
    async balance(company, accountId) {
      const [row] = await session.rpc.read<{ balance: string }>(
        "account.account",
        [accountId],
        ["balance"],
        session.ctx(company.id, { posted: true }),
      );
      return fromMajor(row?.balance ?? "0", company.currency).minor;
    },
  };
}

/**
 * Closes March of the previous fiscal year of a company (a month no other test
 * posts to) and returns a date inside it plus a function that reopens the period
 * and its journal-periods (docs/tryton.md pitfall 22: `reopen` leaves journal-periods closed).
 */
export async function closePastPeriod(live: Live, company: LiveCompany) {
  const rpc = live.session.rpc;
  const ctx = live.session.ctx(company.id);
  const year = new Date().getUTCFullYear() - 1;
  const date = `${year}-03-15`;
  const [period] = await rpc.searchRead<{ id: number; state: string; name: string }>(
    "account.period",
    [
      ["company", "=", company.id],
      ["type", "=", "standard"],
      ["start_date", "<=", date],
      ["end_date", ">=", date],
    ],
    ["state", "name"],
    ctx,
  );
  if (!period) throw new Error(`no period for ${date}`);
  if (period.state === "open") await rpc.button("account.period", "close", [period.id], ctx);
  return {
    date,
    name: period.name,
    async reopen() {
      await rpc.button("account.period", "reopen", [period.id], ctx);
      const jps = await rpc.search(
        "account.journal.period",
        [
          ["period", "=", period.id],
          ["state", "=", "close"],
        ],
        ctx,
      );
      if (jps.length) await rpc.button("account.journal.period", "reopen", jps, ctx);
    },
  };
}

/** The posting defaults of a live company (accounts by code; no fallback vendor). */
export const liveDefaults = (c: LiveCompany) => ({
  cardLiability: c.account("2100"),
  accountsPayable: c.account("2000"),
  bank: c.account("1000"),
  reimbursementsPayable: c.account("2300"),
  cashbackIncome: c.account("4900"),
  defaultExpense: c.account("6000"),
  fallbackVendor: null,
});

/**
 * A tenant's ERP side on the live Tryton, for syncerHarness({ erp }): the adapter, the config
 * (logging in as the integration user, the password under the tenant's own secret id) and the
 * two companies — the USD entity links to Acme Corp, the EUR entity to its EU sibling.
 */
export function liveTenantErp(live: Live, tenantId = "acme", extra?: Parameters<Live["adapter"]>[0]) {
  const company = (c: LiveCompany) => ({
    key: c.key,
    erpCompanyId: String(c.id),
    currency: c.currency,
    defaults: liveDefaults(c),
  });
  return {
    port: live.adapter(extra),
    config: {
      kind: "tryton" as const,
      url: LIVE.url,
      database: LIVE.database,
      username: SYNC_LOGIN.username,
      passwordSecretId: `ramp-erp-sync/${tenantId}/erp`,
      timeoutMs: 30_000,
    },
    companies: [company(live.us), company(live.eu)] as [
      ReturnType<typeof company>,
      ReturnType<typeof company>,
    ],
  };
}
