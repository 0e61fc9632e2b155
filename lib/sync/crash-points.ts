/**
 * Named points of the exactly-once protocol where tests inject a crash (a hook
 * that throws): after the ERP post, after recording POSTED, after the report
 * intent is written, after the sync call, after the close. Production passes
 * no hook. Keeping the points explicit is what makes "crash after each step,
 * then redeliver" tests short to write.
 */

import { ServiceError } from "../domain/errors.js";
import type { ErpCrashPoint } from "../erp/crash-points.js";

export const CRASH_POINTS = ["post", "record", "intent", "report-call", "close"] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (
  point: CrashPoint,
  info: { tenantId: string; ids: string[] },
) => void | Promise<void>;

/**
 * A crash a hook simulates: the worker stops here, like a Lambda killed mid-flight.
 * Points inside an ERP write (lib/erp/crash-points.ts) are thrown only by an adapter
 * that lets it through (the protocol test double); the real adapters' clean-up would
 * catch it, so those windows are tested with real kills (test/chaos).
 */
export class InjectedCrash extends ServiceError {
  override name = "InjectedCrash";
  constructor(readonly point: CrashPoint | ErpCrashPoint) {
    super(`injected crash after ${point}`);
  }
}
