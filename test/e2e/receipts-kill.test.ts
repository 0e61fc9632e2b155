/**
 * The receipts attach killed mid-way (issue #17): a child process runs the real receipts
 * Lambda (test/e2e/support/receipts-child.ts) on an attach message for a transaction already
 * in the journal ERP with three receipts, freezes at a point inside the attach — after the
 * downloads, with the files on disk but their tags not yet in the entry (the journal's
 * `erp-receipt-filed`), after the ERP write but before the rows — and is SIGKILLed; a second
 * child runs the redelivered message to the end. Over DynamoDB Local, the Ramp sandbox over
 * HTTP, the journal ERP on disk and the Secrets Manager stand-in (a local stack's).
 *
 * Holds at every point: each receipt is in the ERP exactly once (one `receipt:` tag, its file
 * holding the bytes Ramp serves), every row says attached, and hledger still reads the journal.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWorld, TENANT, type World } from "../../bench/drain/world.js";
import { ATTACH_CRASH_POINTS } from "../../lib/erp/crash-points.js";
import { hledgerCheck } from "../../lib/erp/journal/hledger-cli.js";
import type { RampTransaction } from "../../lib/ramp/model.js";
import { receiptLedgerView } from "../../lib/receipts/ledger-view.js";
import type { ReceiptsMessage } from "../../lib/receipts/message.js";
import { RECEIPT_CRASH_POINTS } from "../../lib/receipts/ports.js";
import { sandboxReceipts } from "../../local/ramp-sandbox/control-client.js";
import { type LocalStack, startLocalStack } from "../../local/runtime/stack.js";
import { buildChild, runChild, stackEnv } from "./support/lambda-child.js";

/** The journal's points only (`erp-attach-between` is Tryton's: test/erp/tryton-attachments.test.ts). */
const POINTS = [RECEIPT_CRASH_POINTS[0], ATTACH_CRASH_POINTS[1], RECEIPT_CRASH_POINTS[1]] as const;

let world: World;
let stack: LocalStack;
let childFile: string;
let synced: RampTransaction[];

beforeAll(async () => {
  world = await startWorld({ transactions: 12 }, 5);
  stack = await startLocalStack({
    dynamoEndpoint: inject("dynamoEndpoint"),
    env: { LOG_LEVEL: "SILENT", JOURNAL_ROOT: world.root },
    concurrency: 1,
  });
  stack.seedSecret(`ramp-erp-sync/${TENANT}/ramp`, {
    client_id: world.sb.clientId,
    client_secret: world.sb.clientSecret,
  });
  // The drain posts without receipts; each case hands one object's receipts over by hand.
  await stack.saveTenant({ ...world.tenant, sync: { attachReceipts: false }, version: 0 });
  await stack.coaPush(TENANT);
  await world.code(0);
  await stack.pollSchedule();
  await stack.drain({ timeoutMs: 120_000 });
  await stack.sweep();
  const biz = world.sb.state.businesses.get(world.sb.businessId);
  synced = [...(biz?.transactions.all() ?? [])]
    .filter((t) => t.status === "SYNCED")
    .map((t) => ({ id: t.id }) as RampTransaction);
  childFile = await buildChild("./receipts-child.ts");
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await world?.close();
});

const child = (body: string, arm: string | null) =>
  runChild(childFile, "RECEIPTS_CHILD", { env: { ...stackEnv(stack), JOURNAL_ROOT: world.root }, body, arm });

/** `receipt:` tag paths in the journal naming this receipt id. */
async function tagsOf(id: string): Promise<string[]> {
  const text = await readFile(world.journalPath, "utf8");
  return [...text.matchAll(/receipt: ?([^,\s]+)/g)]
    .map((m) => m[1] as string)
    .filter((p) => p.endsWith(`/${id}.pdf`) || p.endsWith(`/${id}.png`) || p.endsWith(`/${id}.jpg`));
}

describe("the receipts attach killed inside its write", { timeout: 180_000 }, () => {
  for (const [n, point] of POINTS.entries()) {
    it(`SIGKILL at ${point}, then the redelivered message: each receipt in the ERP once, whole`, async () => {
      const rc = sandboxReceipts(world.sb.url);
      const tx = synced[n] as RampTransaction;
      expect(tx).toBeDefined();
      // Three receipts of three types on an object already in the ERP.
      const ids = [
        (await rc.addReceipt({ transaction_id: tx.id, content_type: "application/pdf", size: 90_000 })).id,
        (await rc.addReceipt({ transaction_id: tx.id, content_type: "image/png", size: 20_000 })).id,
        (await rc.addReceipt({ transaction_id: tx.id, content_type: "image/jpeg", size: 250_000 })).id,
      ];
      const posted = await receiptLedgerView(stack.store.ledger).postedRefs(TENANT, "transaction", [tx.id]);
      const p = posted.get(tx.id);
      expect(p).toBeDefined();
      const message: ReceiptsMessage = {
        v: 1,
        type: "attach",
        tenantId: TENANT,
        objects: [
          {
            kind: "transaction",
            rampId: tx.id,
            entityId: p?.entityId ?? null,
            erpRef: p?.erpRef as string,
            receiptIds: ids,
            at: null,
          },
        ],
      };
      const body = JSON.stringify(message);

      const killed = child(body, point);
      expect(await killed.first).toBe("window");
      killed.proc.kill("SIGKILL");
      await new Promise((r) => killed.proc.on("exit", r));

      const again = child(body, null);
      expect(await again.first).toBe("done");

      for (const id of ids) {
        const tags = await tagsOf(id);
        expect({ id, tags: tags.length }).toEqual({ id, tags: 1 });
        const onDisk = await readFile(join(dirname(world.journalPath), tags[0] as string));
        const res = await fetch((await rc.getReceipt(id)).receipt_url);
        expect(onDisk.equals(Buffer.from(await res.arrayBuffer()))).toBe(true);
      }
      const rows = await stack.store.receipts.rowsOf(TENANT, [{ kind: "transaction", rampId: tx.id }]);
      expect(rows.filter((r) => ids.includes(r.receiptId)).map((r) => r.state)).toEqual([
        "attached",
        "attached",
        "attached",
      ]);
      await hledgerCheck(world.journalPath);
    });
  }
});
