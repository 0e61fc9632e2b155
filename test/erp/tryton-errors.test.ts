/**
 * Failures and their categories. User-actionable ones come from the live trytond
 * (closed period, inactive account or department, wrong company, missing bill);
 * transient and needs-integrator ones from real HTTP servers on loopback that
 * misbehave the ways Tryton or its proxy can (refused connection, 503, silence,
 * a Python exception).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErpError } from "../../lib/erp/port.js";
import { TrytonErp, TrytonRpcError, toErpError } from "../../lib/erp/tryton/index.js";
import { freePort } from "../../local/runtime/free-port.js";
import * as P from "./support/postings.js";
import { closePastPeriod, connectLive, LIVE, type Live, newRampId } from "./support/tryton-live.js";

let live: Live;
let erp: TrytonErp;
let closed: Awaited<ReturnType<typeof closePastPeriod>>;

beforeAll(async () => {
  live = await connectLive();
  erp = live.adapter();
  closed = await closePastPeriod(live, live.us);
});
afterAll(async () => {
  await closed?.reopen();
  await erp?.close();
});

async function failure(p: Promise<unknown>): Promise<ErpError> {
  const err = await p.then(
    () => new Error("expected a failure"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ErpError);
  return err as ErpError;
}

describe("user-actionable errors from the live Tryton", () => {
  it("a card transaction, a bill and a reimbursement in a closed period name the period, and nothing is created", async () => {
    const c = live.us;
    const postings = [
      P.transaction(c, undefined, { date: closed.date }),
      P.bill(c, undefined, { date: closed.date }),
      { ...P.reimbursement(c, false), date: closed.date },
    ];
    for (const p of postings) {
      const err = await failure(erp.post(p));
      expect({ category: err.category, code: err.code }, p.kind).toEqual({
        category: "user_actionable",
        code: "CLOSED_PERIOD",
      });
      expect(err.message).toContain(closed.name);
      expect(err.howToFix).toMatch(/reopen/i);
      expect(await erp.find(p.ref, c.key)).toBeNull();
    }
  });

  it("an inactive GL account is named, with how to fix it", async () => {
    const err = await failure(erp.post(P.transaction(live.us, [P.line(live.us, "6999", "1.00", "USD")])));
    expect(err).toMatchObject({ category: "user_actionable", code: "INACTIVE_ACCOUNT" });
    expect(err.title).toContain("6999");
    expect(err.title).toContain("Legacy Expense (retired)");
  });

  it("an inactive department is refused although Tryton itself would accept it", async () => {
    const c = live.us;
    const rpc = live.session.rpc;
    const ctx = live.session.ctx(c.id, { active_test: false });
    const code = "RAMPTEST-OFF";
    let [dept] = await rpc.search(
      "analytic_account.account",
      [
        ["company", "=", c.id],
        ["code", "=", code],
      ],
      ctx,
    );
    if (dept === undefined) {
      const [root] = await rpc.search(
        "analytic_account.account",
        [
          ["company", "=", c.id],
          ["code", "=", "DEPT"],
        ],
        ctx,
      );
      [dept] = await rpc.create(
        "analytic_account.account",
        [
          {
            name: "Ramp test (inactive)",
            code,
            type: "normal",
            root,
            parent: root,
            company: c.id,
            active: false,
          },
        ],
        ctx,
      );
    }
    const line = {
      ...P.line(c, "6100", "5.00", "USD"),
      dimensions: [{ fieldRemoteId: "field:DEPT", optionRemoteId: `${c.key}:${dept}` }],
    };
    const err = await failure(erp.post(P.transaction(c, [line])));
    expect(err).toMatchObject({ category: "user_actionable", code: "UNKNOWN_OPTION" });
    expect(err.title).toContain(code);
  });

  it("an account of the other company is refused as the user's coding mistake", async () => {
    const line = { ...P.line(live.us, "6100", "5.00", "USD"), accountRemoteId: live.eu.account("6100") };
    const err = await failure(erp.post(P.transaction(live.us, [line])));
    expect(err).toMatchObject({ category: "user_actionable", code: "UNKNOWN_ACCOUNT" });
    expect(err.title).toContain(live.eu.key);
  });

  it("a payment for a bill that is not in Tryton asks to sync the bill first", async () => {
    const c = live.us;
    const b = P.bill(c);
    const err = await failure(
      erp.post(
        P.billPayment(
          c,
          b,
          "account.invoice,987654321",
          b.lines[0]?.amount ?? P.line(c, "6100", "1.00", "USD").amount,
        ),
      ),
    );
    expect(err).toMatchObject({ category: "user_actionable", code: "MISSING_BILL" });
    expect(err.title).toContain(b.ref);
  });

  it("Tryton's own closed journal-period refusal maps to CLOSED_PERIOD naming the period", () => {
    const rpcErr = new TrytonRpcError(
      "model.account.move.create",
      "UserError",
      ['You cannot add/modify/delete lines on closed journal-period "Ramp Card - 2025-06".', "", null],
      200,
    );
    const err = toErpError(rpcErr);
    expect(err).toMatchObject({ category: "user_actionable", code: "CLOSED_PERIOD" });
    expect(err.title).toContain('"2025-06"');
  });
});

describe("session", () => {
  it("logs in again transparently when the session has expired", async () => {
    const own = live.adapter();
    expect(await own.find(`ramp:transaction:${newRampId()}`, live.us.key)).toBeNull();
    await own.session.rpc.raw("common.db.logout", []); // the server forgets the session key
    await expect(own.session.rpc.raw("model.res.user.get_preferences", [true, {}])).rejects.toMatchObject({
      status: 401,
    });
    expect(await own.find(`ramp:transaction:${newRampId()}`, live.us.key)).toBeNull();
    await own.close();
  });

  it("a rejected login needs the integrator (throw-away login: failed logins slow down that login only)", async () => {
    const bad = new TrytonErp({
      ...LIVE,
      username: `nobody-${newRampId()}`,
      password: "wrong",
      companies: live.companies,
    });
    const err = await failure(bad.find("ramp:transaction:x", live.us.key));
    expect(err.category).toBe("needs_integrator");
  });
});

describe("transport failures", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }
  const adapterAt = (url: string, timeoutMs = 5_000) =>
    new TrytonErp({
      url,
      database: "tryton",
      username: "admin",
      password: "admin",
      timeoutMs,
      companies: [{ key: "x", erpCompanyId: "1" }],
    });
  const postAt = (erpAt: TrytonErp) => erpAt.post(P.cashback(live.us, "1.00"));

  it("connection refused is transient UNAVAILABLE", async () => {
    const err = await failure(postAt(adapterAt(`http://127.0.0.1:${await freePort()}`)));
    expect(err).toMatchObject({ category: "transient", code: "UNAVAILABLE" });
  });

  it("HTTP 503 is transient UNAVAILABLE", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(503).end("busy");
    });
    const err = await failure(adapterAt(url).find("ramp:transaction:x", "x"));
    expect(err).toMatchObject({ category: "transient", code: "UNAVAILABLE" });
  });

  it("no answer within timeoutMs is transient TIMEOUT", async () => {
    const url = await serve(() => {
      /* never answers */
    });
    const err = await failure(adapterAt(url, 200).find("ramp:transaction:x", "x"));
    expect(err).toMatchObject({ category: "transient", code: "TIMEOUT" });
  });

  it("a Python exception from the server needs the integrator, with the detail kept", async () => {
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        const reply =
          method === "common.db.login"
            ? { id, result: [1, "key"] }
            : method === "model.res.user.get_preferences"
              ? { id, result: { company: 1, company_filter: "all" } }
              : {
                  id,
                  error: [
                    "KeyError: 'lines_to_pay'",
                    "Traceback (most recent call last):\n  ...\nKeyError: 'lines_to_pay'",
                  ],
                };
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(reply));
      });
    });
    const err = await failure(adapterAt(url).find("ramp:transaction:x", "x"));
    expect(err.category).toBe("needs_integrator");
    expect(err.detail).toContain("KeyError");
  });
});
