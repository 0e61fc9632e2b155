/**
 * Tryton posting throughput: card-transaction journal entries posted one at a
 * time (`post`: lookup, reference reads, create, post per entry) and batched
 * (`postBatch`: the same calls once per chunk of up to 50), side by side in one
 * run against the same trytond, with the ratio.
 *
 * Env: TRYTON_URL (http://127.0.0.1:8000), TRYTON_DB, TRYTON_USER, TRYTON_PASSWORD,
 * BENCH_TRYTON_N (postings per mode, default 100; quick 20). When Tryton is not reachable the
 * suite records why in its detail and emits no figure: a skip, not a failure (CI without
 * Tryton still runs every other suite).
 * The admin login only provisions the integration user the adapter logs in as
 * (TRYTON_SYNC_USER / TRYTON_SYNC_PASSWORD), so admin's preferences stay as they are.
 * Every run uses fresh Ramp ids, so it is safe against a persistent database.
 */
import { randomUUID } from "node:crypto";
import { externalRef } from "../../lib/domain/kinds.js";
import type { CardTransactionPosting } from "../../lib/erp/port.js";
import { ensureIntegrationUser, TrytonErp, TrytonRpc } from "../../lib/erp/tryton/index.js";
import { money } from "../../lib/money/index.js";
import { figureMaker } from "../figure.js";
import type { BenchContext, SuiteOutput } from "../schema.js";

const fig = figureMaker("tryton-post");

const url = process.env.TRYTON_URL ?? `http://127.0.0.1:${process.env.TRYTON_PORT ?? "8000"}`;
const database = process.env.TRYTON_DB ?? "tryton";
const username = process.env.TRYTON_USER ?? "admin";
const password = process.env.TRYTON_PASSWORD ?? "admin";
const sync = {
  username: process.env.TRYTON_SYNC_USER ?? "ramp-sync-test",
  password: process.env.TRYTON_SYNC_PASSWORD ?? "Rs7!kQ2@pL9#xW4$",
};

export default async function trytonPost(bench: BenchContext): Promise<SuiteOutput> {
  const n = Number(process.env.BENCH_TRYTON_N ?? (bench.quick ? 20 : 100));
  const probe = new TrytonRpc({ url, database, username, password, timeoutMs: 3_000 });
  try {
    await probe.raw("common.server.version", [], true);
  } catch (err) {
    return { figures: [], detail: { skipped: `Tryton not running at ${url}: ${(err as Error).message}` } };
  }

  await probe.login();
  await ensureIntegrationUser(probe, { login: sync.username, password: sync.password, companyIds: [1] });
  await probe.logout();
  const erp = new TrytonErp({
    url,
    database,
    ...sync,
    companies: [{ key: "bench", erpCompanyId: "1" }],
    timeoutMs: 60_000,
  });
  await erp.session.connect();
  const rpc = erp.session.rpc;
  const ctx = erp.session.ctx(1);
  const company = await erp.company("bench");
  const accounts = await rpc.searchRead<{ id: number; code: string }>(
    "account.account",
    [
      ["company", "=", 1],
      ["code", "in", ["6100", "2100"]],
    ],
    ["code"],
    ctx,
  );
  const [dept] = await rpc.search(
    "analytic_account.account",
    [
      ["company", "=", 1],
      ["code", "=", "ENG"],
    ],
    ctx,
  );
  const acc = (code: string) => `bench:${accounts.find((a) => a.code === code)?.id}`;
  if (accounts.length !== 2 || dept === undefined)
    return { figures: [], detail: { skipped: "accounts 6100/2100 or department ENG missing in company 1" } };

  const date = new Date().toISOString().slice(0, 10);
  const posting = (): CardTransactionPosting => {
    const rampId = randomUUID();
    return {
      kind: "transaction",
      ref: externalRef("transaction", rampId),
      rampId,
      companyKey: "bench",
      date,
      currency: company.currency,
      memo: "bench",
      link: null,
      lines: [
        {
          accountRemoteId: acc("6100"),
          amount: money(1_234, company.currency),
          tax: null,
          dimensions: [{ fieldRemoteId: "field:DEPT", optionRemoteId: `bench:${dept}` }],
          memo: null,
        },
      ],
      creditAccountRemoteId: acc("2100"),
      vendorRemoteId: null,
      merchantName: "Bench Coffee",
      originalAmount: null,
    };
  };

  await erp.post(posting()); // warm-up: login, company, journals cached on both paths

  const measure = async (run: (items: CardTransactionPosting[]) => Promise<void>) => {
    const items = Array.from({ length: n }, posting);
    const requests = rpc.requests;
    const started = process.hrtime.bigint();
    await run(items);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      postings: n,
      seconds: Number(seconds.toFixed(3)),
      postingsPerSecond: Number((n / seconds).toFixed(2)),
      requestsPerPosting: Number(((rpc.requests - requests) / n).toFixed(2)),
    };
  };

  const oneByOne = await measure(async (items) => {
    for (const p of items) await erp.post(p);
  });
  const batchSize = erp.capabilities.maxBatchSize;
  const batched = await measure(async (items) => {
    for (let i = 0; i < items.length; i += batchSize) {
      const outcomes = await erp.postBatch(items.slice(i, i + batchSize));
      const failed = outcomes.find((o) => !o.ok);
      if (failed && !failed.ok) throw failed.error;
    }
  });
  await erp.close();
  const perPosting = (m: { seconds: number }) => (m.seconds * 1000) / n;
  return {
    figures: [
      fig("post", "Tryton post(), one at a time", perPosting(oneByOne), "ms/posting", {
        note: `${n} postings, ${oneByOne.requestsPerPosting} JSON-RPC requests each`,
      }),
      fig("post-batch", `Tryton postBatch(${batchSize})`, perPosting(batched), "ms/posting", {
        baseline: perPosting(oneByOne),
        note: `${batched.requestsPerPosting} requests per posting`,
      }),
    ],
    detail: {
      tryton: url,
      batchSize,
      oneByOne,
      batched,
      ratio: Number((batched.postingsPerSecond / oneByOne.postingsPerSecond).toFixed(2)),
    },
  };
}
