/**
 * `ops button enable | disable`: opting a tenant into Ramp's Sync Button, guarded
 * by measurement (ARCHITECTURE.md, the guide's "Don't enable the button until
 * your worker can guarantee that").
 *
 * enable, in this order, stopping at the first step that cannot be done:
 * 1. the tenant's accounting connection must be active (read only);
 * 2. measure, never writing into the ERP: the newest postings of the kind from
 *    the ledger and one timed read-only chart read; button-readiness.ts decides.
 *    Too slow is refused whatever the flags; no posting at all is refused
 *    unless `force` (which warns);
 * 3. the tenant's verified webhook subscription must carry the kind's
 *    `*.sync_requested` (subscribed again with it when it does not; no verified
 *    subscription is refused — `ops webhooks subscribe` makes one);
 * 4. the tenant config's flag (so the next coa-push keeps it: it PATCHes Ramp's
 *    settings to the config's, lib/connection/settings.ts);
 * 5. Ramp's connection flag: from here a click can come, and we hear it.
 * disable goes the other way round: Ramp's flag first (no click can arrive that
 * we would not answer), then the config's; the subscription is left as it is.
 * Every step is idempotent: a rerun after a failure picks up where it stopped.
 */
import type { TenantConfig } from "../config/tenant.js";
import { settingsDiff } from "../connection/settings.js";
import type { Kind } from "../domain/kinds.js";
import type { ErpPort } from "../erp/port.js";
import type { RampClient } from "../ramp/client.js";
import type { ConnectionSettingsInput } from "../ramp/schemas/accounting.js";
import type { WebhookSubscription } from "../ramp/schemas/webhooks.js";
import type { HistoryEntry } from "../sync/ports.js";
import type { SubscribeOptions, SubscribeResult } from "../webhook/subscribe.js";
import { buttonReadiness, type Readiness, recentPostings, SAMPLE_SIZE } from "./button-readiness.js";

export const BUTTON_KINDS = ["transactions", "reimbursements"] as const;
export type ButtonKind = (typeof BUTTON_KINDS)[number];

const WIRING = {
  transactions: {
    ledgerKind: "transaction",
    event: "transactions.sync_requested",
    rampFlag: "transaction_sync_button_enabled",
    configFlag: "transactionSyncButton",
  },
  reimbursements: {
    ledgerKind: "reimbursement",
    event: "reimbursements.sync_requested",
    rampFlag: "reimbursement_sync_button_enabled",
    configFlag: "reimbursementSyncButton",
  },
} as const satisfies Record<
  ButtonKind,
  {
    ledgerKind: Kind;
    event: string;
    rampFlag: keyof ConnectionSettingsInput;
    configFlag: keyof TenantConfig["ramp"]["settings"];
  }
>;

/** How far back postings are looked for, and how many ledger rows are read at most. */
export const SAMPLE_SINCE_MS = 30 * 24 * 3600_000;
export const SAMPLE_MAX_ROWS = 5_000;

export interface ButtonDeps {
  tenants: {
    get(tenantId: string): Promise<TenantConfig | undefined>;
    put(cfg: TenantConfig): Promise<{ ok: boolean }>;
  };
  ramp: Pick<RampClient, "getConnection" | "updateConnectionSettings" | "listWebhooks">;
  /** lib/webhook/subscribe.ts subscribeTenant for this tenant. */
  subscribe(opts: SubscribeOptions): Promise<SubscribeResult>;
  /** lib/store/ledger-postings.ts readPostedRows. */
  postedRows(q: { tenantId: string; kind: Kind; since: number; maxRows: number }): Promise<{
    rows: Array<{ rampId: string; history?: HistoryEntry[] | undefined }>;
    scanned: number;
    truncated: boolean;
  }>;
  /** The tenant's ERP adapter as the syncer builds it (closed after the chart read). */
  openErp(tenant: TenantConfig): Promise<Pick<ErpPort, "capabilities" | "readSurface" | "close">>;
  now(): number;
}

export interface EnableRequest {
  tenant: TenantConfig;
  kind: ButtonKind;
  rows: number;
  force: boolean;
  dryRun: boolean;
  windowMs?: number;
}

/** What became of one flag or of the subscription. */
export type StepOutcome =
  | "unchanged"
  | "set"
  | "would-set"
  | "cleared"
  | "would-clear"
  | "not-reached"
  | "skipped";

export interface SubscriptionStep {
  outcome: "unchanged" | "created" | "verified" | "would-subscribe" | "kept" | "not-reached";
  subscriptionId: string | null;
  endpointUrl: string | null;
  eventTypes: string[];
}

export interface SampleRead {
  since: string;
  rowsRead: number;
  postedRows: number;
  truncated: boolean;
  kept: number;
}

export interface ButtonResult {
  ok: boolean;
  outcome: "enabled" | "would-enable" | "disabled" | "would-disable" | "refused" | "failed";
  tenantId: string;
  kind: ButtonKind;
  event: string;
  dryRun: boolean;
  forced: boolean;
  readiness: Readiness | null;
  sample: SampleRead | null;
  subscription: SubscriptionStep;
  config: StepOutcome;
  ramp: StepOutcome;
  warnings: string[];
  problems: string[];
  hint: string | null;
  message: string;
}

const notReached: SubscriptionStep = {
  outcome: "not-reached",
  subscriptionId: null,
  endpointUrl: null,
  eventTypes: [],
};

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The tenant's active subscriptions on our webhook route (`…/webhooks/<tenantId>`), and their base URL. */
function ourSubscriptions(subs: readonly WebhookSubscription[], tenantId: string) {
  const suffix = `/webhooks/${encodeURIComponent(tenantId)}`;
  return subs
    .filter((s) => s.status === "active" && s.endpoint_url.endsWith(suffix))
    .map((s) => ({ sub: s, baseUrl: s.endpoint_url.slice(0, -suffix.length) }));
}

/** Sets the config flag to `on`, retrying concurrent edits (version conflicts). */
async function putConfigFlag(
  deps: Pick<ButtonDeps, "tenants">,
  tenantId: string,
  kind: ButtonKind,
  on: boolean,
): Promise<"changed" | "unchanged"> {
  const flag = WIRING[kind].configFlag;
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await deps.tenants.get(tenantId);
    if (!cur) throw new Error(`tenant ${tenantId} disappeared`);
    if (cur.ramp.settings[flag] === on) return "unchanged";
    const next = { ...cur, ramp: { ...cur.ramp, settings: { ...cur.ramp.settings, [flag]: on } } };
    if ((await deps.tenants.put(next)).ok) return "changed";
  }
  throw new Error(`tenant ${tenantId}: the config changed under us three times; run again`);
}

/** Sets Ramp's connection flag to `on` (a PATCH only when it differs) and checks the answer. */
async function putRampFlag(
  deps: Pick<ButtonDeps, "ramp">,
  connectionId: string,
  kind: ButtonKind,
  on: boolean,
): Promise<"changed" | "unchanged"> {
  const flag = WIRING[kind].rampFlag;
  const diff = settingsDiff(await deps.ramp.getConnection(connectionId), { [flag]: on });
  if (!diff) return "unchanged";
  const after = await deps.ramp.updateConnectionSettings(connectionId, diff);
  if ((after.settings?.[flag] ?? false) !== on)
    throw new Error(`Ramp answered the PATCH with ${flag} = ${String(after.settings?.[flag] ?? false)}`);
  return "changed";
}

/** Measures and decides (steps 1–2 of enable). */
async function measure(deps: ButtonDeps, req: EnableRequest) {
  const { tenant, kind } = req;
  const since = deps.now() - SAMPLE_SINCE_MS;
  const read = await deps.postedRows({
    tenantId: tenant.tenantId,
    kind: WIRING[kind].ledgerKind,
    since,
    maxRows: SAMPLE_MAX_ROWS,
  });
  const postings = recentPostings(read.rows, SAMPLE_SIZE);
  const started = deps.now();
  const erp = await deps.openErp(tenant);
  let maxConcurrency: number;
  try {
    await erp.readSurface();
    maxConcurrency = erp.capabilities.maxConcurrency;
  } finally {
    await erp.close();
  }
  const chartReadMs = deps.now() - started;
  const readiness = buttonReadiness({
    rows: req.rows,
    postings,
    chartReadMs,
    concurrency: { tenant: tenant.sync.erpConcurrency, adapter: maxConcurrency },
    ...(req.windowMs !== undefined ? { windowMs: req.windowMs } : {}),
  });
  const sample: SampleRead = {
    since: new Date(since).toISOString(),
    rowsRead: read.scanned,
    postedRows: read.rows.length,
    truncated: read.truncated,
    kept: postings.length,
  };
  return { readiness, sample };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function enableButton(deps: ButtonDeps, req: EnableRequest): Promise<ButtonResult> {
  const { tenant, kind } = req;
  const tenantId = tenant.tenantId;
  const w = WIRING[kind];
  const warnings: string[] = [];
  let readiness: Readiness | null = null;
  let sample: SampleRead | null = null;
  let subscription = notReached;
  let config: StepOutcome = "not-reached";
  let ramp: StepOutcome = "not-reached";
  const result = (
    outcome: ButtonResult["outcome"],
    message: string,
    hint: string | null = null,
  ): ButtonResult => ({
    ok: outcome === "enabled" || outcome === "would-enable",
    outcome,
    tenantId,
    kind,
    event: w.event,
    dryRun: req.dryRun,
    forced: req.force,
    readiness,
    sample,
    subscription,
    config,
    ramp,
    warnings,
    problems: outcome === "refused" || outcome === "failed" ? [message] : [],
    hint,
    message,
  });

  // 1. The connection (read only).
  const connectionId = tenant.ramp.connectionId;
  if (!connectionId)
    return result(
      "refused",
      `tenant ${tenantId} has no accounting connection on record`,
      `ops coa-push --tenant ${tenantId} creates it`,
    );
  let connection: Awaited<ReturnType<ButtonDeps["ramp"]["getConnection"]>>;
  try {
    connection = await deps.ramp.getConnection(connectionId);
  } catch (e) {
    return result(
      "failed",
      `could not read accounting connection ${connectionId}: ${errText(e)}`,
      "run again",
    );
  }
  if (!connection.is_active)
    return result(
      "refused",
      `accounting connection ${connectionId} is not active in Ramp`,
      `ops coa-push --tenant ${tenantId} reactivates it`,
    );
  const onInRamp = connection.settings?.[w.rampFlag] === true;

  // 2. Measure and decide.
  try {
    ({ readiness, sample } = await measure(deps, req));
  } catch (e) {
    return result(
      "failed",
      `could not measure: ${errText(e)}`,
      "the chart read must work before the button can; check the ERP and run again",
    );
  }
  const offHint = onInRamp
    ? ` The button is ON in Ramp now: ops button disable --tenant ${tenantId} --kind ${kind}.`
    : "";
  if (readiness.verdict === "too-slow") {
    const e = readiness.estimate;
    return result(
      "refused",
      `${req.rows} rows would take about ${secs(e?.totalMs ?? 0)}, more than the ${secs(readiness.budgetMs)} ` +
        `the Sync Button leaves us (${secs(readiness.windowMs)} window − ${secs(readiness.marginMs)} margin)`,
      "make the ERP's postings faster (the per-posting latency above) or let the tenant post more at once " +
        `(sync.erpConcurrency, up to the adapter's maxConcurrency); --force does not override a measurement.${offHint}`,
    );
  }
  if (readiness.verdict === "no-history") {
    if (!req.force)
      return result(
        "refused",
        `no ${w.ledgerKind} posting of tenant ${tenantId} in the ledger since ${sample?.since}: nothing to measure`,
        `drain some ${kind} first (ops sync-now --tenant ${tenantId}) and run again, or --force to enable unmeasured`,
      );
    warnings.push(
      `NOT MEASURED: no ${w.ledgerKind} posting in the ledger; enabling the button without evidence that ` +
        `${req.rows} rows fit in ${secs(readiness.budgetMs)} (--force). Clicks not answered in 5 minutes fail in Ramp.`,
    );
  }

  // 3. The subscription.
  let subs: ReturnType<typeof ourSubscriptions>;
  try {
    subs = ourSubscriptions(await deps.ramp.listWebhooks(), tenantId);
  } catch (e) {
    return result("failed", `could not list the tenant's webhook subscriptions: ${errText(e)}`, "run again");
  }
  const current = subs.find((s) => s.sub.event_types.includes(w.event)) ?? subs[0];
  if (!current)
    return result(
      "refused",
      `tenant ${tenantId} has no verified webhook subscription: a click would never reach us`,
      `ops webhooks subscribe --tenant ${tenantId} --endpoint <webhook API URL> first`,
    );
  const has = current.sub.event_types.includes(w.event);
  if (req.dryRun) {
    subscription = {
      outcome: has ? "unchanged" : "would-subscribe",
      subscriptionId: current.sub.id,
      endpointUrl: current.sub.endpoint_url,
      eventTypes: has ? current.sub.event_types : [...current.sub.event_types, w.event].sort(),
    };
  } else {
    try {
      const r = await deps.subscribe({
        endpointBaseUrl: current.baseUrl,
        readyToSync: current.sub.event_types.some((t) => t.endsWith(".ready_to_sync")),
        syncButtons: { [kind]: true },
      });
      subscription = {
        outcome: r.status,
        subscriptionId: r.subscriptionId,
        endpointUrl: r.endpointUrl,
        eventTypes: r.eventTypes,
      };
    } catch (e) {
      return result(
        "failed",
        `could not subscribe to ${w.event}: ${errText(e)}`,
        "nothing was enabled; fix the webhook set-up (ops webhooks list) and run again",
      );
    }
    if (!subscription.eventTypes.includes(w.event))
      return result("failed", `the subscription does not carry ${w.event}`, "run again");
  }

  // 4. The config, 5. Ramp.
  if (req.dryRun) {
    config = tenant.ramp.settings[w.configFlag] ? "unchanged" : "would-set";
    ramp = onInRamp ? "unchanged" : "would-set";
    return result("would-enable", `dry run: would enable the ${kind} Sync Button; nothing written`);
  }
  try {
    config = (await putConfigFlag(deps, tenantId, kind, true)) === "changed" ? "set" : "unchanged";
  } catch (e) {
    return result("failed", `could not set ${w.configFlag} in the tenant config: ${errText(e)}`, "run again");
  }
  try {
    ramp = (await putRampFlag(deps, connectionId, kind, true)) === "changed" ? "set" : "unchanged";
  } catch (e) {
    return result(
      "failed",
      `could not set ${w.rampFlag} on connection ${connectionId}: ${errText(e)}`,
      "the config has the flag (the next coa-push sets it in Ramp too); run again to set it now",
    );
  }
  return result("enabled", `the ${kind} Sync Button is on for ${tenantId}`);
}

export async function disableButton(
  deps: Pick<ButtonDeps, "tenants" | "ramp">,
  req: { tenant: TenantConfig; kind: ButtonKind; dryRun: boolean },
): Promise<ButtonResult> {
  const { tenant, kind } = req;
  const w = WIRING[kind];
  const connectionId = tenant.ramp.connectionId;
  let config: StepOutcome = "not-reached";
  let ramp: StepOutcome = "not-reached";
  const subscription: SubscriptionStep = { ...notReached, outcome: "kept" };
  const result = (outcome: ButtonResult["outcome"], message: string, hint: string | null = null) =>
    ({
      ok: outcome === "disabled" || outcome === "would-disable",
      outcome,
      tenantId: tenant.tenantId,
      kind,
      event: w.event,
      dryRun: req.dryRun,
      forced: false,
      readiness: null,
      sample: null,
      subscription,
      config,
      ramp,
      warnings: [],
      problems: outcome === "failed" ? [message] : [],
      hint,
      message,
    }) satisfies ButtonResult;
  const kept = `the webhook subscription is left as it is (with the button off Ramp sends no ${w.event}; ops webhooks subscribe drops it)`;

  // 1. Ramp first: once its flag is off no click can come.
  try {
    if (!connectionId) ramp = "skipped";
    else if (req.dryRun) {
      const on = (await deps.ramp.getConnection(connectionId)).settings?.[w.rampFlag] === true;
      ramp = on ? "would-clear" : "unchanged";
    } else
      ramp = (await putRampFlag(deps, connectionId, kind, false)) === "changed" ? "cleared" : "unchanged";
  } catch (e) {
    return result(
      "failed",
      `could not clear ${w.rampFlag} on connection ${connectionId}: ${errText(e)}`,
      "nothing was changed in the tenant config; run again",
    );
  }
  // 2. Then the config, so the next coa-push does not turn it back on.
  if (req.dryRun) {
    config = tenant.ramp.settings[w.configFlag] ? "would-clear" : "unchanged";
    return result(
      "would-disable",
      `dry run: would disable the ${kind} Sync Button; nothing written; ${kept}`,
    );
  }
  try {
    config =
      (await putConfigFlag(deps, tenant.tenantId, kind, false)) === "changed" ? "cleared" : "unchanged";
  } catch (e) {
    return result(
      "failed",
      `Ramp's flag is off, but ${w.configFlag} could not be cleared in the tenant config: ${errText(e)}`,
      "run again (until then a coa-push would turn Ramp's flag back on)",
    );
  }
  return result("disabled", `the ${kind} Sync Button is off for ${tenant.tenantId}; ${kept}`);
}
