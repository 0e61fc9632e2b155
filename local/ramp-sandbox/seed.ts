/**
 * A deterministic demo business: entities, Ramp vendors, vendor credits and every kind of spend
 * object, coded against the built-in demo chart. The same seed and counts always produce the
 * same ids, amounts and codings (each kind draws from its own PRNG stream).
 */
import { allocate, money } from "../../lib/money/index.js";
import { ALL_SCOPES } from "./auth.js";
import { type Chart, DEMO_MERCHANTS, demoChart } from "./chart.js";
import { codeObject } from "./coding.js";
import type {
  Bill,
  BillPayment,
  Business,
  Cashback,
  ClientApp,
  Entity,
  Line,
  RampVendor,
  Reimb,
  SyncState,
  Transfer,
  Txn,
  VendorCredit,
} from "./model.js";
import { childRng, type Rng } from "./prng.js";
import { ReceiptStore, seedReceipts } from "./receipts.js";
import { SortedStore } from "./sorted-store.js";

export interface SeedOptions {
  seed: number;
  name?: string;
  transactions?: number;
  reimbursements?: number;
  bills?: number;
  transfers?: number;
  cashbacks?: number;
  vendorCredits?: number;
  /** Number of entities, or their names and currencies. */
  entities?: number | { name: string; currency: string; remoteId?: string; remote_id?: string }[];
  /** Currencies used for entities (cycled) and foreign card charges. */
  currencies?: string[];
  merchants?: string[];
  departments?: string[];
  /** Share of seeded transactions/reimbursements that start SYNC_READY (rest NOT_SYNC_READY). */
  readyShare?: number;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
}

const DAY = 86_400_000;
const FIRST = ["Dana", "Luis", "Priya", "Mei", "Omar", "Sofia", "Jonas", "Ava"];
const LAST = ["Okafor", "Brandt", "Nair", "Chen", "Haddad", "Rossi", "Berg", "Kim"];
const CITIES = [
  ["SEATTLE", "USA"],
  ["AUSTIN", "USA"],
  ["BERLIN", "DEU"],
  ["LONDON", "GBR"],
];
const SK = [
  { id: 40, name: "SaaS / Software" },
  { id: 26, name: "Restaurants" },
  { id: 11, name: "Airlines" },
  { id: 19, name: "Office Supplies" },
  { id: 31, name: "Lodging" },
];

export function newSyncState(now: number): SyncState {
  return {
    lastError: null,
    referenceId: null,
    requestedToSync: false,
    syncRequestId: null,
    updatedAt: now,
    history: [],
  };
}

function entitiesFrom(rng: Rng, o: SeedOptions): Entity[] {
  const currencies = o.currencies?.length ? o.currencies : ["USD", "EUR"];
  const spec =
    typeof o.entities === "object"
      ? o.entities
      : Array.from({ length: o.entities ?? 2 }, (_, i) => ({
          name: i === 0 ? "Demo Co (US)" : `Demo Co ${i + 1}`,
          currency: currencies[i % currencies.length] as string,
          remoteId: undefined,
        }));
  return spec.map((e, i) => ({
    id: rng.uuid(),
    name: e.name,
    currency: e.currency,
    isPrimary: i === 0,
    remoteId: e.remoteId ?? ("remote_id" in e ? (e.remote_id ?? null) : null),
  }));
}

/** Splits an amount into 0 (header-only coding), 1 or 2–3 lines. */
function linesFor(rng: Rng, minor: number, currency: string, memo: string): Line[] {
  const r = rng.next();
  if (r < 0.15) return [];
  const n = r < 0.8 ? 1 : rng.int(2, 3);
  const weights = Array.from({ length: n }, () => rng.int(1, 5));
  return allocate(money(minor, currency), weights).map((m, i) => ({
    minor: m.minor,
    currency,
    memo: n === 1 ? memo : `${memo} (${i + 1}/${n})`,
    selections: [],
  }));
}

export function seedBusiness(o: SeedOptions, now: number): Business {
  const seed = o.seed;
  const ids = childRng(seed, "ids");
  const entities = entitiesFrom(childRng(seed, "entities"), o);
  const chartRng = childRng(seed, "chart");
  const chart: Chart = demoChart(chartRng);
  const merchants = o.merchants?.length ? o.merchants : DEMO_MERCHANTS;
  if (o.departments?.length) {
    const dim = chart.dimensions[0];
    const template = dim?.options[0];
    if (dim && template) {
      dim.options = o.departments.map((d, i) => ({
        ...template,
        selection: {
          ...template.selection,
          id: chartRng.uuid(),
          name: d,
          external_id: `DEPT-${(i + 1) * 10}`,
          external_code: String((i + 1) * 10),
        },
      }));
    }
  }
  const departments = chart.dimensions[0]?.options.map((c) => c.selection.name) ?? ["Engineering"];
  const currencies = o.currencies?.length ? o.currencies : ["USD", "EUR", "GBP"];
  const readyShare = o.readyShare ?? 0.85;

  const app: ClientApp = {
    clientId: o.clientId ?? `sandbox_client_${ids.hex(8)}`,
    clientSecret: o.clientSecret ?? `sandbox_secret_${ids.hex(16)}`,
    scopes: o.scopes ?? [...ALL_SCOPES],
  };
  const people = Array.from({ length: 8 }, (_, i) => ({
    userId: ids.uuid(),
    first: FIRST[i % FIRST.length] as string,
    last: LAST[(i * 3) % LAST.length] as string,
    employeeId: `E-${1000 + i}`,
    departmentId: ids.uuid(),
    department: departments[i % departments.length] as string,
    locationId: ids.uuid(),
    location: i % 2 === 0 ? "Austin" : "Berlin",
  }));
  const merchantIds = merchants.map(() => ids.uuid());

  // Ramp (bill-pay) vendors, most linked to a demo accounting vendor by remote id.
  const vRng = childRng(seed, "vendors");
  const vendors: RampVendor[] = merchants.map((name, i) => ({
    id: vRng.uuid(),
    name,
    // A registered name that differs from the trading name, as real vendors' do.
    nameLegal: `${name}, Inc.`,
    externalVendorId: null,
    accountingVendorRemoteId: vRng.chance(0.85)
      ? (chart.vendors.find((v) => v.selection.name === name)?.selection.external_id ?? null)
      : null,
    country: "US",
    createdAt: now - 400 * DAY,
    isActive: true,
    merchantId: merchantIds[i] as string,
    ownerId: people[0]?.userId as string,
  }));

  const code = (rng: Rng, obj: { header: Txn["header"]; lines: Line[] }, merchantName?: string) =>
    codeObject(rng, chart, obj, {
      vendorless: rng.chance(0.1),
      entityRemoteId: null,
      merchantName,
      withTax: true,
    });

  // Card transactions.
  const tRng = childRng(seed, "transactions");
  const txns: Txn[] = [];
  const makeTxn = (
    rng: Rng,
    fields: { minor?: number; merchant?: string; limitId?: string; entity?: Entity; at?: number },
  ): Txn => {
    const entity = fields.entity ?? rng.pick(entities);
    const mIdx = fields.merchant
      ? Math.max(0, merchants.indexOf(fields.merchant))
      : rng.int(0, merchants.length - 1);
    const merchant = merchants[mIdx] as string;
    const refund = fields.minor === undefined && rng.chance(0.03);
    const minor = fields.minor ?? (refund ? -1 : 1) * rng.int(500, 250_000);
    // A business seeded with only its entities' own currencies has no foreign one to pick: every
    // charge is domestic. The draw is still made, so seeds with foreign currencies are unchanged.
    const others = currencies.filter((c) => c !== entity.currency);
    const foreign = rng.chance(0.1) && others.length > 0;
    const merchantCurrency = foreign ? rng.pick(others) : entity.currency;
    const merchantMinor = foreign ? Math.round((minor * rng.int(80, 120)) / 100) : minor;
    const at = fields.at ?? now - rng.int(1, 60) * DAY - rng.int(0, DAY - 1);
    const person = rng.pick(people);
    const [city, country] = rng.pick(CITIES) as string[];
    const memo = `${merchant} purchase`;
    const t: Txn = {
      kind: "transaction",
      id: rng.uuid(),
      entityId: entity.id,
      createdAt: at,
      sync: newSyncState(now),
      status: rng.chance(readyShare) ? "SYNC_READY" : "NOT_SYNC_READY",
      syncedAt: null,
      state: "CLEARED",
      minor,
      currency: entity.currency,
      merchantMinor,
      merchantCurrency,
      userTime: at,
      accountingDate: at + DAY,
      settlementDate: at + DAY,
      merchant: {
        id: merchantIds[mIdx] as string,
        name: merchant,
        descriptor: merchant.toUpperCase().replace(/[^A-Z0-9]+/g, "*"),
        mcc: "5999",
        mccDescription: "Miscellaneous and Specialty Retail Stores",
        city: city as string,
        country: country as string,
      },
      skCategory: rng.pick(SK),
      memo: rng.chance(0.8) ? memo : null,
      cardHolder: person,
      cardId: rng.uuid(),
      limitId: fields.limitId ?? rng.uuid(),
      statementId: rng.chance(0.7) ? rng.uuid() : null,
      receipts: rng.chance(0.7) ? [rng.uuid()] : [],
      header: [],
      lines: linesFor(rng, minor, entity.currency, memo),
      originalTransactionId: refund ? rng.uuid() : null,
    };
    code(rng, t, merchant);
    return t;
  };
  for (let i = 0; i < (o.transactions ?? 50); i++) txns.push(makeTxn(tRng, {}));

  // Bills: approved or pending; open, or paid by bank, card (with the paying card transaction) or in the ERP.
  const bRng = childRng(seed, "bills");
  const bills: Bill[] = [];
  for (let i = 0; i < (o.bills ?? 20); i++) {
    const rng = bRng;
    const entity = rng.pick(entities);
    const vendor = rng.pick(vendors);
    const minor = rng.int(10_000, 2_500_000);
    const issuedAt = now - rng.int(10, 60) * DAY;
    const approved = rng.chance(0.9);
    const b: Bill = {
      kind: "bill",
      id: rng.uuid(),
      entityId: entity.id,
      createdAt: issuedAt + DAY,
      sync: newSyncState(now),
      status: "NOT_SYNCED",
      payStatus: "OPEN",
      approval: approved ? "APPROVED" : "PENDING",
      archived: false,
      minor,
      currency: entity.currency,
      invoiceNumber: `INV-${10_000 + i}`,
      memo: `${vendor.name} invoice`,
      issuedAt,
      dueAt: issuedAt + 30 * DAY,
      accountingDate: issuedAt,
      paidAt: null,
      vendorId: vendor.id,
      ownerId: people[2]?.userId as string,
      header: [],
      lines: linesFor(rng, minor, entity.currency, "Services"),
      payment: null,
      appliedCredits: [],
      remoteId: null,
      deepLinkUrl: null,
      billSyncedAt: null,
      invoiceFiles: [],
    };
    if (b.lines.length === 0)
      b.lines = [{ minor, currency: entity.currency, memo: "Services", selections: [] }];
    codeObject(rng, chart, b, { vendorless: true, entityRemoteId: null, withTax: false });
    if (approved) {
      const r = rng.next();
      const kind = r < 0.4 ? "OPEN" : r < 0.65 ? "BANK" : r < 0.85 ? "CARD" : "PAID_IN_ERP";
      if (kind === "OPEN") {
        b.payment = {
          id: rng.uuid(),
          kind: "BANK",
          minor,
          currency: b.currency,
          paymentDate: b.dueAt,
          effectiveDate: null,
          sourceBankAccountId: rng.uuid(),
          vendorAccountId: rng.uuid(),
        };
      } else {
        payBill(rng, b, kind, issuedAt + rng.int(5, 9) * DAY, (t) => txns.push(t), makeTxn, entities);
        if (rng.chance(0.2)) b.status = "BILL_SYNCED";
      }
    }
    bills.push(b);
  }

  // Reimbursements.
  const rRng = childRng(seed, "reimbursements");
  const reimbs: Reimb[] = [];
  for (let i = 0; i < (o.reimbursements ?? 15); i++) {
    const rng = rRng;
    const entity = rng.pick(entities);
    const mileage = rng.chance(0.2);
    const minor = mileage ? rng.int(1_000, 20_000) : rng.int(500, 80_000);
    const at = now - rng.int(2, 45) * DAY;
    const person = rng.pick(people);
    const merchant = mileage ? "Mileage" : rng.pick(merchants);
    const x: Reimb = {
      kind: "reimbursement",
      id: rng.uuid(),
      entityId: entity.id,
      createdAt: at + DAY,
      sync: newSyncState(now),
      status: rng.chance(readyShare) ? "SYNC_READY" : "NOT_SYNC_READY",
      syncedAt: null,
      type: mileage ? "MILEAGE" : "OUT_OF_POCKET",
      state: rng.chance(0.8) ? "REIMBURSED" : "APPROVED",
      minor,
      currency: entity.currency,
      merchantMinor: minor,
      merchantCurrency: entity.currency,
      transactionDate: at,
      accountingDate: at,
      submittedAt: at + DAY,
      approvedAt: at + 2 * DAY,
      user: {
        id: person.userId,
        email: `${person.first.toLowerCase()}@demo.example`,
        name: `${person.first} ${person.last}`,
        employeeId: person.employeeId,
      },
      merchant,
      memo: mileage ? "Client visit" : `${merchant} expense`,
      distanceMiles: mileage ? rng.int(5, 300) : null,
      receipts: [],
      header: [],
      lines: [{ minor, currency: entity.currency, memo: mileage ? "Mileage" : "Expense", selections: [] }],
    };
    code(rng, x);
    reimbs.push(x);
  }

  const trRng = childRng(seed, "transfers");
  const transfers: Transfer[] = Array.from({ length: o.transfers ?? 3 }, () => {
    const entity = trRng.pick(entities);
    return {
      kind: "transfer" as const,
      id: trRng.uuid(),
      entityId: entity.id,
      createdAt: now - trRng.int(1, 30) * DAY,
      sync: newSyncState(now),
      status: "SYNC_READY" as const,
      syncedAt: null,
      minor: trRng.int(100_000, 5_000_000),
      currency: entity.currency,
      paymentId: trRng.uuid(),
      transferStatus: "COMPLETED" as const,
      statementId: trRng.uuid(),
    };
  });
  const cRng = childRng(seed, "cashbacks");
  const cashbacks: Cashback[] = Array.from({ length: o.cashbacks ?? 3 }, () => {
    const entity = cRng.pick(entities);
    return {
      kind: "cashback" as const,
      id: cRng.uuid(),
      entityId: entity.id,
      createdAt: now - cRng.int(1, 30) * DAY,
      sync: newSyncState(now),
      status: "SYNC_READY" as const,
      syncedAt: null,
      minor: cRng.int(1_000, 150_000),
      currency: entity.currency,
    };
  });

  const vcRng = childRng(seed, "vendor-credits");
  const credits: VendorCredit[] = Array.from(
    { length: o.vendorCredits ?? Math.ceil((o.bills ?? 20) / 10) },
    () => {
      const entity = vcRng.pick(entities);
      const minor = vcRng.int(1_000, 100_000);
      const c: VendorCredit = {
        id: vcRng.uuid(),
        vendorId: vcRng.pick(vendors).id,
        entityId: entity.id,
        minor,
        remainingMinor: minor,
        currency: entity.currency,
        accountingDate: now - vcRng.int(1, 30) * DAY,
        createdAt: now - vcRng.int(1, 30) * DAY,
        memo: "Credit memo",
        lines: [{ minor, currency: entity.currency, memo: "Credit", selections: [] }],
      };
      codeObject(
        vcRng,
        chart,
        { header: [], lines: c.lines },
        { vendorless: true, entityRemoteId: null, withTax: false },
      );
      return c;
    },
  );

  const biz: Business = {
    id: ids.uuid(),
    name: o.name ?? "Sandbox Demo Business",
    seed,
    apps: [app],
    entities,
    connections: [],
    transactions: new SortedStore(),
    reimbursements: new SortedStore(),
    transfers: new SortedStore(),
    cashbacks: new SortedStore(),
    bills: new SortedStore(),
    vendors: new SortedStore(),
    vendorCredits: new SortedStore(),
    receipts: new ReceiptStore(),
    downloads: { receipts: {}, invoices: {} },
    syncs: new Map(),
    syncRequests: new Map(),
    webhooks: [],
    gen: { makeTxn, chart },
  };
  biz.transactions.load(txns);
  biz.bills.load(bills);
  biz.reimbursements.load(reimbs);
  biz.transfers.load(transfers);
  biz.cashbacks.load(cashbacks);
  biz.vendors.load(vendors);
  biz.vendorCredits.load(credits);
  // After every PRNG draw, from hashes of the ids only (receipts.ts): no seed shifts.
  biz.receipts.load(seedReceipts(txns, reimbs, bills));
  return biz;
}

export type TxnMaker = (
  rng: Rng,
  f: { minor?: number; merchant?: string; limitId?: string; entity?: Entity; at?: number },
) => Txn;

/**
 * Pays a bill. CARD: a card transaction for the full amount is created on a spend limit; the
 * bill's `payment.details` lists it and the limit, and the transaction carries the limit as
 * `limit_id` and is SYNC_READY like any other (the integration must not expense it twice).
 */
export function payBill(
  rng: Rng,
  b: Bill,
  kind: "BANK" | "CARD" | "PAID_IN_ERP",
  at: number,
  addTxn: (t: Txn) => void,
  makeTxn: TxnMaker,
  entities: Entity[],
  vendorName?: string,
): Txn | null {
  const payment: BillPayment = {
    id: rng.uuid(),
    kind,
    minor: b.minor,
    currency: b.currency,
    paymentDate: at,
    effectiveDate: kind === "CARD" ? null : at,
  };
  let cardTxn: Txn | null = null;
  if (kind === "CARD") {
    const spendLimitId = rng.uuid();
    cardTxn = makeTxn(rng, {
      minor: b.minor,
      merchant: vendorName,
      limitId: spendLimitId,
      entity: entities.find((e) => e.id === b.entityId),
      at,
    });
    cardTxn.status = "SYNC_READY";
    cardTxn.memo = `Card payment of bill ${b.invoiceNumber}`;
    payment.spendLimitId = spendLimitId;
    payment.transactionIds = [cardTxn.id];
    addTxn(cardTxn);
  } else if (kind === "BANK") {
    payment.sourceBankAccountId = rng.uuid();
    payment.vendorAccountId = rng.uuid();
  }
  b.payment = payment;
  b.payStatus = "PAID";
  b.paidAt = at;
  return cardTxn;
}
