/**
 * Codes an object the way a user would in Ramp's UI: a vendor selection on the header (unless the
 * object is left vendor-less), and per line a GL account, one option of each dimension and
 * sometimes a tax code. Deterministic for a given PRNG stream.
 */
import { type Chart, type Choice, forEntity } from "./chart.js";
import type { Line, Selection } from "./model.js";
import type { Rng } from "./prng.js";

export interface CodingOptions {
  /** Leave this object without an accounting-vendor selection. */
  vendorless: boolean;
  /** Entity's remote id, to respect `entity_remote_ids` scoping; null = unscoped items only. */
  entityRemoteId: string | null;
  /** Prefer a vendor whose name matches the merchant (Ramp auto-matches by name). */
  merchantName?: string;
  withTax: boolean;
}

export class ChartTooSmallError extends Error {}

function pick(rng: Rng, choices: Choice[], what: string): Selection {
  if (choices.length === 0) throw new ChartTooSmallError(`the active chart has no usable ${what}`);
  return rng.pick(choices).selection;
}

export function codeObject(
  rng: Rng,
  chart: Chart,
  obj: { header: Selection[]; lines: Line[] },
  opts: CodingOptions,
): void {
  const gl = forEntity(chart.gl, opts.entityRemoteId);
  const vendors = forEntity(chart.vendors, opts.entityRemoteId);
  obj.header = [];
  // A chart without accounting vendors leaves objects vendor-less (the integration creates them).
  if (!opts.vendorless && vendors.length > 0) {
    const byName = opts.merchantName
      ? vendors.find((v) => v.selection.name === opts.merchantName)
      : undefined;
    obj.header.push(byName ? byName.selection : rng.pick(vendors).selection);
  }
  const lineCoding = (): Selection[] => {
    const sel: Selection[] = [pick(rng, gl, "GL account")];
    for (const dim of chart.dimensions) {
      const options = forEntity(dim.options, opts.entityRemoteId);
      if (options.length > 0) sel.push(rng.pick(options).selection);
    }
    const tax = forEntity(chart.tax, opts.entityRemoteId);
    if (opts.withTax && tax.length > 0 && rng.chance(0.5)) sel.push(rng.pick(tax).selection);
    return sel;
  };
  // An object without line items carries its whole coding on the header (docs/ramp-api.md §8).
  if (obj.lines.length === 0) obj.header.push(...lineCoding());
  for (const line of obj.lines) line.selections = lineCoding();
}
