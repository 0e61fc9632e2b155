/**
 * No secret and no card number reaches a log line, even when the ERP and a proxy
 * in front of Ramp echo our requests back in their error bodies. A drain of the
 * sandbox backlog through the syncer, logging through the real Powertools logger
 * (createLogger + rampLoggerOf, as the handlers build it), with:
 *
 * - the Tryton adapter over a stand-in that answers the first login with an HTTP
 *   500 page echoing the request (the password in it), and every later call with
 *   an error echoing the request, its Authorization header included;
 * - the syncer's Ramp client behind a proxy that refuses the first token request
 *   quoting the client credentials it was sent, and each object read with a
 *   "data-loss prevention" refusal quoting the object's memo (a card number) and
 *   the bearer token;
 * - canaries — random strings with no recognisable prefix — as the Tryton password,
 *   the Ramp client secret and the Tryton session key, and Luhn-valid card numbers
 *   in every memo.
 *
 * Every captured stdout/stderr line, and every per-message retry reason (the
 * handler turns those into errors for SQS), is scanned for the canaries and for
 * any Luhn-valid card number.
 */
import { randomBytes, randomInt } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TrytonErp } from "../../lib/erp/tryton/index.js";
import { createMemoryRateLimiter, createMemoryTokenStore, createRampClient } from "../../lib/ramp/index.js";
import { createLogger, rampLoggerOf } from "../../lib/runtime/observability.js";
import { asRecords, type Harness, syncerHarness } from "./syncer-harness.js";

let h: Harness;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
});

/** Lower-case letters and digits, no prefix a pattern could key on. */
const canary = () => [...randomBytes(18)].map((b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A random Luhn-valid 16-digit Visa-like number, grouped by four. */
function cardNumber(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join("")}`;
  const check = [...Array(10).keys()].find((c) => luhn(`${body}${c}`));
  return `${body}${check}`.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** Digit runs (single spaces/dashes allowed) of 13–19 digits that pass Luhn. */
function cardsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (luhn(digits)) out.push(m[0]);
  }
  return out;
}

describe("logs under echoing error bodies", () => {
  it("carry no planted secret and no card number anywhere", async () => {
    h = await syncerHarness({
      transactions: 6,
      reimbursements: 0,
      transfers: 0,
      cashbacks: 0,
      entities: 1,
      currencies: ["USD"],
      vendorlessShare: 0,
    });
    const password = canary();
    const clientSecret = canary();
    const sessionKey = canary();
    const cards: string[] = [];

    // Plant: the Ramp app's client secret, and a card number in every memo.
    const sb = h.r.sb;
    const app = sb.state.apps.get(sb.clientId);
    if (!app) throw new Error("sandbox app missing");
    app.app.clientSecret = clientSecret;
    for (const biz of sb.state.businesses.values()) {
      for (const t of biz.transactions.all()) {
        const card = cardNumber();
        cards.push(card);
        t.memo = `team lunch, paid with ${card}`;
        for (const line of t.lines ?? []) line.memo = `split of ${card}`;
      }
    }
    expect(cards.length).toBeGreaterThan(0);

    // The ERP stand-in: echoes every request (body and Authorization) in its error bodies.
    let logins = 0;
    const erpFetch = (async (_url: string | URL, init?: RequestInit) => {
      const body = String(init?.body ?? "");
      const req = JSON.parse(body) as { id: number; method: string };
      const auth = new Headers(init?.headers).get("authorization");
      const echo = `${body} Authorization: ${auth}`;
      if (req.method === "common.db.login") {
        if (++logins === 1) return new Response(`upstream error; request was ${echo}`, { status: 500 });
        return Response.json({ id: req.id, result: [7, sessionKey] });
      }
      if (req.method === "model.res.user.get_preferences")
        return Response.json({ id: req.id, result: { company: 1, company_filter: "all" } });
      if (req.method === "model.res.user.set_preferences") return Response.json({ id: req.id, result: null });
      return Response.json({
        id: req.id,
        error: [`Exception: cannot handle ${echo}`, `Traceback (most recent call last):\n  request: ${echo}`],
      });
    }) as typeof fetch;
    const erp = new TrytonErp(
      {
        url: "http://tryton.stand-in",
        database: "tryton",
        username: "ramp-sync",
        password,
        companies: [{ key: "demo", erpCompanyId: "1" }],
      },
      { fetch: erpFetch },
    );

    // The proxy in front of Ramp: quotes credentials, memos and tokens in its refusals.
    let tokenCalls = 0;
    const refusedReads = new Set<string>();
    const rampFetch = (async (url: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(url));
      const auth = new Headers(init?.headers).get("authorization") ?? "";
      if (u.pathname.endsWith("/token") && ++tokenCalls === 1) {
        const decoded = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8");
        return Response.json(
          { error: "invalid_client", error_description: `no client for ${decoded} (${String(init?.body)})` },
          { status: 401 },
        );
      }
      const upstream = await fetch(url, init);
      const read = /^\/developer\/v1\/transactions\/[^/]+$/.test(u.pathname) && init?.method === "GET";
      if (!read || refusedReads.has(u.pathname)) return upstream;
      refusedReads.add(u.pathname);
      const memo = ((await upstream.json()) as { memo?: string }).memo;
      return Response.json(
        {
          error_v2: {
            error_code: "DLP_BLOCKED",
            message: `response blocked: memo "${memo}" looks like card data; request had ${auth}`,
          },
        },
        { status: 403 },
      );
    }) as typeof fetch;

    // The real logger, as the syncer handler builds it; everything it writes is captured.
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    const logger = rampLoggerOf(createLogger("syncer", "DEBUG"));
    const ramp = createRampClient({
      tenantId: "acme",
      baseUrl: sb.url,
      credentials: { get: async () => ({ clientId: sb.clientId, clientSecret }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      fetch: rampFetch,
      logger,
    });

    // Half the messages carry their snapshot (straight to the ERP), half make the syncer read Ramp.
    const items = (await h.ready()).map((it, i) => (i % 2 ? { ...it, snapshot: undefined } : it));
    const records = asRecords(items);
    const reasons: string[] = [];
    for (let round = 0; round < 3; round++) {
      const syncer = h.syncer({ erp, ramp, logger });
      const { results } = await syncer.processMessages(records);
      for (const r of results) {
        if (r.outcome && "reason" in r.outcome && r.outcome.reason) reasons.push(String(r.outcome.reason));
        if (r.error) reasons.push(String(r.error));
      }
      h.clock.now += 30 * 60_000;
    }
    vi.restoreAllMocks();

    // The stand-ins did echo: the run went through every path above.
    expect(logins).toBeGreaterThan(1);
    expect(tokenCalls).toBeGreaterThan(1);
    expect(refusedReads.size).toBeGreaterThan(0);
    const logText = lines.join("");
    expect(logText).toContain('"message":"sync failed"');
    expect(reasons.some((r) => r.includes("could not read the object from Ramp"))).toBe(true);

    for (const [what, text] of [
      ["log lines", logText],
      ["retry reasons", reasons.join("\n")],
    ] as const) {
      for (const [name, value] of Object.entries({ password, clientSecret, sessionKey })) {
        // Soft: a failure lists every leak at once, not just the first.
        expect.soft(text.includes(value), `${name} in ${what}`).toBe(false);
      }
      expect.soft(cardsIn(text), `card numbers in ${what}`).toEqual([]);
      expect.soft(/Bearer (?!\[redacted\])\S/.test(text), `a bearer token in ${what}`).toBe(false);
    }
  });
});
