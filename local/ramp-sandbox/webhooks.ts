/**
 * Webhook subscriptions and deliveries. Every delivery is signed: HMAC-SHA256 of the exact raw
 * body with the subscription's secret, in a configurable header (default `X-Ramp-Signature`)
 * and encoding (default hex). 2xx = delivered; 429, 5xx, timeouts and network errors are
 * retried with exponential backoff and full jitter; other statuses are permanent failures.
 * Optional modes deliver each event twice or the events of one action in reverse order.
 */
import { createHmac } from "node:crypto";
import { sleep } from "../../lib/domain/time.js";
import { isoTime } from "./clock.js";
import type { WebhookConfig } from "./config.js";
import type { Rng } from "./prng.js";

export interface Subscription {
  id: string;
  businessId: string;
  endpointUrl: string;
  eventTypes: string[];
  additionalHeaders: Record<string, string>;
  status: "pending_verification" | "active" | "inactive";
  secret: string;
  challenge: string;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  event_id: string;
  event_type: string;
  subscription_id: string;
  attempt: number;
  status: number | null;
  outcome: "delivered" | "retrying" | "failed";
  error?: string;
  at: string;
}

export interface EventInput {
  type: string;
  object: Record<string, unknown>;
}

export function sign(secret: string, rawBody: string, encoding: "hex" | "base64"): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest(encoding);
}

export class WebhookDispatcher {
  readonly attempts: DeliveryAttempt[] = [];
  private inflight = new Set<Promise<void>>();
  private chains = new Map<string, Promise<void>>();
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly cfg: () => WebhookConfig,
    private readonly rng: Rng,
    private readonly now: () => number,
    private readonly log: (msg: string, extra?: Record<string, unknown>) => void,
  ) {}

  /** Sends the `webhooks.verification` event carrying the subscription's challenge. */
  sendVerification(sub: Subscription): void {
    const body = {
      id: this.rng.uuid(),
      type: "webhooks.verification",
      created_at: isoTime(this.now()),
      business_id: sub.businessId,
      challenge: sub.challenge,
    };
    this.schedule(sub, body.id, body.type, JSON.stringify(body), false, 1, 0);
  }

  /** Fans business events out to the business's active subscriptions for each event type. */
  emit(businessId: string, subs: readonly Subscription[], events: EventInput[]): string[] {
    const cfg = this.cfg();
    const ordered = cfg.outOfOrder ? [...events].reverse() : events;
    const ids: string[] = [];
    for (const ev of ordered) {
      const body = {
        id: this.rng.uuid(),
        type: ev.type,
        created_at: isoTime(this.now()),
        business_id: businessId,
        object: ev.object,
      };
      ids.push(body.id);
      const raw = JSON.stringify(body);
      for (const sub of subs) {
        if (sub.status !== "active" || !sub.eventTypes.includes(ev.type)) continue;
        this.schedule(sub, body.id, body.type, raw, true, 1, 0);
        if (cfg.duplicate) this.schedule(sub, body.id, body.type, raw, true, 1, 0);
      }
    }
    return ids;
  }

  /** Resolves once no delivery is in flight or waiting for a retry (tests await this). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || this.timers.size > 0) {
      await Promise.race([...this.inflight, sleep(5)]);
    }
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(
    sub: Subscription,
    eventId: string,
    type: string,
    raw: string,
    business: boolean,
    attempt: number,
    delayMs: number,
  ): void {
    if (this.closed) return;
    // Attempts to one subscription go one after another, so events arrive in the order they
    // happened unless a retry or the out-of-order mode reorders them (as Ramp's may).
    const run = () => {
      const prev = this.chains.get(sub.id) ?? Promise.resolve();
      const p: Promise<void> = prev
        .then(() => this.attempt(sub, eventId, type, raw, business, attempt))
        .finally(() => this.inflight.delete(p));
      this.chains.set(sub.id, p);
      this.inflight.add(p);
    };
    if (delayMs <= 0) {
      run();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      run();
    }, delayMs);
    this.timers.add(t);
  }

  private async attempt(
    sub: Subscription,
    eventId: string,
    type: string,
    raw: string,
    business: boolean,
    attempt: number,
  ): Promise<void> {
    const cfg = this.cfg();
    const headers: Record<string, string> = {
      ...sub.additionalHeaders,
      "Content-Type": "application/json",
      [cfg.signatureHeader]: sign(sub.secret, raw, cfg.encoding),
    };
    // The verification delivery carries no event-id header (docs/ramp-api.md §12.2).
    if (business) headers["X-Ramp-Webhook-ID"] = eventId;
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await fetch(sub.endpointUrl, {
        method: "POST",
        headers,
        body: raw,
        signal: AbortSignal.timeout(cfg.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.name : "error";
    }
    const retryable = status === null || status === 429 || status >= 500;
    const delivered = status !== null && status >= 200 && status < 300;
    const willRetry = !delivered && retryable && attempt < cfg.maxAttempts && !this.closed;
    this.attempts.push({
      event_id: eventId,
      event_type: type,
      subscription_id: sub.id,
      attempt,
      status,
      outcome: delivered ? "delivered" : willRetry ? "retrying" : "failed",
      ...(error ? { error } : {}),
      at: isoTime(this.now()),
    });
    if (!delivered) this.log("webhook delivery failed", { event_id: eventId, type, status, attempt, error });
    if (willRetry) {
      const ceiling = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** (attempt - 1));
      this.schedule(
        sub,
        eventId,
        type,
        raw,
        business,
        attempt + 1,
        Math.floor(this.rng.next() * ceiling) + 1,
      );
    }
  }
}
