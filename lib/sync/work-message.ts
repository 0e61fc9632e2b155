/**
 * The SQS work message (ARCHITECTURE.md): one per kind per object. The poller and
 * the webhook produce it; the syncer consumes it. `snapshot` is the object as
 * listed, already normalised (lib/ramp/model.ts), so syncing N objects costs no
 * extra GETs; it is left out when too large and the syncer re-fetches by id.
 */
import * as z from "zod";
import { KINDS } from "../domain/kinds.js";
import { sqsSafeJson } from "./sqs-safe-json.js";

/** Who enqueued the work; `ops` = an operator's `retry` (ops/act-commands.ts). */
export const WORK_SOURCES = ["poll", "webhook", "button", "sweep", "ops"] as const;

/** SQS allows 256 KiB per message; stay well below it with the envelope and attributes. */
export const MAX_SNAPSHOT_BYTES = 200 * 1024;

export const WorkMessageSchema = z
  .object({
    v: z.literal(1),
    tenantId: z.string().min(1),
    entityId: z.string().min(1).nullish(),
    kind: z.enum(KINDS),
    rampId: z.string().min(1),
    snapshot: z.looseObject({ id: z.string() }).optional(),
    syncRequestId: z.string().min(1).nullish(),
    source: z.enum(WORK_SOURCES),
    enqueuedAt: z.iso.datetime(),
    /**
     * A Sync Button row's deadline (lib/domain/button-window.ts): until then a transient
     * failure is retried within seconds instead of told; after it, the row is ordinary work.
     */
    deadline: z.iso.datetime().optional(),
    /**
     * The poller could not read the object as listed (lib/ramp/invalid.ts): the message
     * carries no snapshot, and the syncer reads the object by id — recording a
     * needs-integrator failure if that fails too. The summary is for logs and the DLQ.
     */
    invalid: z.object({ summary: z.string().min(1).max(500) }).optional(),
  })
  .refine((m) => !m.snapshot || m.snapshot.id === m.rampId, {
    message: "snapshot.id must equal rampId",
    path: ["snapshot", "id"],
  });
export type WorkMessage = z.infer<typeof WorkMessageSchema>;

/**
 * Builds the message body, dropping the snapshot when it would not fit in one SQS
 * message. Characters SQS refuses (U+FFFE/U+FFFF, lone surrogates) and astral ones
 * the local emulator refuses are written as JSON escapes (sqsSafeJson): the same
 * object arrives, and no memo can make its message unsendable.
 */
export function workMessageBody(msg: WorkMessage): string {
  const body = sqsSafeJson(JSON.stringify(WorkMessageSchema.parse(msg)));
  if (Buffer.byteLength(body) <= MAX_SNAPSHOT_BYTES || !msg.snapshot) return body;
  return idOnlyBody(msg);
}

/** The message without its snapshot: the syncer fetches the object by id. Ids only, so SQS accepts it. */
export function idOnlyBody(msg: WorkMessage): string {
  const { snapshot: _dropped, ...idOnly } = msg;
  return sqsSafeJson(JSON.stringify(WorkMessageSchema.parse(idOnly)));
}

/**
 * Parses a received body. Returns an error description instead of throwing so the
 * consumer can route a malformed message to the DLQ with a clear log line.
 */
export function parseWorkMessage(
  body: string,
): { ok: true; message: WorkMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: "work message is not JSON" };
  }
  const r = WorkMessageSchema.safeParse(json);
  if (r.success) return { ok: true, message: r.data };
  return {
    ok: false,
    error: r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
  };
}

/**
 * SQS FIFO-free dedupe id for a batch entry: the same object and kind enqueued twice
 * in one SendMessageBatch would be rejected by SQS (entry ids must be unique per call).
 */
export const batchEntryId = (msg: Pick<WorkMessage, "kind" | "rampId">) =>
  `${msg.kind}-${msg.rampId}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80);
