/**
 * `status`, `failed`, `show <ramp id>`: what is stuck or failed for a tenant,
 * and why. Read-only. The read models are lib/status (pure assembly behind its
 * ports); this file picks tenants, wires the store and the tenant's Ramp
 * client to them, and prints (ops/status-lines.ts, or one JSON document
 * documented in ops/README.md). Exit codes as ops/program.ts EXIT.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { TenantConfig } from "../lib/config/tenant.js";
import { KINDS, type Kind } from "../lib/domain/kinds.js";
import { readFailedRows } from "../lib/status/failed-rows.js";
import { type ObjectStory, readLedgerStory, readRampPart } from "../lib/status/object-story.js";
import { readTenantStatus } from "../lib/status/read-tenant-status.js";
import { readObjectReceipts, readReceiptsStatus } from "../lib/status/receipts.js";
import type { TenantStatus } from "../lib/status/tenant-status.js";
import { type CommandKit, emit, jsonOption } from "./command-kit.js";
import { dlqDepths } from "./dlq-depths.js";
import { dlqLines, failedLines, statusLines, storyLines } from "./status-lines.js";

const kindOption = () => new Option("--kind <kind>", "only this kind").choices(KINDS);

/** `--since`: an ISO date or date-time (a date alone is midnight UTC). */
function isoDate(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(
      `--since must be an ISO date (2026-06-01 or 2026-06-01T12:00Z), got "${value}"`,
    );
  return ms;
}

export function registerStatusCommands(program: Command, kit: CommandKit): void {
  const { io, exit, sub } = kit;
  const now = () => (io.now ? io.now().getTime() : kit.ctx().now());

  /** The tenant named, or a refusal (exit 2) saying how to find the right id. */
  async function tenantOr2(tenantId: string, json: boolean): Promise<TenantConfig | null> {
    const tenant = await kit.ctx().tenants().get(tenantId);
    if (tenant) return tenant;
    const problem = `tenant ${tenantId}: not found`;
    if (json) io.out(JSON.stringify({ ok: false, problems: [problem] }));
    else {
      io.err(problem);
      io.err("hint: ops tenants list shows the enabled tenants");
    }
    exit(2);
    return null;
  }

  sub(
    program,
    "status",
    "per tenant and kind: last poll, backlog, ledger buckets, held objects, oldest unsynced, DLQs",
  )
    .option("--tenant <tenant>", "one tenant (default: every enabled tenant)")
    .addOption(jsonOption())
    .action(async (o: { tenant?: string; json?: boolean }) => {
      const json = o.json === true;
      const ctx = kit.ctx();
      const ids: string[] = [];
      // Each tenant's lines on its own clock (lib/domain/time-zone.ts).
      const zones = new Map<string, string>();
      const invalid: Array<{ tenantId: string; error: string }> = [];
      if (o.tenant) {
        const tenant = await tenantOr2(o.tenant, json);
        if (!tenant) return;
        ids.push(o.tenant);
        zones.set(o.tenant, tenant.timeZone);
      } else {
        let cursor: string | undefined;
        do {
          const page = await ctx.tenants().listEnabled({ limit: 100, ...(cursor ? { cursor } : {}) });
          ids.push(...page.tenants.map((t) => t.tenantId));
          for (const t of page.tenants) zones.set(t.tenantId, t.timeZone);
          invalid.push(...page.invalid);
          cursor = page.cursor;
        } while (cursor);
      }
      const at = now();
      const tenants: TenantStatus[] = [];
      // One tenant at a time: each already runs its 49 counts side by side.
      for (const id of ids)
        tenants.push({
          ...(await readTenantStatus(ctx.store(), id, at)),
          receipts: await readReceiptsStatus(ctx.store().receipts, id),
        });
      const dlq = await dlqDepths(ctx);
      emit(io, json, { at: new Date(at).toISOString(), tenants, invalid, dlq }, () => [
        ...(tenants.length
          ? tenants.flatMap((t) => statusLines(t, zones.get(t.tenantId)))
          : ["no enabled tenants"]),
        ...invalid.map((i) => `tenant ${i.tenantId}: INVALID configuration, not polled: ${i.error}`),
        ...dlqLines(dlq),
      ]);
      exit(0);
    });

  sub(
    program,
    "failed",
    "every failed object of a tenant, oldest first: category, message, attempts, told, reference",
  )
    .requiredOption("--tenant <tenant>", "tenant id")
    .addOption(kindOption())
    .option("--since <iso-date>", "only objects whose row changed at or after this time", isoDate)
    .addOption(jsonOption())
    .action(async (o: { tenant: string; kind?: Kind; since?: number; json?: boolean }) => {
      const json = o.json === true;
      const tenant = await tenantOr2(o.tenant, json);
      if (!tenant) return;
      const rows = await readFailedRows(kit.ctx().store().ledger, o.tenant, {
        ...(o.kind ? { kinds: [o.kind] } : {}),
        ...(o.since !== undefined ? { since: o.since } : {}),
      });
      emit(io, json, { tenantId: o.tenant, failed: rows }, () => failedLines(rows, tenant.timeZone));
      exit(0);
    });

  sub(program, "show", "one object's ledger history per kind, its report, and Ramp's current sync status")
    .argument("<rampId>", "the object's Ramp id")
    .requiredOption("--tenant <tenant>", "tenant id")
    .addOption(kindOption())
    .addOption(jsonOption())
    .action(async (rampId: string, o: { tenant: string; kind?: Kind; json?: boolean }) => {
      const json = o.json === true;
      const tenant = await tenantOr2(o.tenant, json);
      if (!tenant) return;
      const ctx = kit.ctx();
      const kinds = o.kind ? [o.kind] : [...KINDS];
      const rows = await readLedgerStory(ctx.store(), o.tenant, rampId, kinds);
      if (!rows) {
        const problem = `tenant ${o.tenant}: no ledger row for ${rampId}${o.kind ? ` of kind ${o.kind}` : ""}`;
        if (json) io.out(JSON.stringify({ ok: false, problems: [problem] }));
        else {
          io.err(problem);
          io.err(
            `hint: check the id (ops failed --tenant ${o.tenant} lists failed ones); an object never polled has no row`,
          );
        }
        exit(2);
        return;
      }
      const ramp = await readRampPart(
        () => ctx.runtimes().rampFor(tenant),
        rampId,
        rows.map((r) => r.kind),
      );
      const receipts = await readObjectReceipts(
        ctx.store().receipts,
        o.tenant,
        rampId,
        rows.map((r) => r.kind),
      );
      const story: ObjectStory = { tenantId: o.tenant, rampId, rows, receipts, ramp };
      emit(io, json, story, () => storyLines(story, tenant.timeZone));
      exit(0);
    });
}
