/**
 * Receipts in Tryton (issue #17): each file is an `ir.attachment` of type `data` on the
 * record the posting's ERP id names. ERP ids are Tryton reference strings
 * (`account.move,<id>`, `account.invoice,<id>`; ids.ts), which is exactly what the
 * attachment's `resource` Reference field holds, so the ERP id *is* the resource.
 *
 * The attachment's `name` is `ramp-receipt-<receipt id>.<ext>` (attachment-names.ts; our
 * ids only, no user text, no description, no link): that name is the idempotency key. One
 * search of the resource's attachments before creating — an attach repeated after a
 * redelivery or a kill finds what is there and adds only what is missing. Files are
 * created one per call (each create is one Tryton transaction), with the
 * `erp-attach-between` crash point between two files.
 *
 * Bytes travel as Tryton's tagged bytes `{"__class__": "bytes", "base64": "…"}`; reads give
 * the base64 back (wire.ts untag). With `[attachment] filestore` on, trytond keeps them in
 * its file store, otherwise in the database; either way over JSON-RPC it is the same.
 */
import { receiptFileName, receiptIdOfFileName } from "../attachment-names.js";
import {
  type AttachmentFile,
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
    for (const chunk of chunked([...refsOf.keys()], FIND_MANY_CHUNK)) {
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
        for (const ref of refsOf.get(row.resource) ?? []) {
          const ids = out.get(ref) ?? [];
          if (!ids.includes(receiptId)) ids.push(receiptId);
          out.set(ref, ids);
        }
      }
    }
    return out;
  });
}
