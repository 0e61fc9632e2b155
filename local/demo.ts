/**
 * `npm run demo`: the whole loop on this machine, no AWS and no Ramp needed.
 *
 * A Ramp sandbox business (two entities: USD and EUR) ⇄ the embedded journal ERP
 * (an hledger file), through the real Lambda handlers on a local stack (DynamoDB
 * Local, the SQS emulator with DLQs, the Secrets Manager stand-in):
 *   1. coa-push uploads the journal's chart (accounts, departments, vendors) to Ramp;
 *   2. the sandbox codes its ready spend against that chart, as users do in Ramp's UI;
 *   3. the poll schedule fans out, the syncer drains the queues, the sweep reports —
 *      with live progress per kind (demo-progress.ts);
 *   4. the proof: `reconcile` holds Ramp, the ledger and the journal against each other
 *      object by object, every unsynced object is explained, demo-report.json is written;
 *      exit 0 only when everything reconciles (demo-ending.ts).
 *
 * `npm run demo -- --help` lists the flags. Needs Java 17+ (DynamoDB Local).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { CLI_EXIT, parseFlags, wholeNumber } from "./cli-flags.js";
import { deleteOneTransactionEntry } from "./demo-drift.js";
import { demoReport, endingLines } from "./demo-ending.js";
import { createDemoJournal, demoCompanies } from "./demo-journal.js";
import { PLAIN_INTERVAL_MS, startProgress } from "./demo-progress.js";
import { reconcileDemo } from "./demo-reconcile.js";
import { readSyncReport, syncSampler } from "./demo-watch.js";
import { sandboxControl } from "./ramp-sandbox/control-client.js";
import { startSandbox } from "./ramp-sandbox/server.js";
import { startDynamoLocal } from "./runtime/dynamo-local.js";
import { startLocalStack } from "./runtime/stack.js";

interface Flags {
  seed: number;
  transactions: number;
  bills: number;
  keep: boolean;
  dir: string;
  report?: string;
  /** Test only (hidden): drift planted before the ending. */
  plantDrift?: "erp-record";
  /** Test only (hidden): the plain progress period. */
  progressMs: number;
}

const args = parseFlags<Flags>(
  new Command("demo")
    .description(
      "Ramp sandbox ⇄ journal ERP through the real handlers on a local stack, then proved by reconcile",
    )
    .option("--seed <n>", "seed of the sandbox business", wholeNumber(), 7)
    .option("--transactions <n>", "card transactions to seed", wholeNumber(0, 1_000_000), 60)
    .option("--bills <n>", "bills to seed", wholeNumber(0, 100_000), 12)
    .option("--dir <path>", "work directory: the journal, demo-report.json", ".demo")
    .option("--report <path>", "where to write the report (default <dir>/demo-report.json)")
    .option("--keep", "leave the sandbox and the stack running until Ctrl-C", false)
    .addOption(new Option("--plant-drift <what>").choices(["erp-record"]).hideHelp())
    .addOption(
      new Option("--progress-ms <ms>").argParser(wholeNumber(100)).default(PLAIN_INTERVAL_MS).hideHelp(),
    ),
  process.argv.slice(2),
);
const TENANT = "acme-demo";
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (n: number, what: string) => say(`\n[${n}/4] ${what}`);
const tty = process.stdout.isTTY === true;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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
    seed: args.seed,
    transactions: args.transactions,
    bills: args.bills,
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
    const coded = await control<{ coded: Record<string, number> }>("POST", "/code", {
      seed: args.seed,
      vendorless_share: 0.2,
      entity_remote_ids: { [idOf("Acme Corp")]: us.key, [idOf("Acme Europe")]: eu.key },
    });
    const before = await readSyncReport(control);
    const c = coded.coded;
    say(
      `  coded ${plural(c.transactions ?? 0, "transaction")}, ${plural(c.reimbursements ?? 0, "reimbursement")}, ` +
        `${plural(c.bills ?? 0, "bill")} of ${before.counts.bill.total} (the others await approval: Ramp offers approved bills only), ` +
        `${plural(c.vendor_credits ?? 0, "vendor credit")}; ${plural(c.vendors_linked ?? 0, "Ramp vendor")} linked to journal payees`,
    );
    const due = Object.entries(before.counts)
      .filter(([, k]) => k.ready > 0)
      .map(([kind, k]) => `${k.ready} ${kind}`);
    say(`  due in Ramp now: ${due.join(", ") || "nothing"}`);

    step(3, "poll schedule → poll jobs → work queue → syncer → report sweep");
    const progress = startProgress({
      label: "sync",
      sample: syncSampler(control, stack.store, TENANT, before),
      out: say,
      tty,
      intervalMs: args.progressMs,
    });
    const schedule = await stack.pollSchedule();
    // The drain's default gives up after 10 minutes; a large demo on a slow machine takes longer,
    // and the progress shows it moving, so the demo waits up to an hour.
    const drain = await stack.drain({ timeoutMs: 3_600_000 });
    const sweep = await stack.sweep();
    await progress.stop();
    say(
      `  polled ${plural(schedule.dispatched.length, "tenant")}; syncer invocations ${drain.work.invocations}, ` +
        `messages ${drain.work.received}; the sweep made ${plural(sweep.calls, "report call")}`,
    );
    const syncs = await control<Array<{ syncType: string; successful: string[]; failed: string[] }>>(
      "GET",
      "/syncs",
    );
    const byType = new Map<string, { calls: number; ok: number; failed: number }>();
    for (const s of syncs) {
      const t = byType.get(s.syncType) ?? { calls: 0, ok: 0, failed: 0 };
      byType.set(s.syncType, {
        calls: t.calls + 1,
        ok: t.ok + s.successful.length,
        failed: t.failed + s.failed.length,
      });
    }
    say(
      `  Ramp sync calls: ${[...byType].map(([type, t]) => `${type} ${t.calls}× (${t.ok} ok, ${t.failed} failed)`).join(", ")}`,
    );

    if (args.plantDrift === "erp-record") {
      const id = await deleteOneTransactionEntry(journal);
      say(`  (test only) planted drift: deleted transaction ${id}'s entry from the journal`);
    }

    step(4, "The proof: Ramp ⇄ ledger ⇄ ERP reconciled object by object");
    // Objects Ramp lists (a bill and its payment are one object; vendor credits as coded: all are).
    const total =
      Object.entries(before.counts)
        .filter(([kind]) => kind !== "bill_payment")
        .reduce((a, [, k]) => a + k.total, 0) + (c.vendor_credits ?? 0);
    const rec = reconcileDemo(stack, TENANT);
    const reading = startProgress({
      label: "reconcile",
      sample: async () => [
        {
          kind: "objects read",
          due: total,
          posted: rec.objectsRead(),
          reported: rec.objectsRead(),
          failed: 0,
        },
      ],
      out: say,
      tty,
      intervalMs: args.progressMs,
    });
    const reconciled = await rec.done.finally(() => reading.stop());
    const after = await readSyncReport(control);
    const report = demoReport({ tenantId: TENANT, journal, reconcile: reconciled, unsynced: after.unsynced });
    for (const line of endingLines(report)) say(line);
    const reportPath = resolve(args.report ?? join(dir, "demo-report.json"));
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    say(`\n  report: ${reportPath}`);
    say(`  journal: ${journal}`);
    try {
      execFileSync("hledger", ["-f", journal, "check", "-s", "payees"], { stdio: "pipe" });
      say("  hledger check -s payees: OK (balanced, every account, commodity and payee declared)");
    } catch (err) {
      const out = err as { code?: string; stderr?: Buffer };
      say(out.code === "ENOENT" ? "  (install hledger to check the journal)" : `  hledger: ${out.stderr}`);
    }
    process.exitCode = report.ok ? CLI_EXIT.done : CLI_EXIT.failed;
    say(report.ok ? "\nDemo OK: everything reconciles." : "\nDemo FAILED: see above.");

    say("\nWhat next:");
    say(
      "  npm run demo -- --keep      leave this stack up and explore it (the sandbox's control API, the ops CLI)",
    );
    say(
      `  npx ramp-erp-sync --local ${join(dir, "ops.local.json")} reconcile --tenant ${TENANT}   (with --keep running)`,
    );
    say(`  hledger -f ${journal} balance   the books the sync wrote`);
    say("  npm run demo -- --help      more objects (--transactions, --bills), another seed");

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

main().catch((err: unknown) => {
  // The stack is stopped by main's finally; say what failed, without a stack trace for the user.
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.DEMO_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
  process.exit(CLI_EXIT.failed);
});
