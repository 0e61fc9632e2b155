/**
 * Which Ramp (bill-pay) vendor is which accounting (ERP) vendor: pure, so the push
 * and `ops vendors unlinked` decide alike. A bill from a vendor with no link fails
 * later with a coding error, so every Ramp vendor left unlinked comes back with the
 * reason and its candidates — never silently dropped, and never a guess.
 *
 * In order:
 *  1. a link Ramp already holds is kept (someone made it, here or in Ramp's UI);
 *  2. a manual link (`ops vendors link`) wins over any matching;
 *  3. the ERP vendor code ↔ Ramp's `external_vendor_id` (exact); an ERP without codes
 *     (the journal unless payees carry `code:`) matches by name only;
 *  4. the normalised `name` or `name_legal` ↔ the accounting vendor's name (vendor-name.ts).
 * A link is made only when there is exactly one candidate and no other Ramp vendor has it
 * among its candidates; an accounting vendor links to at most one Ramp vendor (Ramp refuses
 * a second link, docs/ramp-api.md §9.1). Two Ramp vendors claiming one accounting vendor
 * are both ambiguous — a person picks with `ops vendors link`.
 */
import type { DesiredVendor, ManualVendorLink, RampVendorRef } from "./types.js";
import { normaliseVendorName } from "./vendor-name.js";

export type AccountingVendorRef = Pick<DesiredVendor, "remoteId" | "name" | "code">;
export type MatchedBy = "manual" | "code" | "name";

export interface VendorMatchInput {
  rampVendors: readonly RampVendorRef[];
  accountingVendors: readonly AccountingVendorRef[];
  manualLinks: readonly ManualVendorLink[];
}

export interface VendorLinkDecision {
  rampVendorId: string;
  accountingVendorRemoteId: string;
  by: MatchedBy;
}

export interface VendorCandidate {
  remoteId: string;
  name: string;
  by: MatchedBy;
  /** The Ramp vendor already linked to it, if any. */
  linkedTo: string | null;
}

export type UnlinkedReason =
  /** Nothing matches by code or name. */
  | "no-candidate"
  /** Several accounting vendors match, or other Ramp vendors (`rivals`) claim the same one. */
  | "ambiguous"
  /** The one candidate is already linked to another Ramp vendor (`rivals`). */
  | "accounting-vendor-taken";

export interface UnlinkedVendor {
  rampVendorId: string;
  reason: UnlinkedReason;
  candidates: VendorCandidate[];
  /** Other Ramp vendors holding or claiming the candidate. */
  rivals: string[];
}

export interface VendorMatch {
  links: VendorLinkDecision[];
  unlinked: UnlinkedVendor[];
}

export function matchVendors(input: VendorMatchInput): VendorMatch {
  const byRemoteId = new Map(input.accountingVendors.map((v) => [v.remoteId, v]));
  // Accounting vendor → the Ramp vendor linked to it. Deactivated Ramp vendors still hold their link.
  const holder = new Map<string, string>();
  for (const rv of input.rampVendors) {
    if (rv.accountingVendorRemoteId && !holder.has(rv.accountingVendorRemoteId))
      holder.set(rv.accountingVendorRemoteId, rv.id);
  }
  const pending = input.rampVendors.filter((rv) => rv.isActive !== false && !rv.accountingVendorRemoteId);
  const candidate = (av: AccountingVendorRef, by: MatchedBy): VendorCandidate => ({
    remoteId: av.remoteId,
    name: av.name,
    by,
    linkedTo: holder.get(av.remoteId) ?? null,
  });

  const links: VendorLinkDecision[] = [];
  const unlinked: UnlinkedVendor[] = [];
  const manual = new Map(input.manualLinks.map((m) => [m.rampVendorId, m.accountingVendorRemoteId]));
  const automatic: RampVendorRef[] = [];
  for (const rv of pending) {
    // A manual link whose accounting vendor left the ERP decides nothing: matching takes over.
    const av = byRemoteId.get(manual.get(rv.id) ?? "");
    if (!av) {
      automatic.push(rv);
      continue;
    }
    const taken = holder.get(av.remoteId);
    if (taken) {
      unlinked.push({
        rampVendorId: rv.id,
        reason: "accounting-vendor-taken",
        candidates: [candidate(av, "manual")],
        rivals: [taken],
      });
      continue;
    }
    holder.set(av.remoteId, rv.id);
    links.push({ rampVendorId: rv.id, accountingVendorRemoteId: av.remoteId, by: "manual" });
  }

  const index = indexAccountingVendors(input.accountingVendors);
  const found = automatic.map((rv) => ({ rv, candidates: candidatesOf(rv, index) }));
  // Every Ramp vendor claims each of its candidates: one that is itself ambiguous still might be
  // that accounting vendor, so linking another one to it would be a guess.
  const claims = new Map<string, string[]>();
  for (const { rv, candidates } of found)
    for (const { av } of candidates) claims.set(av.remoteId, [...(claims.get(av.remoteId) ?? []), rv.id]);
  for (const { rv, candidates } of found) {
    const listed = candidates.map((c) => candidate(c.av, c.by));
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (!only) {
      unlinked.push({
        rampVendorId: rv.id,
        reason: candidates.length === 0 ? "no-candidate" : "ambiguous",
        candidates: listed,
        rivals: [],
      });
      continue;
    }
    const taken = holder.get(only.av.remoteId);
    if (taken) {
      unlinked.push({
        rampVendorId: rv.id,
        reason: "accounting-vendor-taken",
        candidates: listed,
        rivals: [taken],
      });
      continue;
    }
    const rivals = (claims.get(only.av.remoteId) ?? []).filter((id) => id !== rv.id);
    if (rivals.length > 0) {
      unlinked.push({ rampVendorId: rv.id, reason: "ambiguous", candidates: listed, rivals });
      continue;
    }
    links.push({ rampVendorId: rv.id, accountingVendorRemoteId: only.av.remoteId, by: only.by });
  }
  return { links, unlinked };
}

interface Index {
  byCode: Map<string, AccountingVendorRef[]>;
  byName: Map<string, AccountingVendorRef[]>;
}

function indexAccountingVendors(vendors: readonly AccountingVendorRef[]): Index {
  const byCode = new Map<string, AccountingVendorRef[]>();
  const byName = new Map<string, AccountingVendorRef[]>();
  const add = (m: Map<string, AccountingVendorRef[]>, key: string, v: AccountingVendorRef) => {
    if (key) m.set(key, [...(m.get(key) ?? []), v]);
  };
  for (const v of vendors) {
    add(byCode, v.code?.trim() ?? "", v);
    add(byName, normaliseVendorName(v.name), v);
  }
  return { byCode, byName };
}

/** By code when the Ramp vendor's external id matches one; else by either of its names. */
function candidatesOf(rv: RampVendorRef, ix: Index): Array<{ av: AccountingVendorRef; by: MatchedBy }> {
  const byCode = ix.byCode.get(rv.externalVendorId?.trim() ?? "") ?? [];
  if (byCode.length > 0) return byCode.map((av) => ({ av, by: "code" }));
  const keys = new Set([rv.name, rv.nameLegal ?? ""].map(normaliseVendorName).filter(Boolean));
  const seen = new Map<string, AccountingVendorRef>();
  for (const key of keys) for (const av of ix.byName.get(key) ?? []) seen.set(av.remoteId, av);
  return [...seen.values()].map((av) => ({ av, by: "name" }));
}
