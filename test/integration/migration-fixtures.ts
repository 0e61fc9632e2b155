/** The chart a customer's old (legacy) connection holds before a migration. */
import type { RampClient } from "../../lib/ramp/index.js";

export async function uploadLegacyChart(client: RampClient): Promise<{ connectionId: string }> {
  const conn = await client.createConnection({ remote_provider_name: "Legacy ERP" });
  await client.uploadGlAccounts([
    { id: "L-6100", name: "Travel", classification: "EXPENSE", code: "6100" },
    { id: "L-6200", name: "Meals", classification: "EXPENSE", code: "6200" },
  ]);
  const field = await client.createField({ id: "L-dept", name: "Department", input_type: "SINGLE_CHOICE" });
  await client.uploadFieldOptions(field.ramp_id, [
    { id: "L-d1", value: "Engineering" },
    { id: "L-d2", value: "Sales" },
  ]);
  await client.uploadAccountingVendors([{ id: "L-v1", name: "Skyline Airways" }]);
  return { connectionId: conn.id };
}
