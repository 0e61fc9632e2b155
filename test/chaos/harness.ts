/**
 * The kill-based chaos harness (issue "Trust (1 of 2)"): a seeded mixed backlog
 * in the Ramp sandbox, the real syncer and sweep Lambdas in a child process
 * (worker.ts, bundled once with esbuild), SIGKILLed at aimed windows — create →
 * post, invoice → payment, payment → reconciliation, between the records of a
 * batch, ERP write → ledger record, report call, and the other protocol steps —
 * and at random moments; then recovered by redelivery (SQS visibility), takeover
 * (expired leases) and, at the end, a poll cycle that enqueues whatever Ramp
 * still lists as ready, as the scheduled poller would.
 *
 * Afterwards every object is checked three ways (check.ts): Ramp, the ledger and
 * the ERP. The harness counts kills per window itself (a kill counts only when
 * the worker reported reaching the window and was killed there).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";
import type { TenantConfig } from "../../lib/config/tenant.js";
import type { WorkItem } from "../../lib/sync/process-item.js";
import { type LocalSqs, startLocalSqs } from "../../local/runtime/local-sqs.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { asRecords, type Harness } from "../integration/syncer-harness.js";
import { sendBodies } from "../support/sqs-local.js";

/** The windows the issue names, by the harness's name → the worker's hook point. */
export const WINDOWS = {
  "create → post": "erp-created",
  "invoice → payment": "erp-invoiced",
  "between batch records": "erp-between",
  "ERP write → ledger record": "post",
  "report call": "report-call",
} as const;
/** Further windows, killed a few times each. */
export const EXTRA_WINDOWS = {
  "payment → reconciliation": "erp-unsettled",
  "ledger record → report": "record",
  "report intent → call": "intent",
  "report close": "close",
} as const;
export type WindowName = keyof typeof WINDOWS | keyof typeof EXTRA_WINDOWS | "random moment";

/** Compressed timing: the lease runs out before SQS shows the message again, so redelivery takes over. */
export const TIMING = {
  leaseMs: 4_000,
  takeoverGraceMs: 300,
  lockLeaseMs: 3_000,
  visibilityTimeoutS: 6,
  functionTimeoutMs: 6_000,
};

export interface ChaosPlan {
  /** Kills per window name. */
  kills: Partial<Record<WindowName, number>>;
  /** Which fresh objects a kill at this window needs in its slice (e.g. paid reimbursements). */
  feed: (window: WindowName, fresh: WorkItem[]) => WorkItem[];
  seed: number;
  /** How long an armed worker may take to reach its window (a Tryton cold start reads the chart first). */
  windowTimeoutMs?: number;
}

export interface ChaosResult {
  killsPerWindow: Record<string, number>;
  /** Windows armed but not reached in time (the worker was killed anyway; not counted above). */
  missed: Record<string, number>;
  totalKills: number;
  cycles: number;
  pollRounds: number;
  ms: number;
}

export interface ChaosSetup {
  h: Harness;
  sqs: LocalSqs;
  secrets: LocalSecretsManager;
  queueUrl: string;
  dlqUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

const RAMP_SECRET = "ramp-erp-sync/acme/ramp";

/**
 * Queues, secrets and the production environment for the workers, around a syncer harness
 * (sandbox, table, ERP, chart pushed, spend coded). The tenant is saved as production reads it:
 * the sandbox as Ramp's base URL, credentials (and the ERP password) in the Secrets Manager stand-in.
 */
export async function chaosSetup(
  h: Harness,
  o: {
    dynamoEndpoint: string;
    tableName: string;
    erpSecrets?: Record<string, unknown>;
    tenant?: Partial<TenantConfig>;
  },
): Promise<ChaosSetup> {
  const sqs = await startLocalSqs();
  const secrets = await startLocalSecretsManager({ port: 0 });
  secrets.seed(
    RAMP_SECRET,
    JSON.stringify({ client_id: h.r.sb.clientId, client_secret: h.r.sb.clientSecret }),
  );
  for (const [id, v] of Object.entries(o.erpSecrets ?? {})) secrets.seed(id, JSON.stringify(v));
  const q = await sqs.createQueue(`chaos-${Date.now()}`, {
    visibilityTimeoutS: TIMING.visibilityTimeoutS,
    // Redelivered after every kill: far more receives than a real outage would see.
    dlq: { maxReceiveCount: 500 },
  });
  const put = await h.store.tenants.put({
    ...h.tenant,
    ...o.tenant,
    ramp: { ...h.tenant.ramp, baseUrl: h.r.sb.url, credentialsSecretId: RAMP_SECRET },
    version: 0,
  });
  if (!put.ok) throw new Error(`tenant not saved: ${put.reason}`);
  const keys = sqs.clientConfig.credentials as { accessKeyId: string; secretAccessKey: string };
  const env = {
    AWS_REGION: sqs.region,
    // The emulators ignore signatures; the SDK insists on signing (the local stack's static keys).
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: o.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    TABLE_NAME: o.tableName,
    IDEMPOTENCY_TABLE_NAME: `${o.tableName}-idempotency`,
    // A journal tenant's file is <JOURNAL_ROOT>/<tenantId>/<erp.path> (lib/erp/journal-file.ts).
    JOURNAL_ROOT: dirname(dirname(h.journalPath)),
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
  return {
    h,
    sqs,
    secrets,
    queueUrl: q.url,
    dlqUrl: q.dlq?.url ?? "",
    env,
    async stop() {
      await sqs.stop();
      await secrets.stop();
    },
  };
}

let bundled: Promise<string> | null = null;
/** The worker as one ES module (esbuild, like the Lambda bundles): a child starts in a fraction of tsx's time. */
export function workerBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-worker-"));
    const outfile = join(dir, "worker.mjs");
    await build({
      entryPoints: [new URL("./worker.ts", import.meta.url).pathname],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "error",
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    return outfile;
  })();
  return bundled;
}

interface Child {
  proc: ChildProcess;
  /** Resolves with the first event of these kinds the worker reports. */
  next(kinds: string[], timeoutMs: number): Promise<Record<string, unknown> | null>;
  exited: Promise<number | null>;
}

async function startWorker(s: ChaosSetup, arm: { window: string; skip: number } | null): Promise<Child> {
  const file = await workerBundle();
  const config = {
    env: s.env,
    queueUrl: s.queueUrl,
    arm,
    settings: {
      leaseMs: TIMING.leaseMs,
      takeoverGraceMs: TIMING.takeoverGraceMs,
      lockLeaseMs: TIMING.lockLeaseMs,
    },
    functionTimeoutMs: TIMING.functionTimeoutMs,
    batchSize: 5,
    // One poller gathering for a moment: what is fed together is posted together (between batch records).
    concurrency: 1,
    maxBatchingWindowMs: 250,
    sweepEveryMs: 700,
  };
  const proc = spawn(process.execPath, [file], {
    env: { ...process.env, CHAOS_WORKER: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  const fd3 = proc.stdio[3];
  if (!fd3 || !("on" in fd3)) throw new Error("worker has no fd 3");
  createInterface({ input: fd3 as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      events.push({ event: "garbled", line });
    }
    for (const w of waiters.splice(0)) w();
  });
  let exitedFlag = false;
  const exited = new Promise<number | null>((resolve) =>
    proc.on("exit", (code) => {
      exitedFlag = true;
      for (const w of waiters.splice(0)) w();
      resolve(code);
    }),
  );
  return {
    proc,
    exited,
    async next(kinds, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex((e) => kinds.includes(String(e.event)));
        if (i >= 0) return events.splice(i, 1)[0] ?? null;
        if (exitedFlag || Date.now() >= deadline) return null;
        await new Promise<void>((r) => {
          const t = setTimeout(r, Math.max(1, deadline - Date.now()));
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}

async function kill(c: Child): Promise<void> {
  c.proc.kill("SIGKILL");
  await c.exited;
}

/** A small seeded generator (mulberry32): the same seed gives the same kills. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hookOf = (w: WindowName): string | null =>
  w === "random moment"
    ? null
    : ((WINDOWS as Record<string, string>)[w] ?? (EXTRA_WINDOWS as Record<string, string>)[w] ?? null);

/** Runs the plan: kill after kill, feeding fresh objects, then the final drain and poll cycles. */
export async function runChaos(s: ChaosSetup, items: WorkItem[], plan: ChaosPlan): Promise<ChaosResult> {
  const t0 = Date.now();
  const random = rng(plan.seed);
  const client = s.sqs.client();
  const send = (list: WorkItem[]) =>
    list.length
      ? sendBodies(
          client,
          s.queueUrl,
          asRecords(list).map((r) => r.body),
        )
      : Promise.resolve();
  const fresh = [...items];
  const killsPerWindow: Record<string, number> = {};
  const missed: Record<string, number> = {};
  const schedule: WindowName[] = [];
  for (const [w, n] of Object.entries(plan.kills))
    for (let i = 0; i < (n ?? 0); i++) schedule.push(w as WindowName);
  // Interleave the windows (seeded shuffle), so recovery of one kind of kill meets the next kind.
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [schedule[i], schedule[j]] = [schedule[j] as WindowName, schedule[i] as WindowName];
  }
  let cycles = 0;
  const retries = new Map<WindowName, number>();
  const debug = process.env.CHAOS_DEBUG
    ? (m: string) => console.log(`[chaos ${Date.now() - t0} ms] ${m}`)
    : () => {};
  while (schedule.length) {
    const window = schedule.shift() as WindowName;
    cycles++;
    debug(`cycle ${cycles}: ${window} (${fresh.length} fresh objects left)`);
    const slice = plan.feed(window, fresh);
    if (!slice.length) {
      // The backlog is used up: nothing of the right shape can come into flight any more.
      missed[window] = (missed[window] ?? 0) + 1;
      debug("  backlog used up");
      continue;
    }
    for (const it of slice) fresh.splice(fresh.indexOf(it), 1);
    await send(slice);
    const hook = hookOf(window);
    const child = await startWorker(s, {
      window: hook ?? "none",
      skip: hook && random() < 0.3 ? 1 : 0,
    });
    if (hook) {
      const hit = await child.next(["window"], plan.windowTimeoutMs ?? 9_000);
      await kill(child);
      debug(`  ${hit ? `killed at ${String(hit.point)}` : "not reached"}`);
      if (hit) killsPerWindow[window] = (killsPerWindow[window] ?? 0) + 1;
      else {
        missed[window] = (missed[window] ?? 0) + 1;
        // Not reached (nothing of the right shape in flight): try again later, a bounded number of times.
        const n = (retries.get(window) ?? 0) + 1;
        retries.set(window, n);
        if (n <= 6) schedule.splice(Math.floor(random() * (schedule.length + 1)), 0, window);
      }
    } else {
      await child.next(["ready"], 10_000);
      await new Promise((r) => setTimeout(r, 200 + random() * 1_800));
      await kill(child);
      killsPerWindow[window] = (killsPerWindow[window] ?? 0) + 1;
    }
  }
  await send(fresh.splice(0));

  // Recovery: redelivery and takeover by an unarmed worker, then poll cycles for what Ramp still lists ready.
  let pollRounds = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, TIMING.leaseMs));
    const child = await startWorker(s, null);
    const done = await child.next(["drained"], 300_000);
    await child.exited;
    if (!done) throw new Error("the recovery worker did not drain");
    const ready = await s.h.ready();
    const pending: WorkItem[] = [];
    for (const it of ready) {
      const row = await s.h.store.ledger.get(it.tenantId, it.kind, it.rampId);
      if (!row || (row.state !== "MARKED" && !(row.state === "FAILED" && row.told))) pending.push(it);
    }
    if (!pending.length || pollRounds >= 4) break;
    pollRounds++;
    await send(pending);
  }
  const totalKills = Object.values(killsPerWindow).reduce((a, b) => a + b, 0);
  return { killsPerWindow, missed, totalKills, cycles, pollRounds, ms: Date.now() - t0 };
}
