/**
 * Journal entries of a batch, created and posted in chunks (two calls per chunk).
 * A chunk Tryton refuses is retried one move at a time, so the one bad posting fails
 * alone and the rest of the chunk still posts (isolate-and-retry). A transient
 * failure is not isolated: retrying move by move would only repeat it, and the whole
 * chunk is retried later anyway.
 */
import type { PostResult } from "../port.js";
import type { TrytonCore } from "./core.js";
import { toErpError } from "./errors.js";
import { erpRef } from "./ids.js";
import { type MoveDraft, moveValues } from "./moves.js";
import type { CompanyInfo, Refs } from "./refs.js";

/** A move to write for the posting at index `i` of the batch. */
export interface MoveJob {
  i: number;
  draft: MoveDraft;
}

/** Where each posting's outcome goes (the batch's outcome list). */
export interface Report {
  ok: (i: number, r: PostResult) => void;
  fail: (i: number, err: unknown) => void;
}

/** After a refused create or post of `size` moves: retry them one by one, or fail them all? */
export function shouldIsolate(size: number, err: unknown): boolean {
  return size > 1 && toErpError(err).category !== "transient";
}

/** `items` in consecutive chunks of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Creates and posts a chunk of moves in two calls; on a refusal, retries one by one to isolate it. */
export async function createMoves(
  core: TrytonCore,
  company: CompanyInfo,
  refs: Refs,
  chunk: MoveJob[],
  report: Report,
): Promise<void> {
  if (!chunk.length) return;
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  const refused = async (err: unknown) => {
    if (!shouldIsolate(chunk.length, err)) {
      for (const c of chunk) report.fail(c.i, err);
      return;
    }
    for (const c of chunk) await createMoves(core, company, refs, [c], report);
  };
  let ids: number[];
  try {
    ids = await rpc.create(
      "account.move",
      chunk.map((c) => moveValues(c.draft, refs)),
      ctx,
    );
  } catch (err) {
    return refused(err);
  }
  await core.crash?.("erp-created", { refs: chunk.map((c) => c.draft.ref) });
  try {
    await rpc.button("account.move", "post", ids, ctx);
    chunk.forEach((c, k) => {
      report.ok(c.i, { erpId: erpRef("account.move", ids[k] as number), created: true });
    });
  } catch (err) {
    // A refused post leaves drafts carrying our refs: delete them so a retry starts clean.
    await rpc.model("account.move", "delete", [ids], ctx).catch(() => undefined);
    await refused(err);
  }
}
