/**
 * Our own JSON-RPC client for Tryton 6.0, over global fetch.
 *
 * Wire facts (docs/tryton.md): POST `<url>/<db>/` with a body of
 * exactly {id, method, params}; answers are {id, result} or {id, error}; a user
 * error is ["UserError", [message, description, domain]]; anything else is
 * [exception text, traceback]. The session key goes in
 * `Authorization: Session base64(login:userId:key)`. Every model/wizard call
 * takes the context as its last parameter and the server adds none itself.
 *
 * The client logs in lazily, re-logs in once on HTTP 401 (expired session),
 * and never logs the password or the session key.
 */
import { createHash } from "node:crypto";
import { registerSecret } from "../../domain/redact.js";
import { ErpBaseError } from "../errors.js";
import { untag } from "./wire.js";

export type Context = Record<string, unknown>;

/**
 * Tryton answered, with an error (UserError, exception, or a bare HTTP status).
 *
 * What Tryton (or a proxy in front of it) says is free text and may echo our
 * request — the login's password, a memo with a card number. So the message,
 * which every caller logs, holds structured fields only: the method, the error
 * type (a code name such as `UserError`, `KeyError`, `HTTP 502`), the status, and
 * the length and a short hash of the text (enough to tell two failures apart and
 * to match one against the ERP's own log). The text itself stays on
 * non-enumerable fields (`kind`, `args`) so the classification in errors.ts can
 * still read it, while a logger serialising the error object does not.
 */
export class TrytonRpcError extends ErpBaseError {
  override name = "TrytonRpcError";
  /** 'UserError', 'UserWarning', 'ConcurrencyException', an exception text, or `HTTP <status>`. Free text: never log. */
  declare readonly kind: string;
  /** For UserError: [message, description, domain]; for exceptions: the traceback text. Free text: never log. */
  declare readonly args: unknown;
  /** A code name safe to log: `UserError`, `KeyError`, `HTTP 502`, `InvalidResponse`, … */
  readonly type: string;
  /** Characters of the error text Tryton sent (kind and args, or the HTTP body). */
  readonly textLength: number;
  /** First 12 hex digits of the SHA-256 of that text. */
  readonly textHash: string;
  constructor(
    readonly method: string,
    kind: string,
    args: unknown,
    readonly status: number,
    /** The raw body when there was no JSON-RPC error to read (HTTP errors, unparseable answers). */
    body?: string,
  ) {
    const type = typeOf(kind);
    const text = body ?? `${kind}${args === null || args === undefined ? "" : JSON.stringify(args)}`;
    const textHash = createHash("sha256").update(text).digest("hex").slice(0, 12);
    super(`${method}: ${type} (HTTP ${status}; ${text.length} chars, sha256 ${textHash})`);
    Object.defineProperty(this, "kind", { value: kind, enumerable: false });
    Object.defineProperty(this, "args", { value: args, enumerable: false });
    this.type = type;
    this.textLength = text.length;
    this.textHash = textHash;
  }

  /** The user-facing message of a UserError (first arg), else null. */
  get userMessage(): string | null {
    return this.kind === "UserError" && Array.isArray(this.args) && typeof this.args[0] === "string"
      ? this.args[0]
      : null;
  }
}

/** Tryton could not be reached or did not answer in time. */
export class TrytonTransportError extends ErpBaseError {
  override name = "TrytonTransportError";
  constructor(
    readonly method: string,
    readonly reason: "timeout" | "unreachable",
    cause: unknown,
  ) {
    super(`${method}: Tryton ${reason === "timeout" ? "did not answer in time" : "is unreachable"}`, {
      cause,
    });
  }
}

/**
 * The code name of an error kind: itself when it is one of ours or Tryton's names,
 * the exception class of an exception text (`KeyError: 'x'` → `KeyError`), else
 * `ServerError` — never the text after the class name, which may quote values.
 */
function typeOf(kind: string): string {
  if (/^HTTP \d{3}$/.test(kind)) return kind;
  const name = /^([A-Za-z_][\w.]{0,63})(?::|$)/.exec(kind);
  return name?.[1] ?? "ServerError";
}

export interface RpcOptions {
  url: string;
  database: string;
  username: string;
  password: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class TrytonRpc {
  private seq = 0;
  private auth: string | null = null;
  private loggingIn: Promise<void> | null = null;
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  /** The login's preferences as a context (get_preferences(true)); every call carries it. */
  context: Context = {};
  userId: number | null = null;
  /** Count of HTTP requests sent, for benchmarks and round-trip tests. */
  requests = 0;

  constructor(private readonly opts: RpcOptions) {
    this.base = opts.url.replace(/\/+$/, "");
    this.doFetch = opts.fetch ?? fetch;
    // However the password reached us, an ERP or proxy echoing the login request must not put it in a log.
    registerSecret(opts.password);
  }

  /** One raw JSON-RPC request; results are untagged (decimals → strings, dates → ISO). */
  async raw(method: string, params: unknown[], root = false): Promise<unknown> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.auth && !root) headers.Authorization = this.auth;
    const endpoint = root ? `${this.base}/` : `${this.base}/${encodeURIComponent(this.opts.database)}/`;
    let res: Response;
    this.requests++;
    try {
      res = await this.doFetch(endpoint, {
        method: "POST",
        headers,
        body: JSON.stringify({ id: ++this.seq, method, params }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: string }).name;
      throw new TrytonTransportError(
        method,
        name === "TimeoutError" || name === "AbortError" ? "timeout" : "unreachable",
        err,
      );
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new TrytonTransportError(method, "timeout", err);
    }
    // The body of a refusal is not kept: a proxy or a debug page may echo the request (password included).
    if (!res.ok) throw new TrytonRpcError(method, `HTTP ${res.status}`, null, res.status, text);
    let body: { result?: unknown; error?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new TrytonRpcError(method, "InvalidResponse", null, res.status, text);
    }
    if (body.error !== undefined && body.error !== null) {
      const [kind, args] = Array.isArray(body.error) ? body.error : [String(body.error), null];
      throw new TrytonRpcError(method, String(kind), args, res.status);
    }
    return untag(body.result);
  }

  /** Logs in (once, shared by concurrent callers) and loads the preferences context. */
  async login(): Promise<void> {
    if (this.loggingIn) return this.loggingIn;
    this.loggingIn = (async () => {
      this.auth = null;
      const result = await this.raw("common.db.login", [
        this.opts.username,
        { password: this.opts.password },
        "en",
      ]);
      if (!Array.isArray(result) || typeof result[0] !== "number" || typeof result[1] !== "string") {
        throw new TrytonRpcError(
          "common.db.login",
          "LoginRejected",
          [`login rejected for user "${this.opts.username}"`],
          200,
        );
      }
      this.userId = result[0];
      const session = Buffer.from(`${this.opts.username}:${result[0]}:${result[1]}`).toString("base64");
      registerSecret(result[1]);
      registerSecret(session);
      this.auth = `Session ${session}`;
      this.context = (await this.raw("model.res.user.get_preferences", [true, {}])) as Context;
    })();
    try {
      await this.loggingIn;
    } finally {
      this.loggingIn = null;
    }
  }

  /** An authenticated call; logs in first if needed and once more after a 401. */
  async call(method: string, params: unknown[]): Promise<unknown> {
    if (!this.auth) await this.login();
    try {
      return await this.raw(method, params);
    } catch (err) {
      if (err instanceof TrytonRpcError && err.status === 401) {
        await this.login();
        return this.raw(method, params);
      }
      throw err;
    }
  }

  /** model.<model>.<method>(...args, context) with the preferences merged under `extra`. */
  model(model: string, method: string, args: unknown[], extra?: Context): Promise<unknown> {
    return this.call(`model.${model}.${method}`, [...args, { ...this.context, ...extra }]);
  }

  async searchRead<T = Record<string, unknown>>(
    model: string,
    domain: unknown[],
    fields: string[],
    extra?: Context,
    opts: { order?: [string, "ASC" | "DESC"][]; limit?: number } = {},
  ): Promise<T[]> {
    return (await this.model(
      model,
      "search_read",
      [domain, 0, opts.limit ?? null, opts.order ?? null, fields],
      extra,
    )) as T[];
  }

  async search(
    model: string,
    domain: unknown[],
    extra?: Context,
    order?: [string, "ASC" | "DESC"][],
  ): Promise<number[]> {
    return (await this.model(model, "search", [domain, 0, null, order ?? null], extra)) as number[];
  }

  async read<T = Record<string, unknown>>(
    model: string,
    ids: number[],
    fields: string[],
    extra?: Context,
  ): Promise<T[]> {
    return (await this.model(model, "read", [ids, fields], extra)) as T[];
  }

  async create(model: string, values: Record<string, unknown>[], extra?: Context): Promise<number[]> {
    return (await this.model(model, "create", [values], extra)) as number[];
  }

  async write(model: string, ids: number[], values: Record<string, unknown>, extra?: Context): Promise<void> {
    await this.model(model, "write", [ids, values], extra);
  }

  async button(model: string, method: string, ids: number[], extra?: Context): Promise<void> {
    await this.model(model, method, [ids], extra);
  }

  /**
   * Runs a wizard non-interactively in one wizard session: each step executes
   * a state with the accumulated form data; the session is deleted afterwards.
   */
  async wizard(
    name: string,
    active: { model: string; ids: number[] },
    steps: [state: string, data: Record<string, unknown>][],
    extra?: Context,
  ): Promise<unknown[]> {
    const ctx = {
      ...this.context,
      ...extra,
      active_model: active.model,
      active_id: active.ids[0],
      active_ids: active.ids,
    };
    const created = (await this.call(`wizard.${name}.create`, [ctx])) as [number, string, string];
    const sid = created[0];
    const results: unknown[] = [];
    try {
      let data: Record<string, unknown> = {};
      for (const [state, values] of steps) {
        data = { ...data, ...values };
        results.push(await this.call(`wizard.${name}.execute`, [sid, data, state, ctx]));
      }
    } finally {
      await this.call(`wizard.${name}.delete`, [sid, ctx]).catch(() => undefined);
    }
    return results;
  }

  async logout(): Promise<void> {
    if (!this.auth) return;
    try {
      await this.raw("common.db.logout", []);
    } finally {
      this.auth = null;
    }
  }
}
