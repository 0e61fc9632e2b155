/**
 * One webhook delivery, start to finish, as the API Gateway handler hands it
 * over: which tenant (path `/webhooks/{tenantId}`, or on the single endpoint
 * `POST /webhooks` the tenant header its subscription set: tenant-header.ts),
 * the raw body bytes and the headers. Decides the HTTP status Ramp sees:
 *
 * - 413 a body over MAX_BODY_BYTES, refused before it is verified or read;
 * - 404 no such tenant in the path (nobody to authenticate against);
 * - 401 on the single endpoint, a missing tenant header or one naming no tenant:
 *   a subscription we made always carries a known one, so this is a forgery or a
 *   deleted tenant, counted with the other refusals (UnauthorizedWebhooks);
 * - 401 unsigned, or signed with no live secret of the tenant (forged);
 * - 503 a delivery whose signature matches no stored secret while a set-up is
 *   in progress (it may be the verification racing the set-up storing its
 *   secret: a 401 would end Ramp's handshake for good), or the hand-off failed
 *   (Ramp retries 5xx; the event id is forgotten so the retry is accepted);
 * - 200 otherwise — including signed events we cannot act on, which are
 *   parked for inspection (a 4xx would make Ramp drop them).
 *
 * Nothing slow happens inline (Ramp allows 10 s): `*.ready_to_sync` becomes a
 * coalesced poll job on the poll-jobs queue and `*.sync_requested` a Sync Button
 * job on its own button-jobs queue, carrying Ramp's deadline (lib/domain/button-window.ts);
 * `transactions.receipt_added` a late-receipt message on the receipts queue (lib/receipts);
 * the job functions do the listing and the work (see functions/webhook/README.md
 * for why a poll job rather than work messages). Duplicates are dropped by
 * event id, marked seen only once the job is on the queue.
 *
 * Nothing in the body is parsed before its HMAC has matched a secret: the bytes
 * of an unauthenticated sender only ever reach the length check and the HMAC.
 */
import type { TenantConfig } from "../config/tenant.js";
import { buttonTimes } from "../domain/button-window.js";
import { type RampLogger, silentLogger } from "../domain/logger.js";
import { type ButtonJob, buttonJob, type PollJob, pollJob } from "../poll/job.js";
import type { ReceiptsMessage } from "../receipts/message.js";
import type { ChallengeStore } from "../store/challenges.js";
import type { WebhookEvents } from "../store/webhook-events.js";
import { coalescePlan } from "./coalesce.js";
import { type Classified, classifyDelivery } from "./event.js";
import { settingUp, type WebhookSecretDoc } from "./secret-doc.js";
import type { WebhookSecretSource } from "./secret-source.js";
import { verifySignature } from "./signature.js";

export interface Delivery {
  /** The `{tenantId}` path parameter, or the tenant header's value on the single endpoint. */
  tenantId: string | undefined;
  /** Where `tenantId` came from: the per-tenant route's path (default) or the single endpoint's header. */
  via?: "path" | "header";
  rawBody: Buffer;
  /** Header names lower-cased (API Gateway v2). */
  headers: Readonly<Record<string, string | undefined>>;
}

export type Outcome =
  | "too-large"
  | "unknown-tenant"
  | "unauthorized"
  | "setup-pending"
  | "challenge-recorded"
  | "enqueued"
  | "coalesced"
  | "duplicate"
  | "acknowledged"
  | "parked"
  | "enqueue-failed";

/** Why a delivery was refused 401 (metric dimension and log field). */
export type UnauthorizedReason =
  | "missing-tenant-header"
  | "unknown-tenant-header"
  | "unsigned"
  | "undecodable"
  | "mismatch"
  | "no-secret";

export interface Receipt {
  status: 200 | 401 | 404 | 413 | 503;
  outcome: Outcome;
  eventId?: string;
  /** Set on 401s. */
  reason?: UnauthorizedReason;
}

export interface ReceiverDeps {
  tenants: { get(tenantId: string): Promise<TenantConfig | undefined> };
  secrets: WebhookSecretSource;
  events: Pick<WebhookEvents, "markSeen" | "forget" | "park">;
  challenges: Pick<ChallengeStore, "put">;
  /** Puts one job on the poll-jobs queue; must throw unless it was sent. */
  sendPollJob(job: PollJob, delaySeconds: number): Promise<void>;
  /** Puts one Sync Button job on the button-jobs queue; must throw unless it was sent. */
  sendButtonJob(job: ButtonJob): Promise<void>;
  /**
   * Puts one late-receipt message on the receipts queue; must throw unless it was sent. Absent
   * (no receipts queue) = the event is acknowledged and the receipts poll picks the receipt up.
   */
  sendReceiptMessage?(message: ReceiptsMessage): Promise<void>;
  /** Ramp's Sync Button window (ms); the sandbox's `syncRequestTimeoutMs` in tests. Default 5 minutes. */
  buttonWindowMs?: number;
  clock?: () => number;
  /** `*.ready_to_sync` events within one window of this many seconds share one poll job (0 = one job each). */
  coalesceSeconds?: number;
  log?: RampLogger;
}

const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The largest body accepted (functions/webhook/README.md). Ramp's envelopes are
 * thin — ids, a type, a timestamp; well under 2 KB, a verification even less — so
 * anything this big is not an event we could act on. Refused before the HMAC so an
 * unauthenticated sender cannot make us hash megabytes (API Gateway allows 10 MB),
 * and before parking, whose item must stay under DynamoDB's 400 KB. A 4xx makes
 * Ramp stop retrying, which is right for a body we would refuse every time.
 */
export const MAX_BODY_BYTES = 256 * 1024;

export async function receiveDelivery(deps: ReceiverDeps, d: Delivery): Promise<Receipt> {
  const log = deps.log ?? silentLogger;
  const tenantId = d.tenantId;
  if (d.rawBody.length > MAX_BODY_BYTES) {
    log.warn("webhook refused: body too large", { tenantId, bytes: d.rawBody.length, max: MAX_BODY_BYTES });
    return { status: 413, outcome: "too-large" };
  }
  const byHeader = d.via === "header";
  if (!tenantId || !TENANT_ID.test(tenantId)) {
    if (!byHeader) return { status: 404, outcome: "unknown-tenant" };
    const reason = tenantId ? "unknown-tenant-header" : "missing-tenant-header";
    log.warn("webhook refused: tenant header", { reason });
    return { status: 401, outcome: "unauthorized", reason };
  }
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) {
    if (byHeader) {
      log.warn("webhook refused: tenant header", { tenantId, reason: "unknown-tenant-header" });
      return { status: 401, outcome: "unauthorized", reason: "unknown-tenant-header" };
    }
    log.warn("webhook for an unknown tenant", { tenantId });
    return { status: 404, outcome: "unknown-tenant" };
  }
  // Authenticate before reading anything from the body.
  const auth = await authenticate(deps, log, tenant, d);
  if ("status" in auth) return auth;

  const raw = d.rawBody.toString("utf8");
  const event = classifyDelivery(raw);
  if (event.kind === "verification") {
    if (!auth.entry?.subscriptionId) {
      return park(deps, log, tenantId, null, "verification for a secret with no subscription id", raw);
    }
    await deps.challenges.put(tenantId, auth.entry.subscriptionId, event.challenge);
    log.info("webhook verification challenge recorded", {
      tenantId,
      subscriptionId: auth.entry.subscriptionId,
    });
    return { status: 200, outcome: "challenge-recorded" };
  }
  if (event.kind === "park") return park(deps, log, tenantId, event.eventId, event.reason, raw);
  if (wrongBusiness(auth.doc, event)) {
    return park(deps, log, tenantId, event.eventId, "business_id is not this tenant's Ramp business", raw);
  }
  if (!tenant.enabled) return park(deps, log, tenantId, event.eventId, "tenant disabled", raw);
  if (event.kind === "acknowledged") {
    log.info("webhook acknowledged", { tenantId, eventId: event.eventId, type: event.type });
    return { status: 200, outcome: "acknowledged", eventId: event.eventId };
  }
  if ((await deps.events.markSeen(tenantId, event.eventId)) === "duplicate") {
    log.info("webhook duplicate dropped", { tenantId, eventId: event.eventId });
    return { status: 200, outcome: "duplicate", eventId: event.eventId };
  }
  return handOff(deps, log, tenantId, event);
}

type Authenticated = {
  doc: WebhookSecretDoc | undefined;
  entry: WebhookSecretDoc["secrets"][number] | undefined;
};

/** The HMAC against the tenant's live secrets (re-read once on a mismatch); a refusal is the receipt. */
async function authenticate(
  deps: ReceiverDeps,
  log: RampLogger,
  tenant: { tenantId: string; ramp: { webhookSecretId?: string | null | undefined } },
  d: Delivery,
): Promise<Authenticated | Receipt> {
  const tenantId = tenant.tenantId;
  const secretId = tenant.ramp.webhookSecretId;
  let doc = secretId ? await deps.secrets.get(secretId) : undefined;
  let check = verifySignature(d.rawBody, d.headers, liveSecrets(doc));
  if (!check.ok && secretId && (check.reason === "mismatch" || check.reason === "no-secret")) {
    // Just rotated or just set up? Re-read once (rate-limited by the source).
    doc = await deps.secrets.get(secretId, { fresh: true });
    check = verifySignature(d.rawBody, d.headers, liveSecrets(doc));
  }
  if (check.ok) return { doc, entry: doc?.secrets[check.secretIndex] };
  // During a set-up the verification may race ahead of its secret being stored. Which delivery is the
  // verification cannot be told without reading an unauthenticated body, so every delivery signed with
  // an unknown secret gets 503 while the (short, bounded) set-up window is open: Ramp retries a 5xx,
  // while a 401 would end its handshake for good. Unsigned or undecodable signatures stay 401 — no
  // secret stored later can make those verify.
  if (
    (check.reason === "mismatch" || check.reason === "no-secret") &&
    doc &&
    settingUp(doc, (deps.clock ?? Date.now)())
  ) {
    log.info("webhook signed with a secret not stored yet; set-up in progress, asking Ramp to retry", {
      tenantId,
    });
    return { status: 503, outcome: "setup-pending" };
  }
  log.warn("webhook refused: signature", { tenantId, reason: check.reason });
  return { status: 401, outcome: "unauthorized", reason: check.reason };
}

/** A new event becomes a Sync Button job or a (coalesced) poll job; a failed hand-off is a 503 Ramp retries. */
async function handOff(
  deps: ReceiverDeps,
  log: RampLogger,
  tenantId: string,
  event: Extract<Classified, { kind: "sync_requested" | "ready_to_sync" | "receipt_added" }>,
): Promise<Receipt> {
  const now = (deps.clock ?? Date.now)();
  let marker: string | null = null;
  try {
    if (event.kind === "receipt_added") {
      if (!deps.sendReceiptMessage) {
        log.info("receipt_added acknowledged; the receipts poll attaches it", {
          tenantId,
          eventId: event.eventId,
        });
        return { status: 200, outcome: "acknowledged", eventId: event.eventId };
      }
      await deps.sendReceiptMessage({
        v: 1,
        type: "late",
        tenantId,
        transactionId: event.transactionId,
        receiptId: event.receiptId,
      });
      log.info("late receipt enqueued", {
        tenantId,
        eventId: event.eventId,
        transactionId: event.transactionId,
      });
      return { status: 200, outcome: "enqueued", eventId: event.eventId };
    }
    if (event.kind === "sync_requested") {
      const times = buttonTimes(event.createdAt, now, deps.buttonWindowMs);
      const job = buttonJob({ tenantId, kind: event.button, syncRequestId: event.syncRequestId }, now, times);
      await deps.sendButtonJob(job);
      log.info("sync button job enqueued", {
        tenantId,
        eventId: event.eventId,
        kind: event.button,
        syncRequestId: event.syncRequestId,
        deadline: job.deadline,
      });
      return { status: 200, outcome: "enqueued", eventId: event.eventId };
    }
    const plan = coalescePlan(now, deps.coalesceSeconds ?? 0);
    if (plan) {
      if ((await deps.events.markSeen(tenantId, plan.markerId, plan.ttlMs)) === "duplicate") {
        log.info("ready_to_sync joins the poll already queued", { tenantId, eventId: event.eventId });
        return { status: 200, outcome: "coalesced", eventId: event.eventId };
      }
      marker = plan.markerId;
    }
    await deps.sendPollJob(pollJob(tenantId, now), plan?.delaySeconds ?? 0);
    log.info("poll job enqueued for ready_to_sync", {
      tenantId,
      eventId: event.eventId,
      source: event.source,
      delaySeconds: plan?.delaySeconds ?? 0,
    });
    return { status: 200, outcome: "enqueued", eventId: event.eventId };
  } catch (err) {
    // Not handed on: forget the ids so Ramp's retry (we answer 5xx) is accepted, not dropped as a duplicate.
    log.error("webhook hand-off failed; Ramp will retry", {
      tenantId,
      eventId: event.eventId,
      error: err instanceof Error ? err.message : String(err),
    });
    await forgetQuietly(deps, log, tenantId, [marker, event.eventId]);
    return { status: 503, outcome: "enqueue-failed", eventId: event.eventId };
  }
}

function liveSecrets(doc: WebhookSecretDoc | undefined): string[] {
  return doc?.secrets.map((s) => s.secret) ?? [];
}

function wrongBusiness(doc: WebhookSecretDoc | undefined, event: Classified): boolean {
  if (!doc?.businessId || !("businessId" in event) || !event.businessId) return false;
  return event.businessId !== doc.businessId;
}

async function park(
  deps: ReceiverDeps,
  log: RampLogger,
  tenantId: string,
  eventId: string | null,
  reason: string,
  body: string,
): Promise<Receipt> {
  // A redelivery of an event already parked is not parked twice.
  if (eventId && (await deps.events.markSeen(tenantId, eventId)) === "duplicate") {
    return { status: 200, outcome: "duplicate", eventId };
  }
  let parked: Awaited<ReturnType<ReceiverDeps["events"]["park"]>>;
  try {
    parked = await deps.events.park(tenantId, { eventId, reason, body });
  } catch (err) {
    // Not kept: let Ramp's retry (the handler answers 5xx) try again.
    await forgetQuietly(deps, log, tenantId, [eventId]);
    throw err;
  }
  log.warn("webhook parked for inspection", { tenantId, eventId: parked.eventId, reason });
  return { status: 200, outcome: "parked", eventId: parked.eventId };
}

async function forgetQuietly(
  deps: ReceiverDeps,
  log: RampLogger,
  tenantId: string,
  ids: ReadonlyArray<string | null>,
): Promise<void> {
  for (const id of ids) {
    if (!id) continue;
    try {
      await deps.events.forget(tenantId, id);
    } catch (err) {
      log.error("could not forget a webhook id after a failed hand-off", {
        tenantId,
        id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
