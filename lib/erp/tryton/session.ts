/**
 * One login serving every configured company.
 *
 * Tryton's record rules follow the login's *stored* company and company filter,
 * not the call's context (docs/tryton.md pitfall 17). So the adapter sets the login's
 * filter to "all" once, then names the company in the context of every call
 * (defaults, sequences, per-company configuration) and in every domain
 * (otherwise a search sees both companies). This is stateless per call, so one
 * login can post for several companies without switching back and forth.
 * Caveat (docs/tryton.md pitfall 18): the filter is a property of the login, so use a
 * dedicated integration user (provision.ts), never a person's login. If someone
 * resets the filter we notice the record-rule refusal and set it again once.
 */
import { type Context, type TrytonRpc, TrytonRpcError } from "./rpc.js";

export class TrytonSession {
  private ready: Promise<void> | null = null;

  /** `companyIds`: the Tryton companies this session posts for. */
  constructor(
    readonly rpc: TrytonRpc,
    private readonly companyIds: number[] = [],
  ) {}

  /** Logs in and makes the login see all its companies. */
  connect(): Promise<void> {
    this.ready ??= (async () => {
      await this.rpc.login();
      await this.ensureAllCompanies();
    })().catch((err) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  /**
   * Leaves the login alone when it already sees what we need: filter "all", or
   * filter "one" on the only company we serve. Otherwise sets the filter "all".
   */
  private async ensureAllCompanies(): Promise<void> {
    const ctx = this.rpc.context;
    if (ctx.company_filter === "all") return;
    if (this.companyIds.length === 1 && ctx.company === this.companyIds[0]) return;
    await this.rpc.call("model.res.user.set_preferences", [{ company_filter: "all" }, this.rpc.context]);
    this.rpc.context = (await this.rpc.call("model.res.user.get_preferences", [true, {}])) as Context;
  }

  /** Context extras for one company: defaults, sequences and configuration follow it. */
  ctx(companyId: number, extra?: Context): Context {
    return { company: companyId, ...extra };
  }

  /**
   * Runs `fn` after connecting; retries once when the record rules refused the
   * company (someone switched the login back to one company).
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.connect();
    try {
      return await fn();
    } catch (err) {
      if (err instanceof TrytonRpcError && /User in companies/.test(err.userMessage ?? "")) {
        await this.rpc.login();
        await this.ensureAllCompanies();
        return fn();
      }
      throw err;
    }
  }
}
