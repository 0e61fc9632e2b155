/**
 * Tenant schema v1 → v2: one vendor-credit setting. v1 had two flags that could disagree —
 * `ramp.settings.vendorCredits` (the connection's `vendor_credits_enabled`) and
 * `objectTypes.vendorCredits` (poll and export). v2 keeps only `objectTypes.vendorCredits`;
 * the connection flag is derived from it (lib/connection/settings.ts).
 *
 * Either flag true makes v2 on. When they disagree, on wins: with only the export on, credits
 * were already being posted and turning it off would silently stop them; with only the
 * connection flag on, users were creating credits in Ramp that never reached the ERP — on
 * exports them from now on, which is what the customer asked Ramp for. Off would lose work
 * in both cases; on loses none (a credit posts once, by the ledger). Pure.
 */
type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);

export function mergeVendorCreditFlags(doc: Doc): Doc {
  const ramp = isObject(doc.ramp) ? doc.ramp : undefined;
  const settings = ramp && isObject(ramp.settings) ? ramp.settings : undefined;
  const objectTypes = isObject(doc.objectTypes) ? doc.objectTypes : undefined;
  const connectionFlag = settings?.vendorCredits;
  const exportFlag = objectTypes?.vendorCredits;
  if (connectionFlag === undefined) return doc;
  const { vendorCredits: _dropped, ...restSettings } = settings as Doc;
  // A non-boolean is never guessed at: it is carried to objectTypes.vendorCredits, where the
  // schema refuses it by name ("expected boolean") instead of it being dropped unseen.
  let merged: unknown;
  if (typeof connectionFlag !== "boolean") merged = connectionFlag;
  else if (exportFlag !== undefined && typeof exportFlag !== "boolean") merged = exportFlag;
  else merged = connectionFlag || exportFlag === true;
  return {
    ...doc,
    ramp: { ...ramp, settings: restSettings },
    objectTypes: { ...objectTypes, vendorCredits: merged },
  };
}

/** Keys this migration moved, by their full old path: a v2 document still carrying one is told where it went. */
export const MOVED_BY_V2: Readonly<Record<string, string>> = {
  "ramp.settings.vendorCredits": "objectTypes.vendorCredits",
};
