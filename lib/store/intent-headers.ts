/**
 * A report intent's header read as it stands (`INTENT#<reportId>`, see
 * report-intents.ts), for operators (`ops show`): which report a REPORTING row
 * belongs to and the idempotency key its sync call carries. Read-only on
 * purpose: report-intents.ts findOpenIntents completes PREPARING headers as it
 * reads them, which only the report lock's holder may do.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { intentSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";

const IntentHeaderSchema = z.object({
  reportId: z.string(),
  syncType: z.string(),
  syncRequestId: z.string().nullable(),
  state: z.enum(["PREPARING", "OPEN"]),
  /** Absent while PREPARING: the key is computed from the chunks when the header opens. */
  idempotencyKey: z.string().optional(),
  createdAt: z.number().int(),
});
export type IntentHeader = z.infer<typeof IntentHeaderSchema>;

export function createIntentHeaders(deps: StoreDeps) {
  const { doc, tableName } = deps;
  return {
    /** The header, or undefined once the intent was closed (its rows moved on). */
    async get(tenantId: string, reportId: string): Promise<IntentHeader | undefined> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: { PK: tenantPk(tenantId), SK: intentSk(reportId) } }),
      );
      return res.Item ? IntentHeaderSchema.parse(res.Item) : undefined;
    },
  };
}
