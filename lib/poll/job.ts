/**
 * The poll-jobs queue message. The scheduled fan-out sends one `poll` job per
 * due tenant; the Sync Button webhook (later) sends a `button` job. A job that
 * runs short of Lambda time re-enqueues itself with a `continuation`: the
 * steps it planned (so a config change mid-walk cannot shift step indices),
 * where it stopped, and the backlog counted so far. Pure (zod).
 */
import * as z from "zod";
import { KINDS } from "../domain/kinds.js";
import { type ReadySource, ReadySourceSchema } from "../ramp/resume.js";

const PollStepSchema = z.object({
  source: ReadySourceSchema,
  entityId: z.string().min(1).nullable(),
});

export const ContinuationSchema = z.object({
  steps: z.array(PollStepSchema),
  /** Index into `steps` of the step to resume. */
  step: z.number().int().nonnegative(),
  /** Relative `page.next` URL of that step; null = start the step from its first page. */
  next: z.string().nullable(),
  /** SYNC_READY objects counted so far, per kind. */
  backlog: z.partialRecord(z.enum(KINDS), z.number().int().nonnegative()),
  /** How many invocations this walk has taken so far (for logs and a runaway guard). */
  hops: z.number().int().nonnegative(),
});
export type Continuation = z.infer<typeof ContinuationSchema>;

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const PollJobSchema = z.discriminatedUnion("type", [
  z.object({
    v: z.literal(1),
    type: z.literal("poll"),
    tenantId,
    /** When the schedule dispatched it (ISO). */
    dispatchedAt: z.iso.datetime(),
    /** Only these listings (an operator's `sync-now --kind`); absent = every enabled one. */
    sources: z.array(ReadySourceSchema).min(1).optional(),
    continuation: ContinuationSchema.optional(),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal("button"),
    tenantId,
    kind: z.enum(["transaction", "reimbursement"]),
    syncRequestId: z.string().min(1),
    dispatchedAt: z.iso.datetime(),
    continuation: ContinuationSchema.optional(),
  }),
]);
export type PollJob = z.infer<typeof PollJobSchema>;
export type ButtonJob = Extract<PollJob, { type: "button" }>;

export function pollJob(tenantIdValue: string, now: number, sources?: readonly ReadySource[]): PollJob {
  return {
    v: 1,
    type: "poll",
    tenantId: tenantIdValue,
    dispatchedAt: new Date(now).toISOString(),
    ...(sources?.length ? { sources: [...sources] } : {}),
  };
}

/** The job a `*.sync_requested` webhook enqueues. */
export function buttonJob(
  input: { tenantId: string; kind: "transaction" | "reimbursement"; syncRequestId: string },
  now: number,
): ButtonJob {
  return { v: 1, type: "button", ...input, dispatchedAt: new Date(now).toISOString() };
}

export function parsePollJob(body: string): { ok: true; job: PollJob } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: "poll job is not JSON" };
  }
  const r = PollJobSchema.safeParse(json);
  if (r.success) return { ok: true, job: r.data };
  return {
    ok: false,
    error: r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
  };
}
