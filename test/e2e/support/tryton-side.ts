/**
 * The live Tryton for the drain scenario (persistent database: the scenario uses
 * fresh Ramp ids each run and reads back only this run's records). The adapter
 * logs in as the dedicated integration user; set-up changes (a closed period, the
 * retired account 6999 briefly active, exchange rates) go through admin and are
 * undone by `restore`, except the rates, which are pinned to the scenario's window
 * and put back to what they were the day after it.
 */

import { receiptIdOfAttachment } from "../../../lib/erp/tryton/attachments.js";
import { TrytonRpc } from "../../../lib/erp/tryton/rpc.js";
import {
  connectLive,
  EU,
  LIVE,
  type LiveCompany,
  liveDefaults,
  SYNC_LOGIN,
  US,
} from "../../erp/support/tryton-live.js";
import type { ErpSide } from "./erp-side.js";

/** A month no other suite closes (the ERP contract suite closes March of last year). */
const CLOSED_MONTH = `${new Date().getUTCFullYear() - 1}-04`;
// Derived from the tenant id (lib/config/tenant-secrets.ts): the drain scenario's tenant.
const PASSWORD_SECRET = "ramp-erp-sync/e2e-drain/erp";

const defaults = (c: LiveCompany) => ({
  ...liveDefaults(c),
  // Vendor credits carry no accounting vendor in the sandbox's coding: they post to the seed vendor.
  fallbackVendor: c.vendor,
});

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export async function trytonSide(): Promise<ErpSide> {
  const live = await connectLive();
  const admin = new TrytonRpc({ ...LIVE, timeoutMs: 30_000 });
  await admin.login();
  const ctx = (company: number) => ({ company, companies: [company], active_test: false });
  const us = live.us;
  const eu = live.eu;
  const retiredId = us.accountId("6999");
  const [retired] = await admin.read<{
    active: boolean;
    end_date: string | null;
    name: string;
    code: string;
  }>("account.account", [retiredId], ["active", "end_date", "name", "code"], ctx(us.id));
  if (!retired) throw new Error("account 6999 missing");
  const closedDate = `${CLOSED_MONTH}-15`;
  const [period] = await admin.searchRead<{ id: number; name: string; state: string }>(
    "account.period",
    [
      ["company", "=", us.id],
      ["type", "=", "standard"],
      ["start_date", "<=", closedDate],
      ["end_date", ">=", closedDate],
    ],
    ["name", "state"],
    ctx(us.id),
  );
  if (!period) throw new Error(`no period of Acme Corp covers ${closedDate}`);
  const port = live.adapter();

  async function setRate(currencyCode: string, date: string, rate: string) {
    const [cur] = await admin.search("currency.currency", [["code", "=", currencyCode]]);
    if (cur === undefined) throw new Error(`currency ${currencyCode} missing`);
    const existing = await admin.search("currency.currency.rate", [
      ["currency", "=", cur],
      ["date", "=", date],
    ]);
    if (existing.length) await admin.write("currency.currency.rate", existing, { rate });
    else await admin.create("currency.currency.rate", [{ currency: cur, date, rate }]);
  }
  async function rateOn(currencyCode: string, date: string): Promise<string> {
    const [row] = await admin.searchRead<{ rate: string }>(
      "currency.currency.rate",
      [
        ["currency.code", "=", currencyCode],
        ["date", "<=", date],
      ],
      ["rate"],
      undefined,
      { order: [["date", "DESC"]], limit: 1 },
    );
    if (!row) throw new Error(`no ${currencyCode} rate on ${date}`);
    return row.rate;
  }

  /** Ids of the moves holding these references: our own moves, and the moves of our invoices. */
  async function movesOf(refs: readonly string[], c: LiveCompany): Promise<number[]> {
    const withPayments = [...refs, ...refs.map((r) => `${r}#payment`)];
    const [moves, invoices] = await Promise.all([
      live.session.rpc.search(
        "account.move",
        [
          ["company", "=", c.id],
          ["description", "in", withPayments],
        ],
        live.session.ctx(c.id),
      ),
      live.session.rpc.searchRead<{ move: number | null }>(
        "account.invoice",
        [
          ["company", "=", c.id],
          ["reference", "in", [...refs]],
        ],
        ["move"],
        live.session.ctx(c.id),
      ),
    ]);
    return [...moves, ...invoices.map((i) => i.move).filter((m): m is number => m !== null)];
  }

  const company = (key: string) => {
    const c = [us, eu].find((x) => x.key === key);
    if (!c) throw new Error(`unknown company ${key}`);
    return c;
  };

  return {
    name: "tryton",
    erp: {
      kind: "tryton",
      url: LIVE.url,
      database: LIVE.database,
      username: SYNC_LOGIN.username,
      passwordSecretId: PASSWORD_SECRET,
      timeoutMs: 30_000,
    },
    companies: [
      { key: US, erpCompanyId: String(us.id), currency: us.currency, defaults: defaults(us) },
      { key: EU, erpCompanyId: String(eu.id), currency: eu.currency, defaults: defaults(eu) },
    ],
    secrets: { [PASSWORD_SECRET]: { password: SYNC_LOGIN.password } },
    port,
    closedDate,
    async closePeriod() {
      const [p] = await admin.read<{ state: string }>("account.period", [period.id], ["state"], ctx(us.id));
      if (p?.state === "open") await admin.button("account.period", "close", [period.id], ctx(us.id));
    },
    closedPeriodMessage:
      `The accounting period "${period.name}" of Acme Corp is closed in Tryton. ` +
      `Reopen period "${period.name}" in Tryton (and its journal-periods), or change the date in Ramp to an open period, then retry the sync.`,
    retiredAccount: us.account("6999"),
    // Tryton 6.0 derives an account's `active` from its start/end dates.
    activateRetired: () => admin.write("account.account", [retiredId], { end_date: null }, ctx(us.id)),
    deactivateRetired: () =>
      admin.write("account.account", [retiredId], { end_date: retired.end_date }, ctx(us.id)),
    retiredAccountMessage: (date) => {
      const label = `${retired.code} "${retired.name}"`;
      return (
        `GL account ${label} is inactive or closed in Tryton for ${date}. Reactivate account ${label} in Tryton ` +
        `(clear its end date or "closed" flag) or recode the expense to an active account in Ramp, then retry the sync.`
      );
    },
    async setRates(window) {
      // What was in force the day after the window, put back there so later dates keep their rates.
      const after = addDays(window.to, 1);
      const [usdAfter, eurAfter] = [await rateOn("USD", after), await rateOn("EUR", after)];
      await setRate("USD", window.from, "1");
      await setRate("EUR", window.from, "2");
      await setRate("USD", after, usdAfter);
      await setRate("EUR", after, eurAfter);
    },
    // Tryton parties are shared by every company already.
    shareVendors: async () => {},
    async attachedBytes(target, receiptId) {
      const rows = await live.session.rpc.searchRead<{ name: string; data: string }>(
        "ir.attachment",
        [["resource", "=", target.erpId]],
        ["name", "data"],
      );
      const row = rows.find((r) => receiptIdOfAttachment(r.name) === receiptId);
      return row ? Buffer.from(row.data, "base64") : null;
    },
    async recordsUnder(refs, companyKey) {
      const c = company(companyKey);
      const [moves, invoices] = await Promise.all([
        live.session.rpc.searchRead<{ description: string }>(
          "account.move",
          [
            ["company", "=", c.id],
            ["description", "in", [...refs]],
          ],
          ["description"],
          live.session.ctx(c.id),
        ),
        live.session.rpc.searchRead<{ reference: string }>(
          "account.invoice",
          [
            ["company", "=", c.id],
            ["reference", "in", [...refs]],
          ],
          ["reference"],
          live.session.ctx(c.id),
        ),
      ]);
      const counts = new Map<string, number>();
      for (const ref of [...moves.map((m) => m.description), ...invoices.map((i) => i.reference)])
        counts.set(ref, (counts.get(ref) ?? 0) + 1);
      return counts;
    },
    async accountTotals(refs, companyKey) {
      const c = company(companyKey);
      const moves = await movesOf(refs, c);
      const out = new Map<string, number>();
      const chunk = 200;
      for (let i = 0; i < moves.length; i += chunk) {
        const lines = await live.session.rpc.searchRead<{ debit: string; credit: string; account: number }>(
          "account.move.line",
          [["move", "in", moves.slice(i, i + chunk)]],
          ["debit", "credit", "account"],
          live.session.ctx(c.id),
        );
        for (const l of lines) {
          const key = `${c.key}:${l.account}`;
          const minor = toMinor(l.debit) - toMinor(l.credit);
          out.set(key, (out.get(key) ?? 0) + minor);
        }
      }
      for (const [k, v] of out) if (v === 0) out.delete(k);
      return out;
    },
    async restore() {
      await admin.write("account.account", [retiredId], { end_date: retired.end_date }, ctx(us.id));
      await admin.button("account.period", "reopen", [period.id], ctx(us.id));
      const jps = await admin.search(
        "account.journal.period",
        [
          ["period", "=", period.id],
          ["state", "=", "close"],
        ],
        ctx(us.id),
      );
      if (jps.length) await admin.button("account.journal.period", "reopen", jps, ctx(us.id));
      await port.close();
      await admin.logout();
      await live.session.rpc.logout();
    },
  };
}

/** Tryton decimals ("12.34", "-0.5") → minor units of a 2-digit currency, exactly. */
function toMinor(value: string | number): number {
  const s = String(value);
  const m = /^(-?)(\d+)(?:\.(\d{1,2})0*)?$/.exec(s);
  if (!m) throw new Error(`not a 2-digit decimal: ${s}`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] === "-" ? -minor : minor;
}
