/**
 * The one parser of remote ids (port.ts: `<company key>:<ERP id>`), shared by every
 * adapter and by the mapping's company guard, so that "which company owns this id"
 * has a single answer. What follows the first colon is the adapter's business: a
 * Tryton id (lib/erp/tryton/ids.ts), or an hledger account name that itself
 * contains colons (lib/erp/journal).
 */

/** Splits `acme:rest` into its company key and the rest; null when there is no company key. */
export function splitRemoteId(id: string): { companyKey: string; local: string } | null {
  const i = id.indexOf(":");
  if (i <= 0) return null;
  return { companyKey: id.slice(0, i), local: id.slice(i + 1) };
}
