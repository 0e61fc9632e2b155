/**
 * One login serving every configured company.
 *
 * Tryton's record rules follow the login's *stored* company and company filter,
 * not the call's context (README pitfall 17). So the adapter sets the login's
 * filter to "all" once, then names the company in the context of every call
 * (defaults, sequences, per-company configuration) and in every domain
 * (otherwise a search sees both companies). This is stateless per call, so one
 * login can post for several companies without switching back and forth.
 * Caveat (pitfall 18): the filter is a property of the login, so production
 * should use a dedicated integration user; if someone resets the filter we
 * notice the record-rule refusal and set it again once.
 */
import { type Context, type TrytonRpc, TrytonRpcError } from "./rpc.js";

export class TrytonSession {
  private ready: Promise<void> | null = null;

  constructor(readonly rpc: TrytonRpc) {}

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

  private async ensureAllCompanies(): Promise<void> {
    if (this.rpc.context.company_filter === "all") return;
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
