/** Types and helpers shared by the control API's modules. */
import type { Business } from "./model.js";
import type { SeedOptions } from "./seed.js";
import type { SandboxState } from "./state.js";

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

export interface ControlRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Body;
}

export interface ControlHooks {
  /** Moves the sandbox clock (the offset added to the base clock). */
  advanceClock(ms: number): void;
}

export interface ControlReply {
  status: number;
  body: unknown;
}

export function num(v: unknown, fallback?: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ControlError(400, `not a number: ${String(v)}`);
  return n;
}

/** Seed options from a control body (snake_case) or CLI flags. */
export function seedOptionsFrom(b: Body, fallbackSeed: number): SeedOptions {
  const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : undefined);
  const list = (k: string) =>
    Array.isArray(b[k])
      ? (b[k] as string[])
      : typeof b[k] === "string"
        ? (b[k] as string).split(",").filter(Boolean)
        : undefined;
  return {
    seed: num(b.seed, fallbackSeed) as number,
    name: s("name"),
    transactions: num(b.transactions),
    reimbursements: num(b.reimbursements),
    bills: num(b.bills),
    transfers: num(b.transfers),
    cashbacks: num(b.cashbacks),
    vendorCredits: num(b.vendor_credits),
    entities: Array.isArray(b.entities)
      ? (b.entities as { name: string; currency: string }[])
      : num(b.entities),
    currencies: list("currencies"),
    merchants: list("merchants"),
    departments: list("departments"),
    readyShare: num(b.ready_share),
    clientId: s("client_id"),
    clientSecret: s("client_secret"),
    scopes: list("scopes"),
  };
}

export function credentials(biz: Business): Record<string, unknown> {
  const app = biz.apps[0];
  return { business_id: biz.id, client_id: app?.clientId, client_secret: app?.clientSecret };
}

export function business(sb: SandboxState, req: ControlRequest): Business {
  const id =
    req.query.get("business_id") ??
    (typeof req.body.business_id === "string" ? req.body.business_id : null) ??
    sb.defaultBusinessId;
  const biz = sb.businesses.get(id);
  if (!biz) throw new ControlError(404, `unknown business ${id}`);
  return biz;
}
