/** `POST /accounting/syncs` and `POST /accounting/codings` (docs/ramp-api.md §11, "Header decisions"). */
import * as z from "zod";

export const MAX_SYNC_ITEMS = 5_000;

export const SuccessfulSyncSchema = z.strictObject({
  id: z.string().min(1),
  reference_id: z.string().min(1),
  deep_link_url: z.url().optional(),
});
export type SuccessfulSync = z.infer<typeof SuccessfulSyncSchema>;

export const FailedSyncSchema = z.strictObject({
  id: z.string().min(1),
  error: z.strictObject({ message: z.string().min(1) }),
});
export type FailedSync = z.infer<typeof FailedSyncSchema>;

/** Lists are omitted when empty: Ramp rejects `[]` with 422. */
export const SyncRequestSchema = z
  .strictObject({
    idempotency_key: z.string().min(1),
    sync_type: z.string().min(1),
    sync_request_id: z.string().min(1).optional(),
    successful_syncs: z.array(SuccessfulSyncSchema).min(1).max(MAX_SYNC_ITEMS).optional(),
    failed_syncs: z.array(FailedSyncSchema).min(1).max(MAX_SYNC_ITEMS).optional(),
  })
  .refine((b) => b.successful_syncs !== undefined || b.failed_syncs !== undefined, {
    message: "a sync report needs at least one successful or failed item",
  });
export type SyncRequest = z.infer<typeof SyncRequestSchema>;

export const SyncResponseSchema = z.looseObject({ sync_id: z.string().nullish() });

export const REFUSAL_REASONS = [
  "ALREADY_SYNCED",
  "NOT_READY",
  "WRONG_SYNC_TYPE",
  "NOT_FOUND",
  "VENDOR_CODING_REQUIRED",
  /** A success for an object coded to a deleted item: the guide's table says it "cannot be synced". */
  "INACTIVE_CODING",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * `error_v2.additional_info` of a refused report. The project's contract lists each
 * refused id with a reason; accepted layouts: an array of `{id, reason}` under
 * `refused`/`refused_syncs`/`objects`/`errors`, or a map id → reason.
 */
const RefusalItem = z.looseObject({
  id: z.string(),
  reason: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
});
export const RefusalListSchema = z.array(RefusalItem);
export type RefusalItemWire = z.infer<typeof RefusalItem>;

export const CodingSelectionSchema = z.strictObject({
  accounting_field_option_id: z.string().min(1),
  accounting_field_id: z.string().min(1).optional(),
});
export type CodingSelection = z.infer<typeof CodingSelectionSchema>;

export const CodingRequestSchema = z.strictObject({
  object_type: z.literal("TRANSACTION"),
  object_id: z.string().min(1),
  accounting_field_selections: z.array(CodingSelectionSchema).min(1),
});
export type CodingRequest = z.infer<typeof CodingRequestSchema>;

/** Response undocumented: anything JSON (or nothing) is accepted. */
export const CodingResponseSchema = z.unknown();
