/**
 * Pure helpers for `POST /accounting/syncs` reports: splitting a report into
 * calls Ramp accepts (≤5,000 per list, empty lists omitted) with an
 * idempotency key per call derived from its exact content, and reading Ramp's
 * answer (refused ids with reasons; DEVELOPER_7005 = that exact call already landed).
 */
import { createHash } from "node:crypto";
import type { SyncType } from "../domain/kinds.js";
import type { RampApiError } from "./errors.js";
import {
  type FailedSync,
  MAX_SYNC_ITEMS,
  REFUSAL_REASONS,
  RefusalListSchema,
  type RefusalReason,
  type SuccessfulSync,
  type SyncRequest,
} from "./schemas/syncs.js";

export interface SyncReport {
  tenantId: string;
  syncType: SyncType;
  /** Set when the report answers a Sync-button request (`*.sync_requested`). */
  syncRequestId?: string | null;
  successful: readonly SuccessfulSync[];
  failed: readonly FailedSync[];
}

/**
 * The calls that carry `report`. Items are ordered by id first, so the same
 * report always splits the same way and every call's key is reproducible:
 * a replay after a crash sends byte-identical calls under identical keys, and
 * Ramp answers DEVELOPER_7005 for the ones that already landed.
 */
export function splitSyncReport(report: SyncReport, maxPerList = MAX_SYNC_ITEMS): SyncRequest[] {
  const byId = <T extends { id: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ok = chunk(byId(report.successful), maxPerList);
  const bad = chunk(byId(report.failed), maxPerList);
  const calls: SyncRequest[] = [];
  for (let i = 0; i < Math.max(ok.length, bad.length); i++) {
    const successful = (ok[i] ?? []).map(canonicalSuccess);
    const failed = (bad[i] ?? []).map(canonicalFailure);
    calls.push({
      idempotency_key: syncIdempotencyKey(
        report.tenantId,
        report.syncType,
        report.syncRequestId ?? null,
        successful,
        failed,
      ),
      sync_type: report.syncType,
      ...(report.syncRequestId ? { sync_request_id: report.syncRequestId } : {}),
      ...(successful.length ? { successful_syncs: successful } : {}),
      ...(failed.length ? { failed_syncs: failed } : {}),
    });
  }
  return calls;
}

/** sha256 hex of (tenant, sync type, sync request id, exact content of both lists). */
export function syncIdempotencyKey(
  tenantId: string,
  syncType: string,
  syncRequestId: string | null,
  successful: readonly SuccessfulSync[],
  failed: readonly FailedSync[],
): string {
  const canonical = JSON.stringify([
    tenantId,
    syncType,
    syncRequestId,
    successful.map(canonicalSuccess),
    failed.map(canonicalFailure),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// Fixed key order, so the JSON (and thus the key) never depends on how a caller built the object.
function canonicalSuccess(s: SuccessfulSync): SuccessfulSync {
  return {
    id: s.id,
    reference_id: s.reference_id,
    ...(s.deep_link_url ? { deep_link_url: s.deep_link_url } : {}),
  };
}

function canonicalFailure(f: FailedSync): FailedSync {
  return { id: f.id, error: { message: f.error.message } };
}

export interface SyncRefusal {
  id: string;
  reason: RefusalReason | "UNKNOWN";
  message: string | null;
}

export type SyncPostResult =
  | { outcome: "accepted"; syncId: string | null; idempotencyKey: string }
  /** 400 DEVELOPER_7005: this key (hence this exact content) was accepted before. */
  | { outcome: "already_applied"; idempotencyKey: string; traceId: string | null }
  /** 400/422 naming refused ids: nothing of the call was applied and its key is not consumed. */
  | {
      outcome: "refused";
      refused: SyncRefusal[];
      idempotencyKey: string;
      traceId: string | null;
      code: string | null;
    };

export const IDEMPOTENCY_KEY_REUSED = "DEVELOPER_7005";

/**
 * Reads the refused ids out of a 400/422 `error_v2.additional_info`. Returns
 * null when the error names none (a plain validation error, which is a bug on our side).
 */
export function parseSyncRefusals(err: Pick<RampApiError, "additionalInfo">): SyncRefusal[] | null {
  const info = err.additionalInfo;
  const candidates: unknown[] = [];
  if (Array.isArray(info)) candidates.push(info);
  else if (info && typeof info === "object") {
    const rec = info as Record<string, unknown>;
    for (const k of ["refused", "refused_syncs", "refused_ids", "objects", "errors", "failures", "ids"]) {
      if (Array.isArray(rec[k])) candidates.push(rec[k]);
    }
    if (candidates.length === 0) {
      // id → reason (string or {reason, message}) map
      const fromMap = Object.entries(rec).flatMap(([id, v]) => {
        if (typeof v === "string" && isReason(v)) return [{ id, reason: v, message: null }];
        if (v && typeof v === "object" && "reason" in v && typeof v.reason === "string") {
          const message = "message" in v && typeof v.message === "string" ? v.message : null;
          return [{ id, reason: v.reason, message }];
        }
        return [];
      });
      if (fromMap.length) candidates.push(fromMap);
    }
  }
  for (const c of candidates) {
    const parsed = RefusalListSchema.safeParse(c);
    if (parsed.success && parsed.data.length) {
      return parsed.data.map((r) => {
        const reason = r.reason ?? r.code ?? "";
        return { id: r.id, reason: isReason(reason) ? reason : "UNKNOWN", message: r.message ?? null };
      });
    }
  }
  return null;
}

function isReason(v: string): v is RefusalReason {
  return (REFUSAL_REASONS as readonly string[]).includes(v);
}
