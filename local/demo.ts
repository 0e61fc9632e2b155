/**
 * `npm run demo`: the whole loop on this machine, no AWS and no Ramp needed.
 *
 * A Ramp sandbox business (two entities: USD and EUR) ⇄ the embedded journal ERP
 * (an hledger file), through the real Lambda handlers on a local stack (DynamoDB
 * Local, the SQS emulator with DLQs, the Secrets Manager stand-in):
 *   1. coa-push uploads the journal's chart (accounts, departments, vendors) to Ramp;
 *   2. the sandbox codes its ready spend against that chart, as users do in Ramp's UI;
 *   3. the poll schedule fans out, the syncer drains the queues, the sweep reports;
 *   4. a summary: what Ramp now shows, the sync calls made, and the journal checked by hledger.
 *
 * Flags: --seed N (7), --transactions N (60), --bills N (12), --keep (leave the sandbox
 * and journal running for exploration until Ctrl-C). Needs Java 17+ (DynamoDB Local).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createDemoJournal, demoCompanies } from "./demo-journal.js";
import { sandboxControl } from "./ramp-sandbox/control-client.js";
import { startSandbox } from "./ramp-sandbox/server.js";
import { startDynamoLocal } from "./runtime/dynamo-local.js";
import { startLocalStack } from "./runtime/stack.js";

const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "7" },
    transactions: { type: "string", default: "60" },
    bills: { type: "string", default: "12" },
    keep: { type: "boolean", default: false },
    dir: { type: "string", default: ".demo" },
  },
});
const TENANT = "acme-demo";
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (n: number, what: string) => say(`\n[${n}/4] ${what}`);

async function main(): Promise<void> {
  const dir = resolve(args.dir);
  mkdirSync(dir, { recursive: true });
  // A journal tenant's file lives in <JOURNAL_ROOT>/<tenantId>/ (lib/erp/journal-file.ts); the root is `dir`.
  mkdirSync(join(dir, TENANT), { recursive: true });
  const journalName = `books-${Date.now()}.journal`;
  const journal = join(dir, TENANT, journalName);
  await createDemoJournal(journal);
  const [us, eu] = demoCompanies();
  if (!us || !eu) throw new Error("the demo journal has two companies");

  say("Starting DynamoDB Local, the SQS emulator, the Secrets Manager stand-in and the Ramp sandbox …");
  const dynamo = await startDynamoLocal();
  const sb = await startSandbox({
    port: 0,
    seed: Number(args.seed),
    transactions: Number(args.transactions),
    bills: Number(args.bills),
    reimbursements: 10,
    transfers: 3,
    cashbacks: 3,
    vendorCredits: 3,
    readyShare: 1,
    entities: [
      { name: "Acme Corp", currency: "USD" },
      { name: "Acme Europe", currency: "EUR" },
    ],
    currencies: ["USD", "EUR"],
    log: () => {},
  });
  const control = sandboxControl(sb.url);
  const stack = await startLocalStack({
    dynamoEndpoint: dynamo.endpoint,
    env: { LOG_LEVEL: "ERROR", JOURNAL_ROOT: dir },
    onHandlerError: (fn, err) => say(`  ! ${fn}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const stop = async () => {
    await stack.stop();
    await sb.close();
    await dynamo.stop();
  };

  try {
    const entities = await control<Array<{ id: string; entity_name: string }>>("GET", "/entities");
    const idOf = (name: string) => entities.find((e) => e.entity_name === name)?.id ?? "";
    stack.seedSecret("ramp-erp-sync/acme-demo/ramp", {
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
    });
    await stack.saveTenant({
      tenantId: TENANT,
      displayName: "Acme (demo)",
      version: 0,
      ramp: {
        baseUrl: sb.url,

        remoteProviderName: "Journal (demo)",
        settings: { vendorCreationOnSync: true },
      },
      erp: { kind: "journal", path: journalName },
      companies: [us, eu],
      entities: [
        { rampEntityId: idOf("Acme Corp"), companyKey: us.key },
        { rampEntityId: idOf("Acme Europe"), companyKey: eu.key },
      ],
      objectTypes: { vendorCredits: true },
    });

    step(1, "coa-push: the journal's chart of accounts → Ramp");
    const push = await stack.coaPush(TENANT);
    say(`  ${push.writeCalls} write calls, ${push.failures.length} items refused`);
    const again = await stack.coaPush(TENANT);
    say(`  a second push with nothing changed: ${again.writeCalls} write calls`);

    step(2, "Ramp users code their spend against that chart (sandbox control call)");
    const coded = await control<Record<string, unknown>>("POST", "/code", {
      seed: Number(args.seed),
      vendorless_share: 0.2,
      entity_remote_ids: { [idOf("Acme Corp")]: us.key, [idOf("Acme Europe")]: eu.key },
    });
    say(`  ${JSON.stringify(coded)}`);

    step(3, "poll schedule → poll jobs → work queue → syncer → report sweep");
    const schedule = await stack.pollSchedule();
    const drain = await stack.drain();
    const sweep = await stack.sweep();
    say(
      `  polled ${schedule.dispatched.length} tenant(s); syncer invocations ${drain.work.invocations}, ` +
        `messages ${drain.work.received}; sweep made ${sweep.calls} report call(s)`,
    );

    step(4, "What Ramp shows now, and the journal");
    const summary = await control<Record<string, unknown>>("GET", "/summary");
    say(`  Ramp objects: ${JSON.stringify(summary)}`);
    const syncs = await control<Array<{ syncType: string; successful: string[]; failed: string[] }>>(
      "GET",
      "/syncs",
    );
    const byType = new Map<string, { calls: number; ok: number; failed: number }>();
    for (const c of syncs) {
      const t = byType.get(c.syncType) ?? { calls: 0, ok: 0, failed: 0 };
      byType.set(c.syncType, {
        calls: t.calls + 1,
        ok: t.ok + c.successful.length,
        failed: t.failed + c.failed.length,
      });
    }
    for (const [type, t] of byType) say(`  ${type}: ${t.calls} call(s), ${t.ok} synced, ${t.failed} failed`);
    const failedIds = syncs.flatMap((c) => c.failed).slice(0, 3);
    for (const id of failedIds) {
      const o = await control<{ sync: { last_error: string | null } }>("GET", `/objects/${id}`);
      say(`  export error on ${id}: ${o.sync.last_error}`);
    }
    say(`  journal: ${journal}`);
    try {
      execFileSync("hledger", ["-f", journal, "check", "-s", "payees"], { stdio: "pipe" });
      say("  hledger check -s payees: OK (balanced, every account, commodity and payee declared)");
    } catch (err) {
      const out = err as { code?: string; stderr?: Buffer };
      say(out.code === "ENOENT" ? "  (install hledger to check the journal)" : `  hledger: ${out.stderr}`);
    }

    if (args.keep) {
      const target = join(dir, "ops.local.json");
      writeFileSync(target, `${JSON.stringify(stack.opsTarget(), null, 2)}\n`);
      say(`\nThe ops CLI acts on this stack: npx ramp-erp-sync --local ${target} status`);
      say(
        `\nThe sandbox stays up at ${sb.url} (client_id ${sb.clientId}); its control API is under /sandbox.`,
      );
      say("Press Ctrl-C to stop.");
      await new Promise<void>((done) => process.once("SIGINT", () => done()));
    }
  } finally {
    await stop();
  }
}

await main();
