import type { ErpCrashPoint } from "../crash-points.js";

/** What the Tryton write helpers call between their steps (kill tests only; empty in production). */
export interface WriteHooks {
  at?: (point: ErpCrashPoint) => void | Promise<void>;
}
