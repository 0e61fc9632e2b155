/**
 * Per-tenant configuration: one Ramp business, one ERP. Stored in DynamoDB as a
 * zod-validated document (lib/store tenant repository); edited by ops tooling.
 */
import * as z from "zod";
import { DEFAULT_TIME_ZONE, isTimeZone } from "../domain/time-zone.js";
import { DEFAULT_SCOPES } from "../ramp/http.js";
import { TenantRateLimitSchema } from "../ramp/rate-scope.js";
import { journalPathProblem } from "./journal-path.js";
import { SECRET_PREFIX, type TenantSecretKind, tenantSecretId } from "./tenant-secrets.js";

const remoteId = z
  .string()
  .min(3)
  .regex(/^[a-z0-9][a-z0-9-]*:.+$/, "must be <company key>:<ERP id>");
const companyKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lowercase letters, digits and dashes");

/** The accounts a posting needs that Ramp's coding does not name (ARCHITECTURE posting rules), per ERP company. */
const CompanyDefaultsSchema = z.object({
  cardLiability: remoteId,
  accountsPayable: remoteId,
  bank: remoteId,
  reimbursementsPayable: remoteId,
  cashbackIncome: remoteId,
  /** Used when a line has no GL account selection. */
  defaultExpense: remoteId,
  /** Vendor for bills/credits whose vendor is not mapped, when vendor creation is off. */
  fallbackVendor: remoteId.nullable().default(null),
  /**
   * Realised FX gain/loss account (README "Currency"): takes the difference when a foreign bill
   * is paid at another rate than it was booked. Optional; a payment that needs it fails, naming
   * this setting, while it is unset.
   */
  fxGainLoss: remoteId.nullish(),
});
export type CompanyDefaults = z.infer<typeof CompanyDefaultsSchema>;

export const CompanySchema = z.object({
  key: companyKey,
  /** The ERP's id of the company (Tryton company id, journal file company name…). */
  erpCompanyId: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  defaults: CompanyDefaultsSchema,
});
export type CompanyConfig = z.infer<typeof CompanySchema>;

const ErpConfigSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("tryton"),
    url: z.url(),
    database: z.string().min(1),
    username: z.string().min(1),
    /** Secrets Manager id of `{ "password": "…" }`: always `<prefix>/<tenantId>/erp` (may be omitted). */
    passwordSecretId: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(20_000),
  }),
  z.object({
    kind: z.literal("journal"),
    /** The tenant's hledger journal file, relative to its own directory `<JOURNAL_ROOT>/<tenantId>/`. */
    path: z
      .string()
      .min(1)
      .superRefine((path, ctx) => {
        const problem = journalPathProblem(path);
        if (problem) ctx.addIssue({ code: "custom", message: `journal path "${path}" ${problem}` });
      }),
  }),
]);
export type ErpConfigInput = z.input<typeof ErpConfigSchema>;

const ObjectTypesSchema = z.object({
  transactions: z.boolean().default(true),
  bills: z.boolean().default(true),
  reimbursements: z.boolean().default(true),
  transfers: z.boolean().default(true),
  cashbacks: z.boolean().default(true),
  /**
   * Vendor credits, both ends: polled and exported here, and `vendor_credits_enabled` on the
   * Ramp connection (lib/connection/settings.ts derives it). One flag, so the connection can
   * never offer credits we do not export, nor the reverse (schema v2; v1 had two flags).
   */
  vendorCredits: z.boolean().default(false),
});

const CadenceSchema = z.object({
  /** Weekday polling interval, hours (the guide: 1–4; docs/ramp-api.md, Guide "Polling cadence"). */
  weekdayHours: z.number().min(1).max(4).default(2),
  /** Weekend polling interval, hours (the guide: 12; docs/ramp-api.md, Guide "Polling cadence"). */
  weekendHours: z.number().min(1).max(24).default(12),
});

const TenantConfigShape = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  displayName: z.string().min(1),
  /** Bumped on every write (optimistic concurrency in the tenant repository). */
  version: z.number().int().nonnegative().default(0),
  enabled: z.boolean().default(true),
  /**
   * The customer's time zone, an IANA name ("Australia/Sydney", "America/Los_Angeles"; default
   * "UTC"). Decides which days are the weekend for the polling cadence (lib/poll/cadence.ts) and
   * how the ops CLI shows instants; DST follows the zone's rules. It never shifts accounting dates:
   * those are posted as the calendar date Ramp gives (lib/erp/mapping/dates.ts).
   */
  timeZone: z
    .string()
    .default(DEFAULT_TIME_ZONE)
    .refine(isTimeZone, {
      error: (i) =>
        `"${String(i.input)}" is not an IANA time zone name (e.g. "Australia/Sydney", "America/Los_Angeles", "UTC")`,
    }),
  ramp: z.object({
    baseUrl: z.url().default("https://api.ramp.com"),
    /** Secrets Manager id of `{ "client_id": "…", "client_secret": "…" }`: always `<prefix>/<tenantId>/ramp` (may be omitted). */
    credentialsSecretId: z.string().min(1).optional(),
    /** Secrets Manager id of the webhook signing secret(s) once webhooks are set up: `<prefix>/<tenantId>/webhook`. */
    webhookSecretId: z.string().min(1).nullable().default(null),
    scopes: z.array(z.string()).default([...DEFAULT_SCOPES]),
    /** The Developer-API accounting connection, once created. */
    connectionId: z.string().nullable().default(null),
    remoteProviderName: z.string().min(1),
    /** Overrides the deployment's rate-limit scope or pool for this tenant (lib/ramp/rate-scope.ts). */
    rateLimit: TenantRateLimitSchema.optional(),
    settings: z
      .object({
        transactionSyncButton: z.boolean().default(false),
        reimbursementSyncButton: z.boolean().default(false),
        vendorCreationOnSync: z.boolean().default(false),
        // vendor_credits_enabled is derived from objectTypes.vendorCredits (one setting, schema v2).
      })
      .prefault({}),
  }),
  erp: ErpConfigSchema,
  /** ERP companies; the first is the default when an object has no entity. */
  companies: z.array(CompanySchema).min(1),
  /**
   * Ramp entity id → company key (Ramp's UI links entities to subsidiaries). With exactly one company
   * the map is optional: every entity of the business posts to that company. With several, an entity
   * in no link is a user-actionable failure naming the entity (lib/erp/mapping/company.ts).
   */
  entities: z.array(z.object({ rampEntityId: z.string().min(1), companyKey })).default([]),
  objectTypes: ObjectTypesSchema.prefault({}),
  cadence: CadenceSchema.prefault({}),
  /**
   * Currency policy (README "Currency", lib/erp/mapping/fx.ts): which rate turns a foreign
   * document into the company currency. `erp-rates` (the default, the behaviour before the
   * policy existed): the ERP's own rates; `ramp-rates`: the rate Ramp applied (a card
   * transaction's settled entity amount, a bill's `fx_conversion_rate`).
   */
  fx: z.object({ policy: z.enum(["erp-rates", "ramp-rates"]).default("erp-rates") }).prefault({}),
  coa: z
    .object({
      /** Options that disappear from the ERP are hidden (keeps history syncable) unless set to delete. */
      optionRemoval: z.enum(["hide", "delete"]).default("hide"),
      /**
       * A custom field that disappears from the ERP keeps its options HIDDEN (less disruptive:
       * coded history still syncs) unless set to delete (`is_active: false`; lib/coa/plan.ts).
       */
      fieldRemoval: z.enum(["hide-options", "delete"]).default("hide-options"),
      pushVendors: z.boolean().default(true),
      pushTax: z.boolean().default(true),
    })
    .prefault({}),
  sync: z
    .object({
      /** Transient failures are retried this many times before Ramp is told. */
      transientAttemptsBeforeReport: z.number().int().min(1).max(10).default(3),
      supportContact: z.string().default("support@example.com"),
      /** Maximum concurrent ERP postings for this tenant. */
      erpConcurrency: z.number().int().min(1).max(32).default(4),
      /**
       * Attach each synced object's receipts (and bills' invoice files) to its ERP record
       * (lib/receipts). Off: objects still sync; no receipt is read, downloaded or attached.
       */
      attachReceipts: z.boolean().default(true),
    })
    .prefault({}),
});
/** Where each named secret sits in the document, and its kind. */
const NAMED_SECRETS = [
  { path: ["ramp", "credentialsSecretId"], kind: "ramp" },
  { path: ["ramp", "webhookSecretId"], kind: "webhook" },
  { path: ["erp", "passwordSecretId"], kind: "erp" },
] as const satisfies ReadonlyArray<{ path: readonly [string, string]; kind: TenantSecretKind }>;

/**
 * Secret names are derived from the tenant id (lib/config/tenant-secrets.ts), so a configuration
 * cannot point a tenant at another tenant's Ramp app, ERP password or webhook secrets. A document
 * may repeat its own names (older documents do) and is refused when it names anything else; the
 * parsed configuration always carries the derived names.
 */
export const TenantConfigSchema = TenantConfigShape.superRefine((cfg, ctx) => {
  for (const { path, kind } of NAMED_SECRETS) {
    const section = cfg[path[0]] as Record<string, unknown>;
    const named = section[path[1]];
    if (named === undefined || named === null) continue;
    const own = tenantSecretId(cfg.tenantId, kind);
    if (named !== own) {
      ctx.addIssue({
        code: "custom",
        path: [...path],
        message: `must be "${own}": a tenant's secrets are named ${SECRET_PREFIX}/<tenantId>/${kind}, and "${String(named)}" is not tenant ${cfg.tenantId}'s`,
      });
    }
  }
}).transform((cfg) => ({
  ...cfg,
  ramp: { ...cfg.ramp, credentialsSecretId: tenantSecretId(cfg.tenantId, "ramp") },
  erp:
    cfg.erp.kind === "tryton"
      ? { ...cfg.erp, passwordSecretId: tenantSecretId(cfg.tenantId, "erp") }
      : cfg.erp,
}));
export type TenantConfig = z.output<typeof TenantConfigSchema>;
export type TenantConfigInput = z.input<typeof TenantConfigSchema>;
export type ErpConfig = TenantConfig["erp"];

/** Cross-field rules zod's shape cannot express: one line per problem, starting with its path; empty means valid. */
export function tenantConfigProblems(cfg: TenantConfig): string[] {
  const problems: string[] = [];
  const keys = new Set(cfg.companies.map((c) => c.key));
  if (keys.size !== cfg.companies.length) problems.push("companies: duplicate company key");
  cfg.entities.forEach((e, i) => {
    if (!keys.has(e.companyKey))
      problems.push(
        `entities.${i}.companyKey: entity ${e.rampEntityId} maps to unknown company "${e.companyKey}" (companies: ${[...keys].join(", ") || "none"})`,
      );
  });
  for (const c of cfg.companies) {
    for (const [name, id] of Object.entries(c.defaults)) {
      if (id && !id.startsWith(`${c.key}:`)) {
        problems.push(`companies.${c.key}.defaults.${name}: ${id} belongs to another company`);
      }
    }
  }
  return problems;
}

export function parseTenantConfig(input: unknown): TenantConfig {
  const cfg = TenantConfigSchema.parse(input);
  const problems = tenantConfigProblems(cfg);
  if (problems.length) throw new Error(`invalid tenant config ${cfg.tenantId}: ${problems.join("; ")}`);
  return cfg;
}
