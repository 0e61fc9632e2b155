/** The stored shape of a push snapshot (lib/store/coa-snapshots.ts holds the bytes). */
import * as z from "zod";
import type { ItemFailure } from "./execute.js";
import type { PushSnapshot } from "./types.js";

export const PushSnapshotSchema: z.ZodType<PushSnapshot> = z.object({
  glAccounts: z.array(z.string()),
  fieldOptions: z.record(z.string(), z.array(z.string())),
  vendors: z.array(z.string()),
  taxRates: z.array(z.string()),
  taxCodes: z.array(z.string()),
});

/** Snapshots are kept per connection: the migration tool's inactive connection has its own. */
export const snapshotScope = (connectionId: string) => `ramp:${connectionId}`;

/** The snapshot minus items whose creation Ramp refused (they are not in Ramp). */
export function withoutFailedCreations(
  snapshot: PushSnapshot,
  failures: readonly ItemFailure[],
): PushSnapshot {
  const failed = (list: ItemFailure["list"]) =>
    new Set(failures.filter((f) => f.list === list && f.op.startsWith("create_")).map((f) => f.remoteId));
  const gl = failed("gl_accounts");
  const opts = failed("field_options");
  const vendors = failed("vendors");
  const rates = failed("tax_rates");
  const codes = failed("tax_code_options");
  return {
    glAccounts: snapshot.glAccounts.filter((id) => !gl.has(id)),
    fieldOptions: Object.fromEntries(
      Object.entries(snapshot.fieldOptions).map(([f, ids]) => [f, ids.filter((id) => !opts.has(id))]),
    ),
    vendors: snapshot.vendors.filter((id) => !vendors.has(id)),
    taxRates: snapshot.taxRates.filter((id) => !rates.has(id)),
    taxCodes: snapshot.taxCodes.filter((id) => !codes.has(id)),
  };
}
