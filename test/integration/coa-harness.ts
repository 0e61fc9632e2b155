/**
 * Shared set-up of the coa/connection/migration integration tests: an in-process
 * Ramp sandbox reached over real HTTP through the real Ramp client, and the
 * sandbox's own call counters (read over its control API) to count writes.
 */

import {
  createMemoryRateLimiter,
  createMemoryTokenStore,
  createRampClient,
  type RampClient,
} from "../../lib/ramp/index.js";
import { manualClock } from "../../local/ramp-sandbox/clock.js";
import { sandboxControl } from "../../local/ramp-sandbox/control-client.js";
import { type RunningSandbox, type StartOptions, startSandbox } from "../../local/ramp-sandbox/server.js";

export interface SandboxRamp {
  sb: RunningSandbox;
  client: RampClient;
  /** A client whose fetch goes through `fetchImpl` (e.g. one that "crashes" mid-run). */
  clientWith(fetchImpl: typeof fetch): RampClient;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Calls per route since the last reset, from `GET /sandbox/stats`. */
  calls(): Promise<Record<string, number>>;
  /** Write calls (POST/PATCH/PUT/DELETE, token endpoint excluded) since the last reset. */
  writeCalls(): Promise<Record<string, number>>;
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

export async function sandboxRamp(opts: StartOptions = {}): Promise<SandboxRamp> {
  const sb = await startSandbox({
    port: 0,
    seed: 11,
    log: () => {},
    clock: manualClock(Date.UTC(2026, 5, 15, 12, 0, 0)),
    transactions: 4,
    reimbursements: 0,
    bills: 0,
    transfers: 0,
    cashbacks: 0,
    ...opts,
  });
  const make = (fetchImpl?: typeof fetch) =>
    createRampClient({
      tenantId: "t-sandbox",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret: sb.clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  const control = sandboxControl(sb.url);
  const calls = async () => (await control<{ byRoute: Record<string, number> }>("GET", "/stats")).byRoute;
  return {
    sb,
    client: make(),
    clientWith: make,
    control,
    calls,
    async writeCalls() {
      const out: Record<string, number> = {};
      for (const [route, n] of Object.entries(await calls())) {
        if (/^(POST|PATCH|PUT|DELETE) /.test(route) && !route.includes("/token")) out[route] = n;
      }
      return out;
    },
    async resetCounters() {
      await control("POST", "/stats/reset");
    },
    close: () => sb.close(),
  };
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Every item of a paginated list (Node 20 has no Array.fromAsync). */
export async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
