/**
 * Carries out a plan (lib/coa/plan.ts) against Ramp, in the plan's order, one
 * executor per operation kind (creations in execute-creates.ts, single-item
 * writes in execute-changes.ts, the run they share in execute-run.ts).
 * Creations resolve Ramp ids as they go (a field created in this push gets its
 * options; a tax rate points at its GL account's `ramp_id`); uploads go in the
 * plan's ≤ 500 chunks through uploadIsolating, so a bad item is reported with
 * Ramp's reason while the rest lands. Single-item writes (rename, reactivate,
 * delete, hide, link) that Ramp refuses are reported the same way. Anything
 * else (network, 5xx after retries, a refused connection) stops the run: the
 * next push re-reads Ramp's lists and resumes without duplicates.
 */
import { linkVendor, reactivate, remove, setVisibility, update } from "./execute-changes.js";
import {
  createField,
  createFieldOptions,
  createGlAccounts,
  createTaxCodeField,
  createTaxCodeOptions,
  createTaxRates,
  createVendors,
} from "./execute-creates.js";
import { type ExecRun, type ExecuteReport, startRun } from "./execute-run.js";
import type { CoaOperation, RampSurface } from "./types.js";
import type { CoaClient } from "./writers.js";

export type { ExecuteReport, ItemFailure } from "./execute-run.js";
export type { CoaClient } from "./writers.js";

export interface ExecuteOptions {
  /** Target this (inactive) connection on every upload: the migration preload. */
  connectionId?: string;
  /**
   * Asked before each operation; true stops the run cleanly (e.g. the Lambda is
   * about to time out). The next push re-plans from Ramp's lists and resumes.
   */
  shouldStop?: () => boolean;
}

type Executors = {
  [K in CoaOperation["op"]]: (run: ExecRun, op: Extract<CoaOperation, { op: K }>) => Promise<void>;
};

/** Every operation kind of the plan, and the executor that carries it out. */
const EXECUTORS: Executors = {
  create_gl_accounts: createGlAccounts,
  create_field: createField,
  create_field_options: createFieldOptions,
  create_vendors: createVendors,
  create_tax_rates: createTaxRates,
  create_tax_code_field: createTaxCodeField,
  create_tax_code_options: createTaxCodeOptions,
  update,
  reactivate,
  delete: remove,
  set_visibility: setVisibility,
  link_vendor: linkVendor,
};

export async function executePlan(
  client: CoaClient,
  ops: readonly CoaOperation[],
  current: Pick<RampSurface, "glAccounts" | "fields">,
  opts: ExecuteOptions = {},
): Promise<ExecuteReport> {
  const run = startRun(client, current, opts.connectionId);
  for (const op of ops) {
    if (opts.shouldStop?.()) {
      run.report.complete = false;
      break;
    }
    // The table is keyed by op, so each executor receives its own operation shape.
    const execute = EXECUTORS[op.op] as (run: ExecRun, op: CoaOperation) => Promise<void>;
    await execute(run, op);
  }
  return run.report;
}
