/**
 * The poll-jobs queue message, and the button-jobs queue's. The scheduled fan-out
 * sends one `poll` job per due tenant onto poll-jobs; the Sync Button webhook sends
 * a `button` job onto button-jobs, and the button job schedules its own
 * `button-deadline` job there (lib/poll/button-deadline.ts). A job that
 * runs short of Lambda time re-enqueues itself with a `continuation`: the
 * steps it planned (so a config change mid-walk cannot shift step indices),
 * where it stopped, and the backlog counted so far. Pure (zod).
 */
import * as z from "zod";
import { type ButtonTimes, buttonTimes } from "../domain/button-window.js";
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
    /** When Ramp's window started (the event's created_at, or our receipt): lib/domain/button-window.ts. */
    startedAt: z.iso.datetime().optional(),
    /** When what is still unsynced is told to Ramp as a failure we retry; absent (older jobs) = dispatchedAt + the default. */
    deadline: z.iso.datetime().optional(),
    continuation: ContinuationSchema.optional(),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal("button-deadline"),
    tenantId,
    kind: z.enum(["transaction", "reimbursement"]),
    syncRequestId: z.string().min(1),
    startedAt: z.iso.datetime(),
    deadline: z.iso.datetime(),
  }),
]);
export type PollJob = z.infer<typeof PollJobSchema>;
export type ButtonJob = Extract<PollJob, { type: "button" }>;
export type ButtonDeadlineJob = Extract<PollJob, { type: "button-deadline" }>;
/** What the poll job function walks (the button function takes the other two). */
export type WalkJob = Extract<PollJob, { type: "poll" | "button" }>;

export function pollJob(
  tenantIdValue: string,
  now: number,
  sources?: readonly ReadySource[],
): Extract<PollJob, { type: "poll" }> {
  return {
    v: 1,
    type: "poll",
    tenantId: tenantIdValue,
    dispatchedAt: new Date(now).toISOString(),
    ...(sources?.length ? { sources: [...sources] } : {}),
  };
}

/** The job a `*.sync_requested` webhook enqueues, with Ramp's window (button-window.ts). */
export function buttonJob(
  input: { tenantId: string; kind: "transaction" | "reimbursement"; syncRequestId: string },
  now: number,
  times: ButtonTimes = buttonTimes(null, now),
): ButtonJob {
  return {
    v: 1,
    type: "button",
    ...input,
    dispatchedAt: new Date(now).toISOString(),
    startedAt: new Date(times.startedAt).toISOString(),
    deadline: new Date(times.deadline).toISOString(),
  };
}

/** A button job's window; jobs from before deadlines existed get the default window from dispatch. */
export function buttonJobTimes(job: ButtonJob | ButtonDeadlineJob): ButtonTimes {
  if (job.type === "button-deadline" || (job.startedAt && job.deadline))
    return { startedAt: Date.parse(job.startedAt as string), deadline: Date.parse(job.deadline as string) };
  return buttonTimes(null, Date.parse(job.dispatchedAt));
}

/** The deadline job a button job schedules for itself (sent delayed until the deadline). */
export function buttonDeadlineJob(job: ButtonJob): ButtonDeadlineJob {
  const t = buttonJobTimes(job);
  return {
    v: 1,
    type: "button-deadline",
    tenantId: job.tenantId,
    kind: job.kind,
    syncRequestId: job.syncRequestId,
    startedAt: new Date(t.startedAt).toISOString(),
    deadline: new Date(t.deadline).toISOString(),
  };
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
