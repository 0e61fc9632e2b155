/**
 * What every part of the Tryton adapter shares: the one session, the company and
 * journal look-ups it caches, and the kill-test hook. The façade (adapter.ts) owns
 * one of these and hands it to the lookup, batch, document and party modules, so
 * they all see the same caches and the same login.
 */
import type { ErpCrashHook } from "../crash-points.js";
import { integratorError } from "../port.js";
import { type TrytonConfig, TrytonConfigSchema, type TrytonSettings } from "./config.js";
import { toErpError } from "./errors.js";
import type { CompanyInfo } from "./refs.js";
import { TrytonRpc } from "./rpc.js";
import { TrytonSession } from "./session.js";
import type { WriteHooks } from "./write-hooks.js";

export interface Journals {
  card: number;
  cash: number;
  expense: number;
}

export class TrytonCore {
  readonly settings: TrytonSettings;
  readonly session: TrytonSession;
  /** Kill-test hook inside multi-step writes (lib/erp/crash-points.ts); none in production. */
  readonly crash: ErpCrashHook | undefined;
  private readonly companies = new Map<string, Promise<CompanyInfo>>();
  private journalIds: Promise<Journals> | null = null;

  constructor(config: TrytonConfig, deps: { fetch?: typeof fetch; crash?: ErpCrashHook } = {}) {
    this.settings = TrytonConfigSchema.parse(config);
    this.crash = deps.crash;
    const { url, database, username, password, timeoutMs } = this.settings;
    this.session = new TrytonSession(
      new TrytonRpc({
        url,
        database,
        username,
        password,
        timeoutMs,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    );
  }

  /** Runs one port call on the session; whatever fails leaves as an ErpError naming `what`. */
  async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.session.run(fn);
    } catch (err) {
      throw toErpError(err, what);
    }
  }

  /** The configured company for a key, with its name and currency (cached; a failure is not). */
  company(key: string): Promise<CompanyInfo> {
    let info = this.companies.get(key);
    if (!info) {
      info = this.loadCompany(key);
      info.catch(() => this.companies.delete(key));
      this.companies.set(key, info);
    }
    return info;
  }

  private async loadCompany(key: string): Promise<CompanyInfo> {
    const conf = this.settings.companies.find((c) => c.key === key);
    if (!conf) throw integratorError(`No Tryton company is configured for company key "${key}"`);
    const id = Number(conf.erpCompanyId);
    await this.session.connect();
    const rows = await this.session.rpc.searchRead<{
      id: number;
      rec_name: string;
      "currency.": { code: string; id: number };
    }>("company.company", [["id", "=", id]], ["rec_name", "currency.code"], this.session.ctx(id));
    const row = rows[0];
    if (!row)
      throw integratorError(`Tryton company ${id} (key "${key}") does not exist or the login cannot see it`);
    return { key, id, name: row.rec_name, currency: row["currency."].code, currencyId: row["currency."].id };
  }

  /** The configured journals' ids (journals are shared by all companies in Tryton 6.0; cached). */
  journals(): Promise<Journals> {
    this.journalIds ??= (async () => {
      const codes = this.settings.journals;
      const rows = await this.session.rpc.searchRead<{ id: number; code: string }>(
        "account.journal",
        [["code", "in", [codes.card, codes.cash, codes.expense]]],
        ["code"],
      );
      const id = (code: string) => {
        const r = rows.find((x) => x.code === code);
        if (!r)
          throw integratorError(
            `Tryton journal "${code}" is missing`,
            "create it or set journals in the config",
          );
        return r.id;
      };
      return { card: id(codes.card), cash: id(codes.cash), expense: id(codes.expense) };
    })();
    this.journalIds.catch(() => {
      this.journalIds = null;
    });
    return this.journalIds;
  }

  /** The kill-test hook bound to one posting's ref, for the write helpers (invoices, payments). */
  hooks(ref: string): WriteHooks {
    const crash = this.crash;
    return crash ? { at: (point) => crash(point, { refs: [ref] }) } : {};
  }
}
