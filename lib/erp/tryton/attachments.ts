/**
 * Receipts in Tryton (issue #17): each file is an `ir.attachment` of type `data` on the
 * record the posting's ERP id names. ERP ids are Tryton reference strings
 * (`account.move,<id>`, `account.invoice,<id>`; ids.ts), which is exactly what the
 * attachment's `resource` Reference field holds, so the ERP id *is* the resource.
 *
 * The attachment's `name` is `ramp-receipt-<receipt id>.<ext>` (attachment-names.ts; our
 * ids only, no user text, no description, no link): that name is the idempotency key. One
 * search of the resource's attachments before creating — an attach repeated after a
 * redelivery or a kill finds what is there and adds only what is missing. `attach` creates
 * one file per call (each create is one Tryton transaction), with the `erp-attach-between`
 * crash point between two files; `attachMany` (a receipts run) creates up to 50 per call,
 * the crash point between two calls.
 *
 * Bytes travel as Tryton's tagged bytes `{"__class__": "bytes", "base64": "…"}`; reads give
 * the base64 back (wire.ts untag). With `[attachment] filestore` on, trytond keeps them in
 * its file store, otherwise in the database; either way over JSON-RPC it is the same.
 */
import { receiptFileName, receiptIdOfFileName } from "../attachment-names.js";
import {
  type AttachItem,
  type AttachmentFile,
  type AttachOutcome,
  type AttachResult,
  type AttachTarget,
  ErpError,
  integratorError,
} from "../port.js";
import type { TrytonCore } from "./core.js";
import { FIND_MANY_CHUNK } from "./find-many.js";
import type { ErpModel } from "./ids.js";
import { chunked } from "./move-chunks.js";

export const ATTACHMENT_PREFIX = "ramp-receipt-";

/** The attachment name of a receipt file. */
export const attachmentName = (file: AttachmentFile) => `${ATTACHMENT_PREFIX}${receiptFileName(file)}`;

/** The receipt id an attachment name holds, or null for attachments that are not ours. */
export function receiptIdOfAttachment(name: string): string | null {
  return name.startsWith(ATTACHMENT_PREFIX)
    ? receiptIdOfFileName(name.slice(ATTACHMENT_PREFIX.length))
    : null;
}

const MODELS: readonly ErpModel[] = ["account.move", "account.invoice"];

/** The record an ERP id names: its model and id (the attachment's resource is `<model>,<id>`). */
export function resourceOf(erpId: string): { model: ErpModel; id: number; resource: string } {
  const m = /^([a-z._]+),(\d+)$/.exec(erpId);
  const model = m?.[1] as ErpModel | undefined;
  if (!m || !model || !MODELS.includes(model))
    throw integratorError("Not a Tryton record id to attach receipts to", `"${erpId}"`);
  return { model, id: Number(m[2]), resource: `${model},${Number(m[2])}` };
}

const ORDER: [string, "ASC"][] = [["id", "ASC"]];

export function attach(
  core: TrytonCore,
  target: AttachTarget,
  files: readonly AttachmentFile[],
): Promise<AttachResult[]> {
  return core.guard("attaching receipts", async () => {
    const company = await core.company(target.companyKey);
    const { model, id, resource } = resourceOf(target.erpId);
    const rpc = core.session.rpc;
    const ctx = core.session.ctx(company.id);
    // The record must still be there, in this company (ids of another company are not ours to touch).
    const [found, existing] = await Promise.all([
      rpc.search(
        model,
        [
          ["id", "=", id],
          ["company", "=", company.id],
        ],
        ctx,
      ),
      rpc.searchRead<{ id: number; name: string }>(
        "ir.attachment",
        [["resource", "=", resource]],
        ["name"],
        ctx,
        { order: ORDER },
      ),
    ]);
    if (found.length === 0) {
      throw new ErpError("user_actionable", "UNEXPECTED", `The Tryton record ${resource} is gone`, {
        howToFix: `Restore the ${model === "account.move" ? "journal entry" : "invoice"} in Tryton, or clear the object's sync in Ramp and sync it again, then retry.`,
        detail: `${target.ref} ${target.erpId} in company ${target.companyKey}`,
      });
    }
    const attached = new Map<string, number>();
    for (const a of existing) {
      const receiptId = receiptIdOfAttachment(a.name);
      if (receiptId !== null && !attached.has(receiptId)) attached.set(receiptId, a.id);
    }
    const results: AttachResult[] = [];
    let wrote = false;
    for (const file of files) {
      const prior = attached.get(file.receiptId);
      if (prior !== undefined) {
        results.push({ receiptId: file.receiptId, attachmentId: String(prior), created: false });
        continue;
      }
      if (wrote) await core.crash?.("erp-attach-between", { refs: [target.ref] });
      const [newId] = await rpc.create(
        "ir.attachment",
        [
          {
            name: attachmentName(file),
            resource,
            type: "data",
            data: { __class__: "bytes", base64: Buffer.from(file.bytes).toString("base64") },
          },
        ],
        ctx,
      );
      if (newId === undefined) throw integratorError("ir.attachment.create returned no id", target.ref);
      wrote = true;
      attached.set(file.receiptId, newId);
      results.push({ receiptId: file.receiptId, attachmentId: String(newId), created: true });
    }
    return results;
  });
}

/** One create call (one Tryton transaction) carries at most this many files / bytes of file data. */
export const CREATE_MAX_FILES = 50;
export const CREATE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Many records' receipts at once (ErpPort.attachMany): one existence search per model and
 * company, one ir.attachment search per chunk of records, then the missing files in create
 * calls of up to CREATE_MAX_FILES / CREATE_MAX_BYTES — a receipts run of 100 objects costs a
 * handful of JSON-RPC calls instead of two or three per object, which matters on a trytond
 * whose database serialises writes (the syncer's postings wait behind them). The
 * `erp-attach-between` crash point sits between two create calls; a repeat finds what the
 * first created by name, as `attach` does.
 */
export function attachMany(core: TrytonCore, items: readonly AttachItem[]): Promise<AttachOutcome[]> {
  return core.guard("attaching receipts", async () => {
    const rpc = core.session.rpc;
    const out: AttachOutcome[] = items.map(() => []);
    const live: Array<{ k: number; model: ErpModel; id: number; resource: string; companyId: number }> = [];
    for (const [k, { target }] of items.entries()) {
      try {
        const { model, id, resource } = resourceOf(target.erpId);
        live.push({ k, model, id, resource, companyId: (await core.company(target.companyKey)).id });
      } catch (e) {
        if (!(e instanceof ErpError)) throw e;
        out[k] = e;
      }
    }
    // The records must still be there, each in its company.
    const present = new Set<string>();
    const groups = new Map<string, typeof live>();
    for (const l of live)
      groups.set(`${l.model}#${l.companyId}`, [...(groups.get(`${l.model}#${l.companyId}`) ?? []), l]);
    for (const group of groups.values()) {
      const [first] = group as [(typeof live)[number]];
      for (const chunk of chunked([...new Set(group.map((g) => g.id))], FIND_MANY_CHUNK)) {
        const ids = await rpc.search(
          first.model,
          [
            ["id", "in", chunk],
            ["company", "=", first.companyId],
          ],
          core.session.ctx(first.companyId),
        );
        for (const id of ids) present.add(`${first.model},${id}#${first.companyId}`);
      }
    }
    const ok = live.filter((l) => {
      if (present.has(`${l.resource}#${l.companyId}`)) return true;
      const { target } = items[l.k] as AttachItem;
      out[l.k] = new ErpError("user_actionable", "UNEXPECTED", `The Tryton record ${l.resource} is gone`, {
        howToFix: `Restore the ${l.model === "account.move" ? "journal entry" : "invoice"} in Tryton, or clear the object's sync in Ramp and sync it again, then retry.`,
        detail: `${target.ref} ${target.erpId} in company ${target.companyKey}`,
      });
      return false;
    });
    const held = await heldByResource(
      core,
      ok.map((l) => l.resource),
    );
    type Pending = {
      resource: string;
      companyId: number;
      file: AttachmentFile;
      slots: Array<[number, number]>;
    };
    const pending = new Map<string, Pending>();
    const results = new Map<number, AttachResult[]>();
    for (const l of ok) {
      const { files } = items[l.k] as AttachItem;
      const res: AttachResult[] = [];
      for (const [n, file] of files.entries()) {
        const prior = held.get(l.resource)?.get(file.receiptId);
        res.push({
          receiptId: file.receiptId,
          attachmentId: prior === undefined ? "" : String(prior),
          created: false,
        });
        if (prior !== undefined) continue;
        const key = `${l.resource}#${file.receiptId}`;
        const p = pending.get(key) ?? { resource: l.resource, companyId: l.companyId, file, slots: [] };
        p.slots.push([l.k, n]);
        pending.set(key, p);
      }
      results.set(l.k, res);
    }
    let wrote = false;
    for (const chunk of createChunks([...pending.values()])) {
      if (wrote)
        await core.crash?.("erp-attach-between", {
          refs: [...new Set(chunk.flatMap((p) => p.slots.map(([k]) => (items[k] as AttachItem).target.ref)))],
        });
      const ids = await rpc.create(
        "ir.attachment",
        chunk.map((p) => ({
          name: attachmentName(p.file),
          resource: p.resource,
          type: "data",
          data: { __class__: "bytes", base64: Buffer.from(p.file.bytes).toString("base64") },
        })),
        core.session.ctx((chunk[0] as Pending).companyId),
      );
      if (ids.length !== chunk.length)
        throw integratorError("ir.attachment.create returned fewer ids", `${ids.length}`);
      wrote = true;
      for (const [i, p] of chunk.entries())
        for (const [k, n] of p.slots) {
          const r = results.get(k)?.[n];
          if (r) Object.assign(r, { attachmentId: String(ids[i]), created: true });
        }
    }
    for (const [k, res] of results) out[k] = res;
    return out;
  });
}

/** Create calls of one company each, at most CREATE_MAX_FILES files and CREATE_MAX_BYTES bytes (one file may exceed it alone). */
function createChunks<T extends { companyId: number; file: AttachmentFile }>(all: readonly T[]): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const p of [...all].sort((a, b) => a.companyId - b.companyId)) {
    const size = p.file.bytes.byteLength;
    const fits =
      cur.length > 0 &&
      (cur[0] as T).companyId === p.companyId &&
      cur.length < CREATE_MAX_FILES &&
      bytes + size <= CREATE_MAX_BYTES;
    if (!fits && cur.length) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(p);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** What each record holds already: resource → receipt id → attachment id (one search per chunk of records). */
async function heldByResource(
  core: TrytonCore,
  resources: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const held = new Map<string, Map<string, number>>();
  for (const chunk of chunked([...new Set(resources)], FIND_MANY_CHUNK)) {
    const rows = await core.session.rpc.searchRead<{ id: number; name: string; resource: string }>(
      "ir.attachment",
      [["resource", "in", chunk]],
      ["name", "resource"],
      undefined,
      { order: ORDER },
    );
    for (const row of rows) {
      const receiptId = receiptIdOfAttachment(row.name);
      if (receiptId === null) continue;
      const m = held.get(row.resource) ?? new Map<string, number>();
      if (!m.has(receiptId)) m.set(receiptId, row.id);
      held.set(row.resource, m);
    }
  }
  return held;
}

/** Receipt ids under each target's record: one search of ir.attachment per chunk of records, never one per ref. */
export function listAttachments(
  core: TrytonCore,
  targets: readonly AttachTarget[],
): Promise<Map<string, string[]>> {
  if (targets.length === 0) return Promise.resolve(new Map());
  return core.guard("listing receipts", async () => {
    const refsOf = new Map<string, string[]>();
    for (const t of targets) {
      const { resource } = resourceOf(t.erpId);
      const refs = refsOf.get(resource) ?? [];
      if (!refs.includes(t.ref)) refs.push(t.ref);
      refsOf.set(resource, refs);
    }
    const out = new Map<string, string[]>();
    for (const [resource, ids] of await heldByResource(core, [...refsOf.keys()]))
      for (const ref of refsOf.get(resource) ?? []) {
        const list = out.get(ref) ?? [];
        for (const id of ids.keys()) if (!list.includes(id)) list.push(id);
        out.set(ref, list);
      }
    return out;
  });
}
