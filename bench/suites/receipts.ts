/**
 * Receipts into the journal ERP (issue #17): how fast the receipts Lambda attaches a drained
 * tenant's receipts, and what it costs in Ramp reads, beside a naive attach measured in the
 * same run. The world: N transactions (1,000; quick 200) drained on the local stack with the
 * tenant's receipts off, so every object is in the journal and no receipt yet. Then the
 * objects' receipts are handed to the receipts queue as the syncer does (one message per
 * 10-object batch) and only that queue is drained: receipts attached per second and bytes per
 * second into the journal, Ramp receipt reads against the floor ⌈R/100⌉, file downloads
 * against R. Every file is made 250 KiB (FILE_BYTES).
 *
 * The naive baseline, on a copy of the journal as it was before: one object at a time, each
 * receipt's URL by `GET /receipts/{id}`, one journal rewrite per object (what the first cut
 * did: no listing window, no URL cache, no attachMany), measured on a subset and extrapolated.
 */

import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { parseTenantConfig } from "../../lib/config/tenant.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { createJournalErp } from "../../lib/erp/journal/adapter.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { attachReceipts } from "../../lib/receipts/attach.js";
import { downloadFile } from "../../lib/receipts/download.js";
import { receiptLedgerView } from "../../lib/receipts/ledger-view.js";
import type { ReceiptObject, ReceiptsMessage } from "../../lib/receipts/message.js";
import { receiptRampOf } from "../../lib/receipts/ramp-view.js";
import { memoryMetrics } from "../../lib/sync/metrics.js";
import { sandboxReceipts } from "../../local/ramp-sandbox/control-client.js";
import { startLocalStack } from "../../local/runtime/stack.js";
import { memoryLedger, memoryReceiptStore } from "../../test/support/memory-receipts.js";
import { startWorld, TENANT } from "../drain/world.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("receipts");
/** Objects the naive attach runs on (then extrapolated to all). */
const NAIVE_SUBSET = 40;
/** Every receipt's size in the run: a typical phone photo or one-page scan. */
const FILE_BYTES = 250 * 1024;

export default async function receiptsSuite(ctx: BenchContext): Promise<SuiteOutput> {
  const N = Number(process.env.RECEIPTS_BENCH_N ?? (ctx.quick ? 200 : 1_000));
  const log = ctx.log;
  const world = await startWorld({ transactions: N }, 21);
  const stack = await startLocalStack({
    dynamoEndpoint: ctx.dynamoEndpoint,
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: world.root },
  });
  try {
    stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
      client_id: world.sb.clientId,
      client_secret: world.sb.clientSecret,
    });
    const tenant = await stack.saveTenant({ ...world.tenant, sync: { attachReceipts: false }, version: 0 });
    await stack.coaPush(TENANT);
    await world.code(0);
    log(`receipts: draining ${N} transactions without their receipts`);
    await stack.pollSchedule();
    await stack.drain({ timeoutMs: 600_000 });
    await stack.sweep();

    const biz = world.sb.state.businesses.get(world.sb.businessId);
    const synced = [...(biz?.transactions.all() ?? [])].filter((t) => t.status === "SYNCED");
    const posted = await receiptLedgerView(stack.store.ledger).postedRefs(
      TENANT,
      "transaction",
      synced.map((t) => t.id),
    );
    const objects: ReceiptObject[] = synced.flatMap((t) => {
      const p = posted.get(t.id);
      return p && t.receipts.length
        ? [
            {
              kind: "transaction" as const,
              rampId: t.id,
              entityId: p.entityId,
              erpRef: p.erpRef,
              receiptIds: [...t.receipts],
              at: new Date(t.userTime).toISOString(),
            },
          ]
        : [];
    });
    const receipts = objects.reduce((a, o) => a + o.receiptIds.length, 0);
    // The sandbox's files are 2–12 KB; real ones (phone photos, scanned PDFs) are ~100 KB–2 MB.
    const rc = sandboxReceipts(world.sb.url);
    for (const o of objects) for (const id of o.receiptIds) await rc.updateReceipt(id, { size: FILE_BYTES });

    // The journal before any receipt, for the naive pass.
    const before = join(world.root, "naive");
    await mkdir(before, { recursive: true });
    await copyFile(world.journalPath, join(before, "books.journal"));

    log(`receipts: attaching ${receipts} receipts of ${objects.length} objects`);
    await world.control("POST", "/stats/reset");
    const sqs = stack.sqs.client();
    for (let k = 0; k < objects.length; k += 10) {
      const body: ReceiptsMessage = {
        v: 1,
        type: "attach",
        tenantId: TENANT,
        objects: objects.slice(k, k + 10),
      };
      await sqs.send(
        new SendMessageCommand({ QueueUrl: stack.queues.receipts.url, MessageBody: JSON.stringify(body) }),
      );
    }
    const t0 = performance.now();
    await stack.drain({ timeoutMs: 600_000 });
    const seconds = (performance.now() - t0) / 1000;
    const calls = await routeCalls(world.control);
    const stats = await stack.store.receipts.stats(TENANT);
    const reads =
      (calls["GET /developer/v1/receipts"] ?? 0) + (calls["GET /developer/v1/receipts/{receipt_id}"] ?? 0);
    const downloads = calls["GET /files/receipts/{receipt_id}"] ?? 0;
    if (stats.attached !== receipts) throw new Error(`attached ${stats.attached} of ${receipts} receipts`);

    log(`receipts: ${seconds.toFixed(1)} s; naive baseline on ${NAIVE_SUBSET} objects`);
    const naivePath = join(before, "books.journal");
    const naiveErp = createJournalErp(naivePath);
    const client = createRampClient({
      tenantId: TENANT,
      baseUrl: world.sb.url,
      credentials: {
        get: async () => ({ clientId: world.sb.clientId, clientSecret: world.sb.clientSecret }),
      },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
    });
    const cfg = parseTenantConfig(tenant);
    const subset = objects.slice(0, NAIVE_SUBSET);
    await world.control("POST", "/stats/reset");
    const n0 = performance.now();
    for (const o of subset)
      await attachReceipts(
        {
          tenant: cfg,
          store: memoryReceiptStore(),
          ledger: memoryLedger({}),
          ramp: receiptRampOf(client),
          // One record per call, the first cut's journal write per object.
          erp: {
            attach: naiveErp.attach.bind(naiveErp),
            listAttachments: naiveErp.listAttachments.bind(naiveErp),
            capabilities: naiveErp.capabilities,
          },
          download: (url, opts) => downloadFile(url, opts),
          logger: silentLogger,
          metrics: memoryMetrics(),
          clock: Date.now,
        },
        [{ ...o, at: null }],
      );
    const naivePerObject = (performance.now() - n0) / 1000 / subset.length;
    const naiveCalls = await routeCalls(world.control);
    const naiveReads = naiveCalls["GET /developer/v1/receipts/{receipt_id}"] ?? 0;
    await naiveErp.close();
    await rm(before, { recursive: true, force: true });
    const naiveSeconds = naivePerObject * objects.length;
    const subsetReceipts = subset.reduce((a, o) => a + o.receiptIds.length, 0);

    const label = `${receipts.toLocaleString("en-US")} receipts`;
    const mb = stats.bytes / 1024 / 1024;
    return {
      figures: [
        fig("rate", `${label}: attached per second`, receipts / seconds, "receipts/s", {
          note: `naive: ${(receipts / naiveSeconds).toFixed(1)}/s (measured on ${subset.length} objects, extrapolated)`,
        }),
        fig("wall", `${label}: wall`, seconds * 1000, "ms", {
          baseline: naiveSeconds * 1000,
          note: `naive: one object at a time, by id, one journal rewrite each (${subset.length} measured, extrapolated)`,
        }),
        fig("bytes-rate", `${label}: bytes into the journal`, mb / seconds, "MiB/s", {
          note: `${mb.toFixed(1)} MiB in all`,
        }),
        fig("ramp-reads", `${label}: Ramp receipt reads`, reads, "calls", {
          floor: Math.ceil(receipts / 100),
          note: `naive: one GET /receipts/{id} each (${naiveReads} for ${subsetReceipts})`,
        }),
        fig("downloads", `${label}: file downloads`, downloads, "calls", { floor: receipts }),
      ],
      detail: {
        transactions: N,
        objects: objects.length,
        receipts,
        bytes: stats.bytes,
        seconds: Math.round(seconds * 1000) / 1000,
        calls,
        naive: {
          perObjectMs: Math.round(naivePerObject * 1e4) / 10,
          measuredOn: subset.length,
          reads: naiveReads,
        },
      },
    };
  } finally {
    await stack.stop();
    await world.close();
  }
}

async function routeCalls(
  control: (m: string, p: string) => Promise<unknown>,
): Promise<Record<string, number>> {
  return ((await control("GET", "/stats")) as { byRoute: Record<string, number> }).byRoute;
}
