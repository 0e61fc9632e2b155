/**
 * `ops show <ramp id>`: one object's whole ledger story — for every kind that
 * has a row under that Ramp id, its current state, ERP id, attempts, the report
 * it is in (with the idempotency key its sync call carries, while the intent is
 * open) and its history steps, oldest first — then Ramp's current view of it.
 * Ramp is asked last and separately: when it cannot be reached the ledger part
 * still stands, and says so.
 */
import type { ErrorCategory, Kind } from "../domain/kinds.js";
import { redactText } from "../domain/redact.js";
import type { HistoryEntry, LedgerItem } from "../sync/ports.js";
import type { IntentHeaderView, ObjectStoryStore, RampObjectReads } from "./ports.js";
import { type RampSyncView, readRampViews } from "./ramp-view.js";
import type { ReceiptLine } from "./receipts.js";
import { isoOf } from "./time.js";

export interface StoryStep {
  at: string;
  state: string;
  erpRef: string | null;
  category: ErrorCategory | null;
  note: string | null;
  reportId: string | null;
  /** Operator steps only: who, and what they did. */
  by: string | null;
  action: string | null;
}

export interface StoryRow {
  kind: Kind;
  state: string;
  erpRef: string | null;
  attempts: number;
  told: boolean;
  category: ErrorCategory | null;
  message: string | null;
  heldReason: string | null;
  /** The report the row is in (REPORTING), or was last in; the key while its intent is still open. */
  report: { reportId: string; open: boolean; idempotencyKey: string | null } | null;
  createdAt: string;
  updatedAt: string;
  history: StoryStep[];
}

export interface ObjectStory {
  tenantId: string;
  rampId: string;
  rows: StoryRow[];
  /** Each receipt of the object and its state (lib/receipts); empty for kinds without receipts. */
  receipts: ReceiptLine[];
  ramp: { reachable: true; objects: RampSyncView[] } | { reachable: false; error: string };
}

const stepOf = (h: HistoryEntry): StoryStep => ({
  at: isoOf(h.at) as string,
  state: h.state,
  erpRef: h.erpRef ?? null,
  category: h.category ?? null,
  note: h.note ?? null,
  reportId: h.reportId ?? null,
  by: h.by ?? null,
  action: h.action ?? null,
});

/** One row as printed (pure); `intent` is its report's header when one is stored. */
export function storyRowOf(item: LedgerItem, intent: IntentHeaderView | undefined): StoryRow {
  return {
    kind: item.kind,
    state: item.state,
    erpRef: item.erpRef ?? null,
    attempts: item.attempts,
    told: item.told,
    category: item.category ?? null,
    message: item.message ?? null,
    heldReason: item.heldReason ?? null,
    report: item.reportId
      ? { reportId: item.reportId, open: !!intent, idempotencyKey: intent?.idempotencyKey ?? null }
      : null,
    createdAt: isoOf(item.createdAt) as string,
    updatedAt: isoOf(item.updatedAt) as string,
    history: (item.history ?? []).map(stepOf),
  };
}

/** The ledger part: null when no kind asked about has a row under this id. */
export async function readLedgerStory(
  store: ObjectStoryStore,
  tenantId: string,
  rampId: string,
  kinds: readonly Kind[],
): Promise<StoryRow[] | null> {
  const found = await store.ledger.getMany(
    tenantId,
    kinds.map((kind) => ({ kind, rampId })),
  );
  // In the order kinds are listed (a bill before its payment), not the batch read's.
  const items = kinds.flatMap((k) => [...found.values()].filter((i) => i.kind === k));
  if (!items.length) return null;
  return Promise.all(
    items.map(async (item) =>
      storyRowOf(item, item.reportId ? await store.intentHeaders.get(tenantId, item.reportId) : undefined),
    ),
  );
}

/** Ramp's part, never throwing: unreachable is an answer too. */
export async function readRampPart(
  ramp: () => RampObjectReads | Promise<RampObjectReads>,
  rampId: string,
  kinds: readonly Kind[],
): Promise<ObjectStory["ramp"]> {
  try {
    return { reachable: true, objects: await readRampViews(await ramp(), rampId, kinds) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { reachable: false, error: redactText(message.split("\n")[0] ?? message) };
  }
}
