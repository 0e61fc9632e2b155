/**
 * Error bodies from the ERP and from Ramp never reach an error's message (which
 * every caller logs) or its enumerable fields (which a logger serialising the
 * error prints): a stand-in that echoes the request, credentials and memo
 * included, leaves only structured fields behind.
 */
import { describe, expect, it } from "vitest";
import { toErpError } from "../../lib/erp/tryton/errors.js";
import { TrytonRpc, TrytonRpcError } from "../../lib/erp/tryton/rpc.js";
import { createRampHttp } from "../../lib/ramp/http.js";
import { createMemoryRateLimiter, createMemoryTokenStore } from "../../lib/ramp/memory.js";
import { classifyFailure } from "../../lib/sync/failure.js";

const ECHO = "zq8mw3kv7tjx"; // a canary with no recognisable prefix
const CARD = "4111 1111 1111 1111";

/** Everything a logger could print about an error: message, stack and its enumerable fields. */
const printable = (err: unknown) => {
  const e = err as Error;
  return `${e.message}\n${e.stack}\n${JSON.stringify({ ...e })}`;
};

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("Tryton error bodies", () => {
  const rpcWith = (answer: (body: string) => Response) =>
    new TrytonRpc({
      url: "http://tryton.test",
      database: "db",
      username: "sync",
      password: "not-the-canary-pw",
      timeoutMs: 1000,
      fetch: (async (_url: string, init: RequestInit) => answer(String(init.body))) as typeof fetch,
    });

  it("an HTTP error echoing the request keeps status, length and hash only", async () => {
    const rpc = rpcWith(
      (body) => new Response(`proxy error for ${body} memo ${CARD} ${ECHO}`, { status: 500 }),
    );
    const err = await failure(rpc.raw("model.account.move.create", [[{ description: ECHO }]]));
    expect(err).toBeInstanceOf(TrytonRpcError);
    const e = err as TrytonRpcError;
    expect(e.type).toBe("HTTP 500");
    expect(e.message).toMatch(
      /^model\.account\.move\.create: HTTP 500 \(HTTP 500; \d+ chars, sha256 [0-9a-f]{12}\)$/,
    );
    for (const text of [printable(e), classifyFailure(toErpError(e)).detail]) {
      expect(text).not.toContain(ECHO);
      expect(text).not.toContain(CARD);
    }
  });

  it("a JSON-RPC exception or UserError quoting values keeps its code name, not its text", async () => {
    const exc = rpcWith(() =>
      Response.json({ id: 1, error: [`IntegrityError: duplicate (${ECHO})`, `Traceback ... ${ECHO}`] }),
    );
    const e1 = (await failure(exc.raw("m", []))) as TrytonRpcError;
    expect(e1.type).toBe("IntegrityError");
    const user = rpcWith(() =>
      Response.json({ id: 1, error: ["UserError", [`The value "${ECHO} ${CARD}" is not valid`, "", null]] }),
    );
    const e2 = (await failure(user.raw("m", []))) as TrytonRpcError;
    expect(e2.type).toBe("UserError");
    // The text is still there for classification, just not printable.
    expect(e2.userMessage).toContain(ECHO);
    for (const e of [e1, e2]) {
      for (const text of [printable(e), printable(toErpError(e)), classifyFailure(toErpError(e)).detail]) {
        expect(text).not.toContain(ECHO);
        expect(text).not.toContain(CARD);
      }
    }
  });
});

describe("Ramp error bodies", () => {
  it("a refusal echoing the request (memo, bearer token) keeps status, code and trace id only", async () => {
    const fetchImpl = (async (url: string | URL, init: RequestInit) => {
      if (String(url).endsWith("/developer/v1/token"))
        return Response.json({ access_token: "tok-abcdefghijkl", expires_in: 3600 });
      const auth = new Headers(init.headers).get("authorization");
      return Response.json(
        { error_v2: { error_code: "DEVELOPER_7001", message: `bad memo ${CARD} ${ECHO} sent with ${auth}` } },
        { status: 400, headers: { "x-trace-id": "tr-1" } },
      );
    }) as typeof fetch;
    const http = createRampHttp({
      tenantId: "t",
      baseUrl: "http://ramp.test",
      credentials: { get: async () => ({ clientId: "id", clientSecret: "client-secret-xyz" }) },
      tokens: createMemoryTokenStore(),
      limiter: createMemoryRateLimiter(),
      fetch: fetchImpl,
    });
    const err = await failure(http.request({ method: "GET", path: "/developer/v1/transactions/x" }));
    expect((err as Error).message).toBe(
      "Ramp GET /developer/v1/transactions/x → 400 DEVELOPER_7001 (trace tr-1)",
    );
    for (const text of [printable(err), classifyFailure(err).detail]) {
      expect(text).not.toContain(ECHO);
      expect(text).not.toContain(CARD);
      expect(text).not.toContain("tok-abcdefghijkl");
    }
  });
});
