/**
 * The per-file set-up most live-Tryton suites share: connect to the live trytond before the
 * file's tests and close the default adapter after them. The connection and the adapter are
 * handed to the file's own `let`s, so its tests keep reading them as plain `live` and `erp`.
 */
import { afterAll, beforeAll } from "vitest";
import type { TrytonErp } from "../../../lib/erp/tryton/index.js";
import { connectLive, type Live } from "./tryton-live.js";

export function useLiveAdapter(ready: (live: Live, erp: TrytonErp) => void): void {
  let erp: TrytonErp | undefined;
  beforeAll(async () => {
    const live = await connectLive();
    erp = live.adapter();
    ready(live, erp);
  });
  afterAll(async () => {
    await erp?.close();
  });
}
