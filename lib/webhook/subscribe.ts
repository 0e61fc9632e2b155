/**
 * Sets up (or repairs, or changes) a tenant's Ramp webhook subscription, and
 * can be rerun at will: a subscription that already matches — same endpoint,
 * same event types, active, its secret on file — is left alone.
 *
 * The handshake (docs/ramp-api.md §12.1–12.2): `POST /webhooks` answers
 * `pending_verification` and the signing `secret`, which goes straight into
 * Secrets Manager (never logged, never returned); Ramp then sends a signed
 * `webhooks.verification` delivery to our endpoint, the receiver records its
 * `challenge` (challenges.ts), and this function answers it with
 * `POST /webhooks/{id}/verify`. While that runs, the secret document is marked
 * `setupUntil` so a verification that races ahead of the secret being stored
 * is answered 503 (Ramp retries) instead of 401.
 *
 * Two endpoint modes: per tenant (`<base>/webhooks/<tenantId>`, the default) or
 * one endpoint for all tenants (`<base>/webhooks`), where the subscription asks
 * Ramp to add the tenant header to every delivery (`additional_headers`,
 * tenant-header.ts) so the receiver knows whose secret verifies it. Switching
 * mode is a change like any other: the new subscription first, then the old one goes.
 *
 * Changing the event types (a Sync Button switched on) or a lost secret means a
 * new subscription: it is created and verified first, then the superseded ones
 * are deleted and their secrets dropped — so deliveries never stop, and events
 * delivered by both during the overlap are deduplicated by event id.
 */

import type { TenantConfig } from "../config/tenant.js";
import { tenantSecretId } from "../config/tenant-secrets.js";
import { ServiceError } from "../domain/errors.js";
import { type RampLogger, silentLogger } from "../domain/logger.js";
import { registerSecret } from "../domain/redact.js";
import { type Sleep, sleep as timerSleep } from "../domain/time.js";
import type { RampClient } from "../ramp/client.js";
import type { WebhookSubscription } from "../ramp/schemas/webhooks.js";
import type { ChallengeStore } from "../store/challenges.js";
import type { Tenants } from "../store/tenants.js";
import { emptySecretDoc, parseSecretDoc, serializeSecretDoc, type WebhookSecretDoc } from "./secret-doc.js";
import type { SecretStore } from "./secret-source.js";
import { TENANT_HEADER, tenantOfSubscription } from "./tenant-header.js";

/** Per tenant (`/webhooks/<tenantId>`) or one endpoint for all (`/webhooks` + the tenant header). */
export type EndpointMode = "per-tenant" | "single";

export interface SubscribeDeps {
  ramp: Pick<RampClient, "listWebhooks" | "createWebhook" | "verifyWebhook" | "deleteWebhook">;
  secrets: SecretStore;
  challenges: Pick<ChallengeStore, "get" | "delete">;
  tenants: Pick<Tenants, "get" | "put">;
  clock?: () => number;
  sleep?: Sleep;
  log?: RampLogger;
}

export interface SubscribeOptions {
  /** The public base URL of the webhook API (API Gateway stage URL or custom domain). */
  endpointBaseUrl: string;
  /** Subscribe to `*.ready_to_sync` for the enabled object types (default true). */
  readyToSync?: boolean;
  /** How long to wait for the verification delivery (default 60 s). */
  challengeTimeoutMs?: number;
  /** How often to look for it (default 500 ms). */
  pollIntervalMs?: number;
  /**
   * Sync Buttons to subscribe for, over the tenant's stored flags (`ops button enable`
   * subscribes before it stores the flag, so no click can come that we would not hear).
   */
  syncButtons?: { transactions?: boolean; reimbursements?: boolean };
  /** Default "per-tenant". "single": the shared `POST /webhooks`, the tenant named by header. */
  endpointMode?: EndpointMode;
}

export interface SubscribeResult {
  status: "unchanged" | "created" | "verified";
  subscriptionId: string;
  endpointUrl: string;
  eventTypes: string[];
  secretId: string;
  /** Superseded subscriptions deleted. */
  removed: string[];
}

/** The base of lib/webhook's errors: a subscription could not be set up. */
export class WebhookSetupError extends ServiceError {
  override readonly name: string = "WebhookSetupError";
}

/** The tenant's own webhook secret; no other name is accepted (lib/config/tenant-secrets.ts). */
export const defaultWebhookSecretId = (tenantId: string) => tenantSecretId(tenantId, "webhook");

export function webhookEndpointUrl(baseUrl: string, tenantId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/webhooks/${encodeURIComponent(tenantId)}`;
}

/** The single endpoint every tenant shares in "single" mode. */
export function sharedWebhookEndpointUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/webhooks`;
}

/** The events this tenant needs, sorted: ready_to_sync per enabled type, sync_requested per enabled button. */
function desiredEventTypes(
  tenant: TenantConfig,
  opts: Pick<SubscribeOptions, "readyToSync" | "syncButtons"> = {},
): string[] {
  const out: string[] = [];
  if (opts.readyToSync !== false) {
    if (tenant.objectTypes.transactions) out.push("transactions.ready_to_sync");
    if (tenant.objectTypes.reimbursements) out.push("reimbursements.ready_to_sync");
    if (tenant.objectTypes.bills) out.push("bills.ready_to_sync");
    // Receipts users add after the export (lib/receipts/late.ts); reimbursements have no such event.
    if (tenant.objectTypes.transactions) out.push("transactions.receipt_added");
  }
  const buttons = opts.syncButtons ?? {};
  if (buttons.transactions ?? tenant.ramp.settings.transactionSyncButton)
    out.push("transactions.sync_requested");
  if (buttons.reimbursements ?? tenant.ramp.settings.reimbursementSyncButton)
    out.push("reimbursements.sync_requested");
  return out.sort();
}

const sameTypes = (s: WebhookSubscription, want: readonly string[]) =>
  [...s.event_types].sort().join(",") === want.join(",");

export async function subscribeTenant(
  deps: SubscribeDeps,
  tenantId: string,
  opts: SubscribeOptions,
): Promise<SubscribeResult> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new WebhookSetupError(`tenant ${tenantId} is not configured`);
  const eventTypes = desiredEventTypes(tenant, opts);
  if (eventTypes.length === 0) {
    throw new WebhookSetupError(`tenant ${tenantId} needs no webhook events (nothing enabled)`);
  }
  const single = opts.endpointMode === "single";
  const perTenantUrl = webhookEndpointUrl(opts.endpointBaseUrl, tenantId);
  const sharedUrl = sharedWebhookEndpointUrl(opts.endpointBaseUrl);
  const endpointUrl = single ? sharedUrl : perTenantUrl;
  const headers = single ? { [TENANT_HEADER]: tenantId } : undefined;
  // The receiver must know where the secret lives before the first delivery arrives.
  const secretId = await ensureSecretId(deps.tenants, tenant, defaultWebhookSecretId(tenantId));
  const docs = secretDocs(deps, secretId);

  const doc = await docs.read();
  // This tenant's subscriptions in either mode. On the shared URL only those naming this tenant:
  // another tenant of the same Ramp business subscribes to the same URL with its own header.
  const mine = (await deps.ramp.listWebhooks()).filter(
    (s) =>
      s.endpoint_url === perTenantUrl ||
      (s.endpoint_url === sharedUrl && tenantOfSubscription(s.additional_headers) === tenantId),
  );
  const known = (s: WebhookSubscription) => doc.secrets.some((e) => e.subscriptionId === s.id);
  const usable = mine.filter((s) => s.endpoint_url === endpointUrl && sameTypes(s, eventTypes) && known(s));
  const active = usable.find((s) => s.status === "active");
  const { target, status } = active
    ? { target: active, status: "unchanged" as const }
    : await setUp(deps, { tenantId, endpointUrl, eventTypes, headers, opts }, docs, usable);
  const removed = await removeSuperseded(deps, tenantId, docs, mine, target);
  return { status, subscriptionId: target.id, endpointUrl, eventTypes, secretId, removed };
}

interface SecretDocs {
  read(): Promise<WebhookSecretDoc>;
  write(d: WebhookSecretDoc): Promise<void>;
}

function secretDocs(deps: SubscribeDeps, secretId: string): SecretDocs {
  return {
    async read() {
      const raw = await deps.secrets.read(secretId);
      return raw === undefined ? emptySecretDoc() : parseSecretDoc(raw);
    },
    write: (d) => deps.secrets.write(secretId, serializeSecretDoc(d)),
  };
}

/**
 * No active subscription: open the set-up window, finish a pending subscription whose challenge
 * already reached us (Ramp does not resend it) or create one (its secret stored before any delivery),
 * answer its challenge, and close the window whatever happened.
 */
async function setUp(
  deps: SubscribeDeps,
  want: {
    tenantId: string;
    endpointUrl: string;
    eventTypes: string[];
    headers: Record<string, string> | undefined;
    opts: SubscribeOptions;
  },
  docs: SecretDocs,
  usable: readonly WebhookSubscription[],
): Promise<{ target: WebhookSubscription; status: "verified" | "created" }> {
  const { tenantId, opts } = want;
  const log = deps.log ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const timeoutMs = opts.challengeTimeoutMs ?? 60_000;
  let doc = { ...(await docs.read()), setupUntil: new Date(clock() + timeoutMs + 60_000).toISOString() };
  await docs.write(doc);
  let pending: WebhookSubscription | undefined;
  for (const s of usable.filter((u) => u.status === "pending_verification")) {
    if (await deps.challenges.get(tenantId, s.id)) pending = s;
  }
  let target: WebhookSubscription;
  if (pending) {
    target = pending;
    log.info("webhook subscription pending verification; waiting for its challenge", {
      tenantId,
      subscriptionId: pending.id,
    });
  } else {
    const { secret, ...sub } = await deps.ramp.createWebhook({
      endpoint_url: want.endpointUrl,
      event_types: want.eventTypes,
      ...(want.headers ? { additional_headers: want.headers } : {}),
    });
    registerSecret(secret);
    doc = {
      ...doc,
      businessId: sub.business_id ?? doc.businessId,
      secrets: [
        { secret, subscriptionId: sub.id, addedAt: new Date(clock()).toISOString() },
        ...doc.secrets.filter((e) => e.subscriptionId !== sub.id),
      ],
    };
    await docs.write(doc);
    log.info("webhook subscription created", {
      tenantId,
      subscriptionId: sub.id,
      eventTypes: want.eventTypes,
    });
    target = sub;
  }
  try {
    const challenge = await waitForChallenge(
      deps,
      deps.sleep ?? timerSleep,
      clock,
      tenantId,
      target.id,
      timeoutMs,
      opts,
    );
    await deps.ramp.verifyWebhook(target.id, challenge);
    await deps.challenges.delete(tenantId, target.id);
  } finally {
    await docs.write({ ...(await docs.read()), setupUntil: null });
  }
  log.info("webhook subscription verified", { tenantId, subscriptionId: target.id });
  return { target, status: pending ? "verified" : "created" };
}

/** Superseded subscriptions of this endpoint go, with their secrets, once the target is active. */
async function removeSuperseded(
  deps: SubscribeDeps,
  tenantId: string,
  docs: SecretDocs,
  mine: readonly WebhookSubscription[],
  target: WebhookSubscription,
): Promise<string[]> {
  const removed: string[] = [];
  for (const s of mine) {
    if (s.id === target.id) continue;
    await deps.ramp.deleteWebhook(s.id);
    removed.push(s.id);
  }
  if (removed.length) {
    const doc = await docs.read();
    await docs.write({
      ...doc,
      secrets: doc.secrets.filter((e) => !e.subscriptionId || !removed.includes(e.subscriptionId)),
    });
    (deps.log ?? silentLogger).info("superseded webhook subscriptions deleted", { tenantId, removed });
  }
  return removed;
}

async function waitForChallenge(
  deps: SubscribeDeps,
  sleep: (ms: number) => Promise<void>,
  clock: () => number,
  tenantId: string,
  subscriptionId: string,
  timeoutMs: number,
  opts: SubscribeOptions,
): Promise<string> {
  const deadline = clock() + timeoutMs;
  for (;;) {
    const challenge = await deps.challenges.get(tenantId, subscriptionId);
    if (challenge) return challenge;
    if (clock() >= deadline) {
      throw new WebhookSetupError(
        `no verification delivery for subscription ${subscriptionId} within ${timeoutMs} ms: is ` +
          "the endpoint reachable from Ramp, and the webhook Lambda deployed? A rerun starts a new subscription.",
      );
    }
    await sleep(opts.pollIntervalMs ?? 500);
  }
}

async function ensureSecretId(
  tenants: SubscribeDeps["tenants"],
  tenant: TenantConfig,
  fallback: string,
): Promise<string> {
  let current: TenantConfig | undefined = tenant;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    if (current.ramp.webhookSecretId) return current.ramp.webhookSecretId;
    const res = await tenants.put({ ...current, ramp: { ...current.ramp, webhookSecretId: fallback } });
    if (res.ok) return fallback;
    current = await tenants.get(tenant.tenantId);
  }
  throw new WebhookSetupError(`tenant ${tenant.tenantId}: could not store the webhook secret id`);
}
