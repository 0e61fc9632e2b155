/**
 * Fleet scheduling of chart-of-accounts pushes: one coa-request message per
 * tenant, each due at a random moment of a window, so bulk uploads across
 * customers are staggered (the guide: "Stagger chart-of-accounts uploads across
 * customers if you onboard in bulk"; docs/ramp-api.md, Guide "Chart of accounts").
 * The daily schedule, an on-demand request and `ops coa-push --all` all plan
 * their messages here and send them through one port; the coa-request queue's
 * consumer (bounded by its event source's maximum concurrency) does the pushing.
 *
 * SQS delays a message by at most 900 s, so a message carries its own due time
 * (`notBefore`): one received earlier goes back with the time still to wait
 * (`dueIn`), and no tenant is ever pushed before its turn, whatever the window.
 */
import type { RampLogger } from "../domain/logger.js";
import type { Clock } from "../domain/time.js";
import { enabledTenantPages } from "../poll/enabled-pages.js";
import type { Tenants } from "../store/tenants.js";

/** SQS's largest per-message DelaySeconds. */
export const SQS_MAX_DELAY_S = 900;

export type CoaPushReason = "schedule" | "on_demand" | "bulk";

/** One coa-request message's body (parsed by functions/coa-push/events.ts). */
export interface CoaPushRequest {
  tenantId: string;
  optionRemoval?: "hide" | "delete";
  /** ISO time before which the push must not start; absent = at once. */
  notBefore?: string;
  reason?: CoaPushReason;
  /** How many times in a row this push was cut off by the deadline and sent on. */
  continuation?: number;
}

export interface CoaPushMessage {
  request: CoaPushRequest;
  /** 0–900: what SQS can hold the message back by. */
  delaySeconds: number;
}

/** Where coa-request messages go (lib/aws/coa-requests.ts); throws unless every message was sent. */
export interface CoaRequestQueue {
  send(messages: readonly CoaPushMessage[]): Promise<void>;
}

/**
 * Seconds SQS should still hold a message due at `notBefore`: rounded up, so the
 * message is never visible before it is due; capped at SQS's 900. 0 = due now.
 */
export function delayUntil(notBefore: string | number | undefined, now: number): number {
  if (notBefore === undefined) return 0;
  const due = typeof notBefore === "number" ? notBefore : Date.parse(notBefore);
  const left = due - now;
  return left > 0 ? Math.min(SQS_MAX_DELAY_S, Math.ceil(left / 1000)) : 0;
}

/** A received request: push it now, or send it back to wait out the rest of its delay. */
export function dueIn(
  request: CoaPushRequest,
  now: number,
): { due: true } | { due: false; delaySeconds: number } {
  const delaySeconds = delayUntil(request.notBefore, now);
  return delaySeconds === 0 ? { due: true } : { due: false, delaySeconds };
}

export interface StaggerOptions {
  /** Spread the tenants' start times over [now, now + windowMs). 0 = all at once. */
  windowMs: number;
  now: number;
  random?: () => number;
  reason: CoaPushReason;
  optionRemoval?: "hide" | "delete";
}

/** One message per tenant, each due at a random offset of the window. Pure. */
export function staggeredRequests(tenantIds: readonly string[], opts: StaggerOptions): CoaPushMessage[] {
  const random = opts.random ?? Math.random;
  const window = Math.max(0, opts.windowMs);
  return tenantIds.map((tenantId) => {
    const due = opts.now + Math.floor(random() * window);
    const request: CoaPushRequest = {
      tenantId,
      reason: opts.reason,
      ...(opts.optionRemoval ? { optionRemoval: opts.optionRemoval } : {}),
      ...(due > opts.now ? { notBefore: new Date(due).toISOString() } : {}),
    };
    return { request, delaySeconds: delayUntil(due, opts.now) };
  });
}

export interface FanOutDeps {
  tenants: Pick<Tenants, "listEnabled">;
  queue: CoaRequestQueue;
  clock: Clock;
  random?: () => number;
  /** Tenants read per page of the enabled-tenants index (default 100). */
  pageLimit?: number;
  log?: RampLogger;
}

export interface FanOutResult {
  enqueued: number;
  /** Tenants whose stored config does not parse: not pushed, counted as failures. */
  invalid: Array<{ tenantId: string; error: string }>;
}

/**
 * The schedule tick: every enabled tenant, page by page, gets one staggered
 * message. Sending page by page keeps memory flat at any fleet size and returns
 * in seconds; the pushes themselves run in the queue's consumers.
 */
export async function fanOutCoaPushes(
  deps: FanOutDeps,
  opts: { windowMs: number; reason: CoaPushReason },
): Promise<FanOutResult> {
  const out: FanOutResult = { enqueued: 0, invalid: [] };
  const now = deps.clock();
  for await (const page of enabledTenantPages(deps.tenants, deps.pageLimit)) {
    out.invalid.push(...page.invalid);
    for (const bad of page.invalid) deps.log?.error("tenant config does not parse; no coa push", bad);
    if (!page.tenants.length) continue;
    const messages = staggeredRequests(
      page.tenants.map((t) => t.tenantId),
      { windowMs: opts.windowMs, now, reason: opts.reason, random: deps.random },
    );
    await deps.queue.send(messages);
    out.enqueued += messages.length;
  }
  return out;
}
