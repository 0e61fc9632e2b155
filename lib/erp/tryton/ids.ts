/**
 * Remote ids are `<company key>:<Tryton id>`; ERP ids of postings use Tryton's own
 * reference notation `<model>,<id>` (what `origin` fields hold), so one string
 * says whether it is a move or an invoice.
 */
import { type ErpErrorCode, integratorError, userError } from "../port.js";

export const remoteId = (companyKey: string, id: number): string => `${companyKey}:${id}`;

/**
 * Tryton id of a remote id that must belong to `companyKey`. A remote id of
 * another company is the user's coding mistake (wrong entity), not a bug.
 */
export function idOf(remote: string, companyKey: string, what: string, code: ErpErrorCode): number {
  const m = /^([a-z0-9][a-z0-9-]*):(\d+)$/.exec(remote);
  if (!m) throw integratorError(`Malformed Tryton remote id for ${what}`, `"${remote}"`);
  if (m[1] !== companyKey) {
    throw userError(
      code,
      `The ${what} ${remote} belongs to company "${m[1]}", not to "${companyKey}"`,
      `Choose a ${what} of the same entity as the expense in Ramp, then retry the sync.`,
    );
  }
  return Number(m[2]);
}

export type ErpModel = "account.move" | "account.invoice";

export const erpRef = (model: ErpModel, id: number): string => `${model},${id}`;

export function parseErpRef(ref: string, expected: ErpModel): number | null {
  const m = /^([a-z._]+),(\d+)$/.exec(ref);
  if (m) return m[1] === expected ? Number(m[2]) : null;
  return /^\d+$/.test(ref) ? Number(ref) : null;
}
