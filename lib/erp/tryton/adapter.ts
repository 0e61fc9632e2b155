/**
 * The Tryton 6.0 adapter of the ERP port.
 *
 * Where each kind lands (journal codes from the config):
 * - transaction: account.move in CARD, expense lines (departments as analytic
 *   lines, tax as a separate line with tax lines) against the card liability;
 * - transfer: move in CASH, card liability ← bank; cashback: move in CARD,
 *   card liability ← cashback income;
 * - bill / vendor credit: supplier invoice / credit note ("in" invoice), posted;
 * - bill payment: payment move in CASH reconciled with the bill (card-paid
 *   bills credit the card liability instead of the bank);
 * - reimbursement: "in" invoice to the employee's party, plus its payment move
 *   (`<ref>#payment`) when Ramp already paid the employee.
 *
 * Idempotency: look-before-create by the external ref, stored in
 * `account.move.description` or `account.invoice.reference` and searched with
 * `=` (exact). Tryton has no unique constraint on these fields (README
 * pitfall 14), so callers must serialise work per ref (the syncer's per-object
 * lock); capabilities.maxConcurrency is 1 for the same reason and because
 * trytond on SQLite serialises writers anyway.
 */
import { fromMajor } from "../../money/index.js";
import { parseExternalRef } from "../../sync/kinds.js";
import type { ErpCrashHook } from "../crash-points.js";
import {
  type CodingSurface,
  type ErpCapabilities,
  type ErpField,
  type ErpPort,
  type ErpVendor,
  type FoundRecord,
  integratorError,
  type Posting,
  type PostOutcome,
  type PostResult,
  userError,
} from "../port.js";
import { type TrytonConfig, TrytonConfigSchema, type TrytonSettings } from "./config.js";
import { toErpError } from "./errors.js";
import { type ErpModel, erpRef, idOf, parseErpRef, parseRemoteId, remoteId } from "./ids.js";
import { createAndPostInvoice, invoiceDraft } from "./invoices.js";
import { type MoveDraft, moveValues, transactionDraft, twoLineDraft } from "./moves.js";
import { payInvoice, readInvoice, settle } from "./payments.js";
import { type CompanyInfo, Needs, Refs } from "./refs.js";
import { TrytonRpc, TrytonRpcError } from "./rpc.js";
import { TrytonSession } from "./session.js";
import { readCompanySurface } from "./surface.js";
import type { WriteHooks } from "./write-hooks.js";

interface Journals {
  card: number;
  cash: number;
  expense: number;
}

interface Found {
  model: ErpModel;
  id: number;
  state: string;
}

type Batched = Extract<Posting, { kind: "transaction" | "transfer" | "cashback" }>;
const INVOICE_KINDS = new Set(["bill", "vendor_credit", "reimbursement"]);
const isBatched = (p: Posting): p is Batched =>
  p.kind === "transaction" || p.kind === "transfer" || p.kind === "cashback";
const paymentRefOf = (ref: string) => `${ref}#payment`;
/**
 * A reimbursement's own ref names its invoice; its payment move carries `<ref>#payment`
 * and is a move, not an invoice (looking it up among invoices found nothing, so a
 * retry after a kill between the payment's post and its reconciliation paid twice).
 */
const isInvoiceRef = (ref: string) =>
  !ref.endsWith("#payment") && INVOICE_KINDS.has(parseExternalRef(ref)?.kind ?? "");
const COMPLETE = { state: "complete", missing: null } as const;

export class TrytonErp implements ErpPort {
  readonly type = "tryton";
  readonly capabilities: ErpCapabilities;
  readonly session: TrytonSession;
  private readonly settings: TrytonSettings;
  private readonly companies = new Map<string, Promise<CompanyInfo>>();
  private journalIds: Promise<Journals> | null = null;
  /** Kill-test hook inside multi-step writes (lib/erp/crash-points.ts); none in production. */
  private readonly crash: ErpCrashHook | undefined;

  constructor(config: TrytonConfig, deps: { fetch?: typeof fetch; crash?: ErpCrashHook } = {}) {
    this.settings = TrytonConfigSchema.parse(config);
    this.crash = deps.crash;
    const { url, database, username, password, timeoutMs } = this.settings;
    this.session = new TrytonSession(
      new TrytonRpc({
        url,
        database,
        username,
        password,
        timeoutMs,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    );
    this.capabilities = {
      batchPosting: true,
      maxBatchSize: this.settings.maxBatchSize,
      foreignCurrency: "convert_at_erp_rate",
      supplierInvoices: true,
      creditNotes: true,
      dimensions: true,
      taxes: true,
      vendorCreation: true,
      maxConcurrency: 1,
    };
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.session.run(fn);
    } catch (err) {
      throw toErpError(err, what);
    }
  }

  // ------------------------------------------------------------ reference data

  /** The configured company for a key, with its name and currency (cached). */
  company(key: string): Promise<CompanyInfo> {
    let info = this.companies.get(key);
    if (!info) {
      info = this.loadCompany(key);
      info.catch(() => this.companies.delete(key));
      this.companies.set(key, info);
    }
    return info;
  }

  private async loadCompany(key: string): Promise<CompanyInfo> {
    const conf = this.settings.companies.find((c) => c.key === key);
    if (!conf) throw integratorError(`No Tryton company is configured for company key "${key}"`);
    const id = Number(conf.erpCompanyId);
    await this.session.connect();
    const rows = await this.session.rpc.searchRead<{
      id: number;
      rec_name: string;
      "currency.": { code: string; id: number };
    }>("company.company", [["id", "=", id]], ["rec_name", "currency.code"], this.session.ctx(id));
    const row = rows[0];
    if (!row)
      throw integratorError(`Tryton company ${id} (key "${key}") does not exist or the login cannot see it`);
    return { key, id, name: row.rec_name, currency: row["currency."].code, currencyId: row["currency."].id };
  }

  private journals(): Promise<Journals> {
    this.journalIds ??= (async () => {
      const codes = this.settings.journals;
      const rows = await this.session.rpc.searchRead<{ id: number; code: string }>(
        "account.journal",
        [["code", "in", [codes.card, codes.cash, codes.expense]]],
        ["code"],
      );
      const id = (code: string) => {
        const r = rows.find((x) => x.code === code);
        if (!r)
          throw integratorError(
            `Tryton journal "${code}" is missing`,
            "create it or set journals in the config",
          );
        return r.id;
      };
      return { card: id(codes.card), cash: id(codes.cash), expense: id(codes.expense) };
    })();
    this.journalIds.catch(() => {
      this.journalIds = null;
    });
    return this.journalIds;
  }

  // ------------------------------------------------------------ surface

  async readSurface(): Promise<CodingSurface> {
    return this.guard("reading the chart of accounts", async () => {
      const parts = await Promise.all(
        this.settings.companies.map((c) =>
          readCompanySurface(this.session, { key: c.key, id: Number(c.erpCompanyId) }),
        ),
      );
      const fields = new Map<string, ErpField>();
      for (const part of parts) {
        for (const f of part.fields) {
          const known = fields.get(f.remoteId);
          if (known) known.options.push(...f.options);
          else fields.set(f.remoteId, { ...f, options: [...f.options] });
        }
      }
      return {
        companies: parts.map((p) => p.company),
        glAccounts: parts.flatMap((p) => p.glAccounts),
        fields: [...fields.values()],
        vendors: parts.flatMap((p) => p.vendors),
        taxRates: parts.flatMap((p) => p.taxRates),
        taxCodes: parts.flatMap((p) => p.taxCodes),
      };
    });
  }

  // ------------------------------------------------------------ lookups

  async find(ref: string, companyKey: string, posting?: Posting): Promise<FoundRecord | null> {
    return this.guard("looking up a reference", async () => {
      const company = await this.company(companyKey);
      const f = (await this.findRecords(company, [ref])).get(ref);
      if (!f) return null;
      const { state, missing } = await this.completeness(company, ref, f, posting);
      return { erpId: erpRef(f.model, f.id), created: false, state, missing };
    });
  }

  /**
   * Is everything the posting needs in Tryton? A draft (killed between create and post)
   * is never complete; a reimbursement Ramp already paid needs its payment move posted and
   * reconciled (the invoice `paid`); a bill payment's move must be reconciled with (or,
   * when partial, attached to) its bill. Finishing is postBatch's job (finishBatch).
   */
  private async completeness(
    company: CompanyInfo,
    ref: string,
    f: Found,
    posting: Posting | undefined,
  ): Promise<Pick<FoundRecord, "state" | "missing">> {
    if (f.state === "draft" || f.state === "validated")
      return { state: "draft", missing: `${f.model} ${f.id} is not posted` };
    if (posting?.kind === "reimbursement" && posting.payment && f.state !== "paid") {
      const pay = (await this.findRecords(company, [paymentRefOf(ref)])).get(paymentRefOf(ref));
      if (!pay) return { state: "partial", missing: "the payment move Ramp already made is missing" };
      if (pay.state === "draft") return { state: "partial", missing: `payment move ${pay.id} is not posted` };
      return { state: "partial", missing: `payment move ${pay.id} is not reconciled with the invoice` };
    }
    if (posting?.kind === "bill_payment") {
      const invoiceId = parseErpRef(posting.billErpId, "account.invoice");
      const rpc = this.session.rpc;
      const ctx = this.session.ctx(company.id);
      const [inv] =
        invoiceId === null
          ? []
          : await rpc.searchRead<{ state: string; account: number; payment_lines: number[] | null }>(
              "account.invoice",
              [
                ["id", "=", invoiceId],
                ["company", "=", company.id],
              ],
              ["state", "account", "payment_lines"],
              ctx,
            );
      if (!inv || inv.state === "paid") return COMPLETE;
      const open = await rpc.search(
        "account.move.line",
        [
          ["move", "=", f.id],
          ["account", "=", inv.account],
          ["reconciliation", "=", null],
        ],
        ctx,
      );
      const attached = new Set(inv.payment_lines ?? []);
      const loose = open.filter((id) => !attached.has(id));
      if (loose.length)
        return { state: "partial", missing: `payment move ${f.id} is not reconciled with the bill` };
    }
    return COMPLETE;
  }

  /** Records holding each ref (the oldest when duplicates exist); two queries for any number of refs. */
  private async findRecords(company: CompanyInfo, refs: string[]): Promise<Map<string, Found>> {
    const rpc = this.session.rpc;
    const ctx = this.session.ctx(company.id);
    const invoiceRefs = refs.filter(isInvoiceRef);
    const moveRefs = refs.filter((r) => !isInvoiceRef(r));
    const order: [string, "ASC"][] = [["id", "ASC"]];
    const [invoices, moves] = await Promise.all([
      invoiceRefs.length
        ? rpc.searchRead<{ id: number; reference: string; state: string }>(
            "account.invoice",
            [
              ["company", "=", company.id],
              ["type", "=", "in"],
              ["reference", "in", invoiceRefs],
            ],
            ["reference", "state"],
            ctx,
            { order },
          )
        : [],
      moveRefs.length
        ? rpc.searchRead<{ id: number; description: string; state: string }>(
            "account.move",
            [
              ["company", "=", company.id],
              ["description", "in", moveRefs],
            ],
            ["description", "state"],
            ctx,
            { order },
          )
        : [],
    ]);
    const out = new Map<string, Found>();
    for (const r of invoices)
      if (!out.has(r.reference)) out.set(r.reference, { model: "account.invoice", id: r.id, state: r.state });
    for (const r of moves)
      if (!out.has(r.description))
        out.set(r.description, { model: "account.move", id: r.id, state: r.state });
    return out;
  }

  async findBillPayment(billErpId: string, companyKey: string): Promise<string | null> {
    return this.guard("looking up a bill payment", async () => {
      const company = await this.company(companyKey);
      const id = parseErpRef(billErpId, "account.invoice");
      if (id === null) return null;
      const rpc = this.session.rpc;
      const ctx = this.session.ctx(company.id);
      const [inv] = await rpc.searchRead<{
        move: number | null;
        reconciliation_lines: number[] | null;
        payment_lines: number[] | null;
      }>(
        "account.invoice",
        [
          ["id", "=", id],
          ["company", "=", company.id],
        ],
        ["move", "reconciliation_lines", "payment_lines"],
        ctx,
      );
      if (!inv) return null;
      const lineIds = [...(inv.reconciliation_lines ?? []), ...(inv.payment_lines ?? [])];
      if (!lineIds.length) return null;
      const lines = await rpc.read<{ move: number }>("account.move.line", lineIds, ["move"], ctx);
      const moves = lines.map((l) => l.move).filter((m) => m !== inv.move);
      return moves.length ? erpRef("account.move", Math.min(...moves)) : null;
    });
  }

  // ------------------------------------------------------------ vendors

  async createVendor(input: { companyKey: string; name: string }): Promise<ErpVendor> {
    return this.guard("creating a vendor", async () => {
      const company = await this.company(input.companyKey);
      const party = await this.partyByName(company, input.name.trim(), true);
      if (!party) throw integratorError("vendor creation returned no party");
      return {
        remoteId: remoteId(company.key, party.id),
        companyKey: company.key,
        name: party.name,
        code: party.code,
        active: true,
      };
    });
  }

  /**
   * Exact-name lookup, then create with an (empty) address so the party can be
   * invoiced at once. Parties are shared by all companies in Tryton 6.0.
   */
  private async partyByName(company: CompanyInfo, name: string, create: boolean) {
    const rpc = this.session.rpc;
    const ctx = this.session.ctx(company.id);
    type Row = { id: number; name: string; code: string | null; addresses: number[] };
    const fields = ["name", "code", "addresses"];
    const find = async () =>
      (
        await rpc.searchRead<Row>("party.party", [["name", "=", name]], fields, ctx, {
          order: [["id", "ASC"]],
          limit: 1,
        })
      )[0];
    const hit = await find();
    if (hit || !create) return hit ?? null;
    const make = () => rpc.create("party.party", [{ name, addresses: [["create", [{}]]] }], ctx);
    let id: number | undefined;
    try {
      [id] = await make();
    } catch (err) {
      // Another worker (concurrent syncer invocations) may have created a party in the same moment:
      // the same name, or a party code drawn from the same sequence value ("The code on party must be
      // unique"). Look again, then create once more.
      if (!(err instanceof TrytonRpcError)) throw err;
      const again = await find();
      if (again) return again;
      [id] = await make();
    }
    const [row] = await rpc.read<Row>("party.party", [id as number], fields, ctx);
    if (!row) throw new Error("created party not readable");
    return row;
  }

  /** The party of the reimbursed employee: by employee id, else employee name, else a party of that name. */
  private async employeeParty(company: CompanyInfo, remote: string | null, name: string) {
    const rpc = this.session.rpc;
    const ctx = this.session.ctx(company.id);
    // company.employee has no record rule (pitfall 19): always filter on company.
    const domain = remote
      ? [["id", "=", idOf(remote, company.key, "employee", "MISSING_MAPPING")]]
      : [["party.name", "=", name]];
    const [emp] = await rpc.searchRead<{ party: number }>(
      "company.employee",
      [["company", "=", company.id], ...domain],
      ["party"],
      ctx,
    );
    if (emp) {
      const [row] = await rpc.read<{ id: number; name: string; addresses: number[] }>(
        "party.party",
        [emp.party],
        ["name", "addresses"],
        ctx,
      );
      if (row) return row;
    }
    if (remote) {
      throw userError(
        "MISSING_MAPPING",
        `Employee ${remote} is not an employee of ${company.name} in Tryton`,
        "Map the Ramp user to an employee of the right company in Tryton, then retry the sync.",
      );
    }
    const party = await this.partyByName(company, name, true);
    if (!party) throw new Error("party creation failed");
    return party;
  }

  // ------------------------------------------------------------ posting

  async post(posting: Posting): Promise<PostResult> {
    const [outcome] = await this.postBatch([posting]);
    if (!outcome) throw integratorError("postBatch returned no outcome");
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * postBatch is already look-before-create and finishes what it finds unfinished (posts
   * stale drafts, recreates a draft invoice, adds a missing payment, reconciles): finishing
   * a takeover goes through exactly that path.
   */
  finishBatch(items: readonly { posting: Posting; found: FoundRecord }[]): Promise<PostOutcome[]> {
    return this.postBatch(items.map((i) => i.posting));
  }

  async postBatch(postings: readonly Posting[]): Promise<PostOutcome[]> {
    const outcomes: (PostOutcome | undefined)[] = new Array(postings.length).fill(undefined);
    const groups = new Map<string, number[]>();
    postings.forEach((p, i) => {
      groups.set(p.companyKey, [...(groups.get(p.companyKey) ?? []), i]);
    });
    for (const [key, indexes] of groups) {
      try {
        await this.session.run(() => this.postGroup(key, postings, indexes, outcomes));
      } catch (err) {
        const error = toErpError(err, "posting");
        for (const i of indexes) outcomes[i] ??= { ok: false, error };
      }
    }
    return outcomes.map((o) => o ?? { ok: false, error: integratorError("posting produced no outcome") });
  }

  private async postGroup(
    key: string,
    postings: readonly Posting[],
    indexes: number[],
    outcomes: (PostOutcome | undefined)[],
  ): Promise<void> {
    const company = await this.company(key);
    const journals = await this.journals();
    const refsList = [...new Set(indexes.map((i) => (postings[i] as Posting).ref))];
    const found = await this.findRecords(company, refsList);
    const ok = (i: number, result: PostResult) => {
      outcomes[i] = { ok: true, result };
    };
    const fail = (i: number, err: unknown) => {
      outcomes[i] = { ok: false, error: toErpError(err, "posting") };
    };

    // One posting per ref; repeats in the same batch copy the first one's outcome.
    const firstOfRef = new Map<string, number>();
    const repeats: [number, number][] = [];
    const todo: number[] = [];
    for (const i of indexes) {
      const p = postings[i] as Posting;
      const first = firstOfRef.get(p.ref);
      if (first !== undefined) {
        repeats.push([i, first]);
        continue;
      }
      firstOfRef.set(p.ref, i);
      const f = found.get(p.ref);
      const complete = p.kind === "bill_payment" || p.kind === "reimbursement";
      if (f && f.state !== "draft" && !complete) ok(i, { erpId: erpRef(f.model, f.id), created: false });
      else todo.push(i);
    }

    const needs = new Needs();
    for (const i of todo) collectNeeds(postings[i] as Posting, company, needs);
    const refs = await Refs.load(this.session, company, needs);

    // Journal entries: built up front, created and posted in chunks (2 calls per chunk).
    const drafts: { i: number; draft: MoveDraft }[] = [];
    const staleDrafts: { i: number; id: number }[] = [];
    for (const i of todo) {
      const p = postings[i] as Posting;
      if (!isBatched(p)) continue;
      const f = found.get(p.ref);
      if (f) {
        staleDrafts.push({ i, id: f.id }); // created by an attempt that failed before `post`
        continue;
      }
      try {
        const journal = p.kind === "transfer" ? journals.cash : journals.card;
        drafts.push({
          i,
          draft:
            p.kind === "transaction" ? transactionDraft(p, refs, journal) : twoLineDraft(p, refs, journal),
        });
      } catch (err) {
        fail(i, err);
      }
    }
    // Kill-test windows between the records of the batch: after each write unit, while more remain.
    const units = staleDrafts.length + Math.ceil(drafts.length / this.settings.maxBatchSize);
    const docs = todo.flatMap((i) => {
      const p = postings[i] as Posting;
      return isBatched(p) ? [] : [{ i, p }];
    });
    let written = 0;
    const between = async (ref: string) => {
      if (++written < units + docs.length) await this.crash?.("erp-between", { refs: [ref] });
    };
    for (const s of staleDrafts) {
      try {
        await this.session.rpc.button("account.move", "post", [s.id], this.session.ctx(company.id));
        ok(s.i, { erpId: erpRef("account.move", s.id), created: false });
      } catch (err) {
        fail(s.i, err);
      }
      await between((postings[s.i] as Posting).ref);
    }
    for (let start = 0; start < drafts.length; start += this.settings.maxBatchSize) {
      const chunk = drafts.slice(start, start + this.settings.maxBatchSize);
      await this.createMoves(company, refs, chunk, ok, fail);
      await between((postings[(chunk[chunk.length - 1] as { i: number }).i] as Posting).ref);
    }

    // Documents: one at a time (an invoice needs create, tax fix-up and post in sequence).
    for (const { i, p } of docs) {
      try {
        ok(i, await this.postDocument(p, company, journals, refs, found.get(p.ref) ?? null));
      } catch (err) {
        fail(i, err);
      }
      await between(p.ref);
    }
    for (const [i, first] of repeats) {
      const o = outcomes[first];
      outcomes[i] = o?.ok ? { ok: true, result: { ...o.result, created: false } } : o;
    }
  }

  /** Creates and posts a chunk of moves in two calls; on a refusal, retries one by one to isolate it. */
  private async createMoves(
    company: CompanyInfo,
    refs: Refs,
    chunk: { i: number; draft: MoveDraft }[],
    ok: (i: number, r: PostResult) => void,
    fail: (i: number, err: unknown) => void,
  ): Promise<void> {
    if (!chunk.length) return;
    const rpc = this.session.rpc;
    const ctx = this.session.ctx(company.id);
    let ids: number[];
    try {
      ids = await rpc.create(
        "account.move",
        chunk.map((c) => moveValues(c.draft, refs)),
        ctx,
      );
    } catch (err) {
      if (chunk.length === 1 || isTransient(err)) {
        for (const c of chunk) fail(c.i, err);
        return;
      }
      for (const c of chunk) await this.createMoves(company, refs, [c], ok, fail);
      return;
    }
    await this.crash?.("erp-created", { refs: chunk.map((c) => c.draft.ref) });
    try {
      await rpc.button("account.move", "post", ids, ctx);
      chunk.forEach((c, k) => {
        ok(c.i, { erpId: erpRef("account.move", ids[k] as number), created: true });
      });
    } catch (err) {
      // A refused post leaves drafts carrying our refs: delete them so a retry starts clean.
      await rpc.model("account.move", "delete", [ids], ctx).catch(() => undefined);
      if (chunk.length === 1 || isTransient(err)) {
        for (const c of chunk) fail(c.i, err);
        return;
      }
      for (const c of chunk) await this.createMoves(company, refs, [c], ok, fail);
    }
  }

  private async postDocument(
    p: Exclude<Posting, Batched>,
    company: CompanyInfo,
    journals: Journals,
    refs: Refs,
    found: Found | null,
  ): Promise<PostResult> {
    const rpc = this.session.rpc;
    const ctx = this.session.ctx(company.id);
    const dropDraft = async () => {
      if (found?.state === "draft") await rpc.model(found.model, "delete", [[found.id]], ctx);
    };
    switch (p.kind) {
      case "bill":
      case "vendor_credit": {
        if (found && found.state !== "draft") return { erpId: erpRef(found.model, found.id), created: false };
        const party = refs.party(p.vendorRemoteId);
        const number = p.kind === "bill" ? p.invoiceNumber : null;
        const draft = invoiceDraft(
          {
            ref: p.ref,
            date: p.date,
            dueDate: p.kind === "bill" ? p.dueDate : null,
            currency: p.currency,
            party,
            payableAccountRemoteId: p.payableAccountRemoteId,
            journal: journals.expense,
            lines: p.lines,
            sign: p.kind === "bill" ? 1 : -1,
            description: [number, p.memo, p.link].filter(Boolean).join(" | ") || p.ref,
          },
          refs,
        );
        await dropDraft();
        const id = await createAndPostInvoice(this.session, company.id, draft, this.hooks(p.ref));
        return { erpId: erpRef("account.invoice", id), created: true };
      }
      case "reimbursement": {
        let invoiceId: number;
        let created = false;
        if (found && found.state !== "draft") invoiceId = found.id;
        else {
          const party = await this.employeeParty(company, p.employeeRemoteId, p.employeeName);
          const draft = invoiceDraft(
            {
              ref: p.ref,
              date: p.date,
              dueDate: null,
              currency: p.currency,
              party,
              payableAccountRemoteId: p.payableAccountRemoteId,
              journal: journals.expense,
              lines: p.lines,
              sign: 1,
              description: [p.employeeName, p.memo, p.link].filter(Boolean).join(" | "),
            },
            refs,
          );
          if (p.payment) {
            refs.period(p.payment.date);
            refs.account(p.payment.bankAccountRemoteId, p.payment.date);
          }
          await dropDraft();
          invoiceId = await createAndPostInvoice(this.session, company.id, draft, this.hooks(p.ref));
          created = true;
          if (p.payment) await this.crash?.("erp-invoiced", { refs: [p.ref] });
        }
        if (p.payment) await this.payReimbursement(p.ref, p.payment, invoiceId, company, journals, refs);
        return { erpId: erpRef("account.invoice", invoiceId), created };
      }
      case "bill_payment":
        return this.postBillPayment(p, company, journals, refs, found);
    }
  }

  /** Ramp already paid the employee: clear the payable to the bank (once), reconciled with the invoice. */
  private async payReimbursement(
    ref: string,
    payment: { date: string; bankAccountRemoteId: string },
    invoiceId: number,
    company: CompanyInfo,
    journals: Journals,
    refs: Refs,
  ): Promise<void> {
    const payRef = paymentRefOf(ref);
    const inv = await readInvoice(this.session, company.id, invoiceId);
    if (!inv || inv.state === "paid") return;
    const existing = (await this.findRecords(company, [payRef])).get(payRef);
    if (existing) {
      if (existing.state === "draft")
        await this.session.rpc.button("account.move", "post", [existing.id], this.session.ctx(company.id));
      await settle(
        this.session,
        company.id,
        inv,
        existing.id,
        await this.openLines(company, inv.lines_to_pay),
      );
      return;
    }
    await payInvoice(
      this.session,
      refs,
      {
        invoice: inv,
        ref: payRef,
        date: payment.date,
        period: refs.period(payment.date).id,
        journal: journals.cash,
        creditAccount: refs.account(payment.bankAccountRemoteId, payment.date).id,
        amount: null,
      },
      this.hooks(ref),
    );
  }

  private async openLines(company: CompanyInfo, ids: number[]): Promise<number[]> {
    const rows = await this.session.rpc.read<{ id: number; reconciliation: number | null }>(
      "account.move.line",
      ids,
      ["reconciliation"],
      this.session.ctx(company.id),
    );
    return rows.filter((r) => r.reconciliation === null).map((r) => r.id);
  }

  private async postBillPayment(
    p: Extract<Posting, { kind: "bill_payment" }>,
    company: CompanyInfo,
    journals: Journals,
    refs: Refs,
    found: Found | null,
  ): Promise<PostResult> {
    const invoiceId = parseErpRef(p.billErpId, "account.invoice");
    const inv = invoiceId === null ? null : await readInvoice(this.session, company.id, invoiceId);
    if (!inv || inv.state === "draft" || inv.state === "cancelled") {
      throw userError(
        "MISSING_BILL",
        `The bill ${p.billRef} is not posted in Tryton ${company.name} (ERP id ${p.billErpId})`,
        "Sync the bill first (or repost it in Tryton), then retry the payment.",
      );
    }
    if (found) {
      // Posted by an earlier attempt: finish what may be missing (post, reconciliation).
      if (found.state === "draft")
        await this.session.rpc.button("account.move", "post", [found.id], this.session.ctx(company.id));
      if (inv.state === "posted") {
        const open = await this.openLines(company, inv.lines_to_pay);
        const full = p.amount.minor === fromMajor(inv.amount_to_pay, inv["currency."].code).minor;
        await settle(this.session, company.id, inv, found.id, full ? open : null);
      }
      return { erpId: erpRef("account.move", found.id), created: false };
    }
    if (inv.state === "paid") {
      // Paid in Tryton already (by hand, or PAID_IN_ERP): never pay twice.
      const existing = await this.findBillPayment(erpRef("account.invoice", inv.id), company.key);
      return { erpId: existing ?? erpRef("account.invoice", inv.id), created: false };
    }
    const period = refs.period(p.date);
    const credit = refs.account(p.creditAccountRemoteId, p.date);
    const moveId = await payInvoice(
      this.session,
      refs,
      {
        invoice: inv,
        ref: p.ref,
        date: p.date,
        period: period.id,
        journal: journals.cash,
        creditAccount: credit.id,
        amount: p.amount,
      },
      this.hooks(p.ref),
    );
    return { erpId: erpRef("account.move", moveId), created: true };
  }

  /** The kill-test hook bound to one posting's ref, for the write helpers (invoices, payments). */
  private hooks(ref: string): WriteHooks {
    const crash = this.crash;
    return crash ? { at: (point) => crash(point, { refs: [ref] }) } : {};
  }

  async close(): Promise<void> {
    await this.session.rpc.logout().catch(() => undefined);
  }
}

function isTransient(err: unknown): boolean {
  return toErpError(err).category === "transient";
}

/** What the checks need, by Tryton id; malformed or foreign ids are reported when the posting is built. */
function collectNeeds(p: Posting, company: CompanyInfo, needs: Needs): void {
  const add = (set: Set<number>, remote: string | null | undefined) => {
    const parsed = remote ? parseRemoteId(remote) : null;
    if (parsed?.companyKey === company.key) set.add(parsed.id);
  };
  const rate = (date: string, currency: string) => {
    if (currency === company.currency) return;
    const s = needs.rates.get(date) ?? new Set<string>();
    s.add(currency);
    needs.rates.set(date, s);
  };
  needs.dates.add(p.date);
  rate(p.date, p.currency);
  const lines = "lines" in p ? p.lines : [];
  for (const l of lines) {
    add(needs.accounts, l.accountRemoteId);
    for (const d of l.dimensions) add(needs.options, d.optionRemoteId);
    add(needs.taxes, l.tax?.taxCodeRemoteId);
  }
  switch (p.kind) {
    case "transaction":
      add(needs.accounts, p.creditAccountRemoteId);
      if (p.originalAmount) rate(p.date, p.originalAmount.currency);
      break;
    case "bill":
    case "vendor_credit":
      add(needs.accounts, p.payableAccountRemoteId);
      add(needs.parties, p.vendorRemoteId);
      break;
    case "bill_payment":
      add(needs.accounts, p.creditAccountRemoteId);
      break;
    case "reimbursement":
      add(needs.accounts, p.payableAccountRemoteId);
      if (p.payment) {
        add(needs.accounts, p.payment.bankAccountRemoteId);
        needs.dates.add(p.payment.date);
        rate(p.payment.date, p.currency);
      }
      break;
    case "transfer":
    case "cashback":
      add(needs.accounts, p.debitAccountRemoteId);
      add(needs.accounts, p.creditAccountRemoteId);
      break;
  }
}
