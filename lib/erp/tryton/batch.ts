/**
 * postBatch: look-before-create for a batch, per company. One lookup finds what
 * earlier attempts wrote; what is done is reported as found, stale drafts (killed
 * before `post`) are posted, new journal entries go out in chunks (move-chunks.ts),
 * documents one at a time (documents.ts). Every posting gets its own outcome.
 *
 * The kill-test hook `erp-between` fires after each write unit while more remain,
 * so the chaos suite can stop the worker between the records of one batch.
 */
import { integratorError, type Posting, type PostOutcome, type PostResult } from "../port.js";
import type { Journals, TrytonCore } from "./core.js";
import { type DocumentPosting, postDocument } from "./documents.js";
import { toErpError } from "./errors.js";
import { erpRef } from "./ids.js";
import { type Found, findRecords } from "./lookup.js";
import { chunked, createMoves, type MoveJob, type Report } from "./move-chunks.js";
import { transactionDraft, twoLineDraft } from "./moves.js";
import { collectNeeds, Needs } from "./needs.js";
import { Refs } from "./refs.js";

type Batched = Extract<Posting, { kind: "transaction" | "transfer" | "cashback" }>;
const isBatched = (p: Posting): p is Batched =>
  p.kind === "transaction" || p.kind === "transfer" || p.kind === "cashback";

export async function postBatch(core: TrytonCore, postings: readonly Posting[]): Promise<PostOutcome[]> {
  const outcomes: (PostOutcome | undefined)[] = new Array(postings.length).fill(undefined);
  const groups = new Map<string, number[]>();
  postings.forEach((p, i) => {
    // Not written to Tryton yet (the credit note's payable line reconciled with the invoice's
    // is still to do): each fails alone, saying so, and waits in the ledger for that release.
    if (p.kind === "credit_application") {
      outcomes[i] = {
        ok: false,
        error: integratorError(
          "Applying a vendor credit to a bill is not supported on Tryton yet",
          `${p.ref}: reconcile credit note ${p.creditErpId} with invoice ${p.billErpId} by hand`,
        ),
      };
      return;
    }
    groups.set(p.companyKey, [...(groups.get(p.companyKey) ?? []), i]);
  });
  for (const [key, indexes] of groups) {
    try {
      await core.session.run(() => postGroup(core, key, postings, indexes, outcomes));
    } catch (err) {
      const error = toErpError(err, "posting");
      for (const i of indexes) outcomes[i] ??= { ok: false, error };
    }
  }
  return outcomes.map((o) => o ?? { ok: false, error: integratorError("posting produced no outcome") });
}

/** What a company's postings need, decided from the lookup alone (no writes). */
export interface GroupPlan {
  /** Already posted by an earlier attempt: reported as found, not written again. */
  done: [number, PostResult][];
  /** To write (or to finish: a draft, a reimbursement's or bill payment's missing steps). */
  todo: number[];
  /** [index, index of the first posting with the same ref]: they share its outcome. */
  repeats: [number, number][];
}

/**
 * One posting per ref; repeats copy the first one's outcome. A found record that is not
 * a draft is done, except for bill payments and reimbursements, whose later steps
 * (payment, reconciliation) may still be missing: those are always written through.
 */
export function planGroup(
  postings: readonly Posting[],
  indexes: number[],
  found: Map<string, Found>,
): GroupPlan {
  const plan: GroupPlan = { done: [], todo: [], repeats: [] };
  const firstOfRef = new Map<string, number>();
  for (const i of indexes) {
    const p = postings[i] as Posting;
    const first = firstOfRef.get(p.ref);
    if (first !== undefined) {
      plan.repeats.push([i, first]);
      continue;
    }
    firstOfRef.set(p.ref, i);
    const f = found.get(p.ref);
    const multiStep = p.kind === "bill_payment" || p.kind === "reimbursement";
    if (f && f.state !== "draft" && !multiStep)
      plan.done.push([i, { erpId: erpRef(f.model, f.id), created: false }]);
    else plan.todo.push(i);
  }
  return plan;
}

/** Write units of a group: each stale draft, each chunk of new moves, each document. */
export function writeUnits(
  staleDrafts: number,
  newMoves: number,
  documents: number,
  maxBatchSize: number,
): number {
  return staleDrafts + Math.ceil(newMoves / maxBatchSize) + documents;
}

async function postGroup(
  core: TrytonCore,
  key: string,
  postings: readonly Posting[],
  indexes: number[],
  outcomes: (PostOutcome | undefined)[],
): Promise<void> {
  const company = await core.company(key);
  const journals = await core.journals();
  const found = await findRecords(core, company, [
    ...new Set(indexes.map((i) => (postings[i] as Posting).ref)),
  ]);
  const report: Report = {
    ok: (i, result) => {
      outcomes[i] = { ok: true, result };
    },
    fail: (i, err) => {
      outcomes[i] = { ok: false, error: toErpError(err, "posting") };
    },
  };
  const plan = planGroup(postings, indexes, found);
  for (const [i, result] of plan.done) report.ok(i, result);

  const needs = new Needs();
  for (const i of plan.todo) collectNeeds(postings[i] as Posting, company, needs);
  const refs = await Refs.load(core.session, company, needs);

  const { staleDrafts, drafts, docs } = sortWrites(postings, plan.todo, found, { refs, journals }, report);
  const between = betweenHook(
    core,
    writeUnits(staleDrafts.length, drafts.length, docs.length, core.settings.maxBatchSize),
  );
  for (const s of staleDrafts) {
    try {
      await core.session.rpc.button("account.move", "post", [s.id], core.session.ctx(company.id));
      report.ok(s.i, { erpId: erpRef("account.move", s.id), created: false });
    } catch (err) {
      report.fail(s.i, err);
    }
    await between((postings[s.i] as Posting).ref);
  }
  for (const chunk of chunked(drafts, core.settings.maxBatchSize)) {
    await createMoves(core, company, refs, chunk, report);
    await between((postings[(chunk[chunk.length - 1] as MoveJob).i] as Posting).ref);
  }
  // Documents: one at a time (an invoice needs create, tax fix-up and post in sequence).
  const scope = { core, company, journals, refs };
  for (const { i, p } of docs) {
    try {
      report.ok(i, await postDocument(scope, p, found.get(p.ref) ?? null));
    } catch (err) {
      report.fail(i, err);
    }
    await between(p.ref);
  }
  for (const [i, first] of plan.repeats) {
    const o = outcomes[first];
    outcomes[i] = o?.ok ? { ok: true, result: { ...o.result, created: false } } : o;
  }
}

interface Writes {
  /** New journal entries, built up front. */
  drafts: MoveJob[];
  /** Journal entries created by an attempt that failed before `post`: posted as they are. */
  staleDrafts: { i: number; id: number }[];
  docs: { i: number; p: DocumentPosting }[];
}

/** Sorts the postings to write by how they are written; a journal entry that cannot be built fails alone. */
function sortWrites(
  postings: readonly Posting[],
  todo: number[],
  found: Map<string, Found>,
  { refs, journals }: { refs: Refs; journals: Journals },
  report: Report,
): Writes {
  const writes: Writes = { drafts: [], staleDrafts: [], docs: [] };
  for (const i of todo) {
    const p = postings[i] as Posting;
    if (!isBatched(p)) {
      // Credit applications never reach here: postBatch fails them before grouping.
      if (p.kind === "credit_application") continue;
      writes.docs.push({ i, p });
      continue;
    }
    const f = found.get(p.ref);
    if (f) {
      writes.staleDrafts.push({ i, id: f.id });
      continue;
    }
    try {
      const journal = p.kind === "transfer" ? journals.cash : journals.card;
      writes.drafts.push({
        i,
        draft: p.kind === "transaction" ? transactionDraft(p, refs, journal) : twoLineDraft(p, refs, journal),
      });
    } catch (err) {
      report.fail(i, err);
    }
  }
  return writes;
}

/** The `erp-between` kill-test window after each of `units` write units, except the last. */
function betweenHook(core: TrytonCore, units: number): (ref: string) => Promise<void> {
  let written = 0;
  return async (ref) => {
    if (++written < units) await core.crash?.("erp-between", { refs: [ref] });
  };
}
