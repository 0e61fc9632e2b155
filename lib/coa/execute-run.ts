/**
 * The state one executePlan run carries from operation to operation (the report,
 * the Ramp ids resolved so far) and the two write shapes every executor uses: a
 * chunk upload that isolates Ramp's refusals, and a single-item write whose
 * refusal is reported rather than thrown.
 */
import * as z from "zod";
import { isItemRejection, type Rejection, rampReason, uploadIsolating } from "./isolate.js";
import type { CoaList, CoaOperation, RampSurface } from "./types.js";
import { type CoaClient, type CoaWriter, coaWriters } from "./writers.js";

export interface ItemFailure {
  list: CoaList | "tax_code_field" | "ramp_vendors";
  remoteId: string;
  op: CoaOperation["op"];
  reason: string;
  /** Ramp's error code, or null for items refused before sending. */
  code: string | null;
  traceId: string | null;
}

export interface ExecuteReport {
  /** Write calls made to Ramp (each upload chunk, each PATCH/DELETE/POST). */
  writeCalls: number;
  created: Record<CoaList, number>;
  updated: number;
  reactivated: number;
  deleted: number;
  hidden: number;
  unhidden: number;
  linked: number;
  taxCodeFieldCreated: boolean;
  failures: ItemFailure[];
  /** False when shouldStop ended the run before the last operation. */
  complete: boolean;
}

/** The items of one creation, each known by its remote id (for the report). */
export interface Creation<S extends { remoteId: string }> {
  op: CoaOperation["op"];
  items: readonly S[];
}

export interface ExecRun {
  client: CoaClient;
  writers: Record<CoaList, CoaWriter>;
  /** The (inactive) connection every upload targets, if any: the migration preload. */
  conn: string | undefined;
  report: ExecuteReport;
  /** Remote id → Ramp id of the active GL accounts, including those created or reactivated in this run. */
  glRampIds: Map<string, string>;
  fieldRampIds: Map<string, string>;
  /** Accounting vendors that did not land: never linked to. */
  failedVendors: Set<string>;
  fail(f: Omit<ItemFailure, "code" | "traceId"> & Partial<ItemFailure>): void;
  /**
   * Uploads each item's wire input (`toInput`) in isolating chunks through `send`;
   * items our schema refuses are reported, never sent.
   */
  upload<S extends { remoteId: string }, I>(
    list: CoaList,
    creation: Creation<S>,
    schema: z.ZodType<I>,
    toInput: (item: S) => unknown,
    send: (batch: I[]) => Promise<Array<{ ramp_id: string; id: string }>>,
  ): Promise<void>;
  /** One single-item write; Ramp refusing that item (or not finding it) is a reported failure, true on success. */
  single(
    list: ItemFailure["list"],
    op: CoaOperation["op"],
    remoteId: string,
    call: () => Promise<unknown>,
  ): Promise<boolean>;
}

function emptyReport(): ExecuteReport {
  return {
    writeCalls: 0,
    created: {
      gl_accounts: 0,
      fields: 0,
      vendors: 0,
      field_options: 0,
      tax_rates: 0,
      tax_code_options: 0,
    },
    updated: 0,
    reactivated: 0,
    deleted: 0,
    hidden: 0,
    unhidden: 0,
    linked: 0,
    taxCodeFieldCreated: false,
    failures: [],
    complete: true,
  };
}

export function startRun(
  client: CoaClient,
  current: Pick<RampSurface, "glAccounts" | "fields">,
  conn: string | undefined,
): ExecRun {
  const report = emptyReport();
  const glRampIds = new Map(current.glAccounts.filter((a) => a.isActive).map((a) => [a.remoteId, a.rampId]));
  const run: ExecRun = {
    client,
    writers: coaWriters(client),
    conn,
    report,
    glRampIds,
    fieldRampIds: new Map(current.fields.map((f) => [f.remoteId, f.rampId])),
    failedVendors: new Set(),
    fail: (f) => report.failures.push({ code: null, traceId: null, ...f }),
    upload: (list, creation, schema, toInput, send) =>
      upload(
        run,
        list,
        creation.op,
        schema,
        creation.items.map((s) => ({ remoteId: s.remoteId, input: toInput(s) })),
        send,
      ),
    single: (list, op, remoteId, call) => single(run, list, op, remoteId, call),
  };
  return run;
}

async function upload<I>(
  run: ExecRun,
  list: CoaList,
  op: CoaOperation["op"],
  schema: z.ZodType<I>,
  items: Array<{ remoteId: string; input: unknown }>,
  send: (batch: I[]) => Promise<Array<{ ramp_id: string; id: string }>>,
): Promise<void> {
  const { valid, invalid } = validEach(schema, items);
  for (const bad of invalid) run.fail({ list, op, remoteId: bad.remoteId, reason: bad.reason });
  if (valid.length === 0) return;
  const r = await uploadIsolating(valid, (batch) => send(batch.map((b) => b.input)));
  run.report.writeCalls += r.calls;
  run.report.created[list] += r.landed.length;
  for (const x of r.results) if (list === "gl_accounts") run.glRampIds.set(x.id, x.ramp_id);
  for (const rej of r.rejected as Rejection<{ remoteId: string }>[]) {
    run.fail({
      list,
      op,
      remoteId: rej.item.remoteId,
      reason: rej.reason,
      code: rej.code,
      traceId: rej.traceId,
    });
  }
}

async function single(
  run: ExecRun,
  list: ItemFailure["list"],
  op: CoaOperation["op"],
  remoteId: string,
  call: () => Promise<unknown>,
): Promise<boolean> {
  run.report.writeCalls++;
  try {
    await call();
    return true;
  } catch (err) {
    if (!isItemRejection(err) && !(err instanceof Error && "status" in err && err.status === 404)) throw err;
    const e = err as { code?: string | null; traceId?: string | null };
    run.fail({
      list,
      op,
      remoteId,
      reason: isItemRejection(err) ? rampReason(err) : (err as Error).message,
      code: e.code ?? null,
      traceId: e.traceId ?? null,
    });
    return false;
  }
}

/** Validates each item locally first: an item our schema refuses is reported, never sent. */
function validEach<I>(
  schema: z.ZodType<I>,
  items: Array<{ remoteId: string; input: unknown }>,
): { valid: Array<{ remoteId: string; input: I }>; invalid: Array<{ remoteId: string; reason: string }> } {
  const valid: Array<{ remoteId: string; input: I }> = [];
  const invalid: Array<{ remoteId: string; reason: string }> = [];
  for (const it of items) {
    const r = schema.safeParse(it.input);
    if (r.success) valid.push({ remoteId: it.remoteId, input: r.data });
    else
      invalid.push({
        remoteId: it.remoteId,
        reason: `invalid: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`,
      });
  }
  return { valid, invalid };
}

/** A key and its value, or nothing when the value is empty (Ramp's optional upload fields). */
export const optional = <K extends string, V>(key: K, v: V | null | undefined) =>
  (v === null || v === undefined || v === "" ? {} : { [key]: v }) as Partial<Record<K, V>>;
