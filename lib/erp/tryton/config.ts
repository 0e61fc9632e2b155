/**
 * The Tryton adapter's configuration. The password is handed in by the caller
 * (read from Secrets Manager in production); it is never logged.
 */
import * as z from "zod";

export const TrytonConfigSchema = z.object({
  url: z.url(),
  database: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Tenant company key → Tryton company id (prefix of every remote id the company owns). */
  companies: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
        erpCompanyId: z.string().regex(/^\d+$/, "a Tryton company id"),
      }),
    )
    .min(1),
  timeoutMs: z.number().int().positive().default(20_000),
  /**
   * Journal codes (journals are shared by all companies in Tryton 6.0):
   * card entries and cashbacks, bank payments and transfers, supplier invoices.
   */
  journals: z
    .object({
      card: z.string().min(1).default("CARD"),
      cash: z.string().min(1).default("CASH"),
      expense: z.string().min(1).default("EXP"),
    })
    .prefault({}),
  /** Moves per create/post call in postBatch. */
  maxBatchSize: z.number().int().min(1).max(200).default(50),
});
export type TrytonConfig = z.input<typeof TrytonConfigSchema>;
export type TrytonSettings = z.output<typeof TrytonConfigSchema>;
