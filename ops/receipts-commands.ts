/**
 * `ops receipts retry`: receipts given up for good sent back to the receipts queue once their
 * cause is fixed (lib/operate/retry-receipts.ts). The README's ReceiptsGivenUp runbook uses it.
 */
import { type Command, InvalidArgumentError } from "commander";
import { sendAllOrThrow } from "../lib/aws/sqs.js";
import { retryReceipts } from "../lib/operate/retry-receipts.js";
import { receiptLedgerView } from "../lib/receipts/ledger-view.js";
import { FAIL_REASONS, type FailReason } from "../lib/receipts/rules.js";
import { type CommandKit, dryRunOption, EXIT, emit, jsonOption } from "./command-kit.js";

function parseReason(value: string): FailReason {
  if ((FAIL_REASONS as readonly string[]).includes(value) && value !== "scope") return value as FailReason;
  throw new InvalidArgumentError(`expected one of ${FAIL_REASONS.filter((r) => r !== "scope").join(", ")}`);
}

export function registerReceiptsCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const receipts = sub(program, "receipts", "the receipts attached to ERP records (lib/receipts)");
  sub(
    receipts,
    "retry",
    "send receipts given up for good back to the receipts queue, once their cause is fixed",
  )
    .requiredOption("--tenant <id>", "tenant id")
    .option("--reason <reason>", "only those given up for this reason (too_large, gone, erp, …)", parseReason)
    .addOption(dryRunOption())
    .addOption(jsonOption())
    .action(async (o: { tenant: string; reason?: FailReason; dryRun?: boolean; json?: boolean }) => {
      const ctx = kit.ctx();
      if (!(await ctx.tenants().get(o.tenant))) {
        io.err(`unknown tenant ${o.tenant}`);
        io.err("hint: ramp-erp-sync tenants list");
        return exit(EXIT.refused);
      }
      const store = ctx.store();
      const r = await retryReceipts(
        {
          store: store.receipts,
          ledger: receiptLedgerView(store.ledger),
          send: async (messages) => {
            await sendAllOrThrow(
              ctx.aws().sqs,
              ctx.queue("receipts").url,
              messages.map((m, k) => ({ id: `m${k}`, body: JSON.stringify(m) })),
            );
          },
          now: ctx.now,
        },
        { tenantId: o.tenant, ...(o.reason ? { reason: o.reason } : {}), dryRun: o.dryRun === true },
      );
      emit(io, o.json, { tenantId: o.tenant, dryRun: o.dryRun === true, ...r }, () => [
        ...r.receipts.map((x) => `  ${x.kind} ${x.rampId} receipt ${x.receiptId} (was: ${x.reason ?? "-"})`),
        o.dryRun
          ? `dry run: ${r.receipts.length} receipts of ${r.objects} objects would be retried; nothing written`
          : `${r.receipts.length} receipts of ${r.objects} objects sent to the receipts queue`,
        ...(r.notInErp ? [`${r.notInErp} left: their objects are no longer in the ERP per the ledger`] : []),
      ]);
      exit(EXIT.done);
    });
}
