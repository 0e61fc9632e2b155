/** Helpers for the sandbox tests: start an in-process sandbox and talk to it over real HTTP. */
import { manualClock } from "../../local/ramp-sandbox/clock.js";
import { type RunningSandbox, type StartOptions, startSandbox } from "../../local/ramp-sandbox/server.js";

export const ALL = [
  "accounting:read",
  "accounting:write",
  "transactions:read",
  "reimbursements:read",
  "bills:read",
  "transfers:read",
  "cashbacks:read",
  "entities:read",
  "vendors:read",
  "vendors:write",
  "receipts:read",
].join(" ");

export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface Harness {
  sb: RunningSandbox;
  clock: ReturnType<typeof manualClock>;
  token(scope?: string, creds?: { clientId: string; clientSecret: string }): Promise<string>;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown },
  ): Promise<Res<T>>;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Res<T>>;
  close(): Promise<void>;
}

export async function harness(opts: StartOptions = {}): Promise<Harness> {
  const clock = manualClock(Date.UTC(2026, 5, 15, 12, 0, 0));
  const sb = await startSandbox({ port: 0, seed: 7, log: () => {}, clock, ...opts });
  let defaultToken: string | undefined;
  const call = async <T>(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<Res<T>> => {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // plain-text bodies (e.g. the framework 404) stay text
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  };
  const h: Harness = {
    sb,
    clock,
    async token(scope = ALL, creds = { clientId: sb.clientId, clientSecret: sb.clientSecret }) {
      const res = await fetch(`${sb.url}/developer/v1/token`, {
        method: "POST",
        headers: {
          Authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
      });
      const json = (await res.json()) as { access_token: string };
      return json.access_token;
    },
    async api(method, path, o = {}) {
      defaultToken ??= await h.token();
      const token = o.token ?? defaultToken;
      const url = path.startsWith("http") ? path : `${sb.url}/developer/v1${path}`;
      return call(method, url, { Authorization: `Bearer ${token}` }, o.body);
    },
    control: (method, path, body) => call(method, `${sb.url}/sandbox${path}`, {}, body),
    close: () => sb.close(),
  };
  return h;
}

/** Creates an active API connection and returns its id. */
export async function connect(h: Harness, settings: Record<string, boolean> = {}): Promise<string> {
  const r = await h.api("POST", "/accounting/connection", {
    body: { remote_provider_name: "Test ERP", settings },
  });
  if (r.status !== 201) throw new Error(`connect failed: ${r.status} ${r.text}`);
  return r.body.id as string;
}

/** Uploads a small chart (expense + liability GL accounts, a Department field, vendors, tax). */
export async function uploadChart(h: Harness, connectionId?: string, prefix = "") {
  const scope = connectionId ? { accounting_connection_id: connectionId } : {};
  const gl = await h.api<{ gl_accounts: { ramp_id: string; id: string }[] }>("POST", "/accounting/accounts", {
    body: {
      ...scope,
      gl_accounts: [
        { id: `${prefix}6100`, name: "Travel", classification: "EXPENSE", code: "6100" },
        { id: `${prefix}6200`, name: "Meals", classification: "EXPENSE", code: "6200" },
        { id: `${prefix}2000`, name: "Card liability", classification: "LIABILITY", code: "2000" },
      ],
    },
  });
  const field = await h.api("POST", "/accounting/fields", {
    body: { ...scope, id: `${prefix}dept`, name: "Department", input_type: "SINGLE_CHOICE" },
  });
  const options = await h.api<{ options: { ramp_id: string }[] }>("POST", "/accounting/field-options", {
    body: {
      ...scope,
      field_id: field.body.ramp_id,
      options: [
        { id: `${prefix}D10`, value: "Engineering", code: "10" },
        { id: `${prefix}D20`, value: "Sales", code: "20" },
      ],
    },
  });
  const vendors = await h.api<{ vendors: { ramp_id: string; id: string }[] }>("POST", "/accounting/vendors", {
    body: {
      ...scope,
      vendors: [
        { id: `${prefix}V1`, name: "Northwind Cloud" },
        { id: `${prefix}V2`, name: "Skyline Airways" },
      ],
    },
  });
  return {
    gl: gl.body.gl_accounts,
    field: field.body,
    options: options.body.options,
    vendors: vendors.body.vendors,
  };
}
