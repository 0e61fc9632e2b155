/**
 * Remote ids are `<company key>:<Tryton id>`; ERP ids of postings use Tryton's own
 * reference notation `<model>,<id>` (what `origin` fields hold), so one string
 * says whether it is a move or an invoice.
 */
import { type ErpErrorCode, integratorError, userError } from "../port.js";
import { splitRemoteId } from "../remote-id.js";

export const remoteId = (companyKey: string, id: number): string => `${companyKey}:${id}`;

/** Company keys as the configs allow them (config.ts, lib/config/tenant.ts). */
const COMPANY_KEY = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A Tryton remote id read back: its company key and the Tryton id, or null when it
 * is not of that shape (the generic split is lib/erp/remote-id.ts).
 */
export function parseRemoteId(remote: string): { companyKey: string; id: number } | null {
  const split = splitRemoteId(remote);
  if (!split || !COMPANY_KEY.test(split.companyKey) || !/^\d+$/.test(split.local)) return null;
  return { companyKey: split.companyKey, id: Number(split.local) };
}

/**
 * Tryton id of a remote id that must belong to `companyKey`. A remote id of
 * another company is the user's coding mistake (wrong entity), not a bug.
 */
export function idOf(remote: string, companyKey: string, what: string, code: ErpErrorCode): number {
  const parsed = parseRemoteId(remote);
  if (!parsed) throw integratorError(`Malformed Tryton remote id for ${what}`, `"${remote}"`);
  if (parsed.companyKey !== companyKey) {
    throw userError(
      code,
      `The ${what} ${remote} belongs to company "${parsed.companyKey}", not to "${companyKey}"`,
      `Choose a ${what} of the same entity as the expense in Ramp, then retry the sync.`,
    );
  }
  return parsed.id;
}

export type ErpModel = "account.move" | "account.invoice";

export const erpRef = (model: ErpModel, id: number): string => `${model},${id}`;

export function parseErpRef(ref: string, expected: ErpModel): number | null {
  const m = /^([a-z._]+),(\d+)$/.exec(ref);
  if (m) return m[1] === expected ? Number(m[2]) : null;
  return /^\d+$/.test(ref) ? Number(ref) : null;
}
