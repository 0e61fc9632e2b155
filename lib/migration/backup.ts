/**
 * The backup the guide asks for before a migration (docs/ramp-api.md, Guide "Migration tool"): the old connection's GL
 * accounts, custom fields with their options, accounting vendors (and tax, when
 * present), as Ramp returns them, so a rollback can re-upload them.
 */
import { RampApiError } from "../ramp/errors.js";
import type { Connection, RampClient } from "../ramp/index.js";

export interface ChartBackup {
  version: 1;
  takenAt: string;
  connection: Connection | null;
  glAccounts: unknown[];
  fields: Array<{ field: unknown; options: unknown[] }>;
  vendors: unknown[];
  taxRates: unknown[];
  taxCodeOptions: unknown[];
}

async function all<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** Tax is beta and absent on many connections: a refusal there leaves the lists empty. */
async function optional<T>(read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RampApiError && (err.status === 404 || err.isValidation)) return [];
    throw err;
  }
}

/** Reads the active connection's whole chart (reads only). */
export async function backupChart(
  client: RampClient,
  now: () => Date = () => new Date(),
): Promise<ChartBackup> {
  const active = (await client.allConnections()).find((c) => c.is_active) ?? null;
  const page = { pageSize: 100 };
  const fields = [];
  for (const field of await all(client.listFields(page))) {
    fields.push({ field, options: await all(client.listFieldOptions(field.ramp_id, page)) });
  }
  return {
    version: 1,
    takenAt: now().toISOString(),
    connection: active,
    glAccounts: await all(client.listGlAccounts(page)),
    fields,
    vendors: await all(client.listAccountingVendors(page)),
    taxRates: await optional(() => all(client.listTaxRates())),
    taxCodeOptions: await optional(() => all(client.listTaxCodeOptions(page))),
  };
}
