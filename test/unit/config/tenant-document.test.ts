/**
 * lib/config/tenant-document.ts: strict on write (unknown keys are errors with the
 * key they likely meant; every problem one readable line), lenient on read (unknown
 * keys warn, the document loads), and versioned (newer documents refused).
 */
import { describe, expect, it } from "vitest";
import {
  checkedTenantDocument,
  readTenantDocument,
  TENANT_SCHEMA_VERSION,
  TenantDocumentError,
  validateTenantDocument,
} from "../../../lib/config/tenant-document.js";
import { nearMiss } from "../../../lib/config/unknown-keys.js";
import { demoCompanies } from "../../../local/demo-journal.js";

const doc = (over: Record<string, unknown> = {}) => ({
  tenantId: "acme",
  displayName: "Acme",
  ramp: { remoteProviderName: "Journal" },
  erp: { kind: "journal", path: "books.journal" },
  companies: demoCompanies(),
  ...over,
});

const problemsOf = (input: unknown) => {
  const r = validateTenantDocument(input);
  return r.ok ? [] : r.problems;
};

describe("tenant documents on write (strict)", () => {
  it("accepts a valid document", () => {
    const r = validateTenantDocument(doc());
    expect(r.ok).toBe(true);
    expect(r.ok && r.config.objectTypes.transactions).toBe(true);
  });

  it("refuses a typo with its path and the key it likely meant, instead of silently dropping it", () => {
    expect(problemsOf(doc({ objectTypes: { trasactions: false } }))).toEqual([
      'objectTypes.trasactions: unknown key "trasactions" — did you mean "transactions"?',
    ]);
  });

  it("finds unknown keys inside arrays and inside the chosen ERP kind", () => {
    const companies = demoCompanies();
    const first = companies[0] as (typeof companies)[number];
    const bad = [{ ...first, defaults: { ...first.defaults, bnk: "x:1" } }, ...companies.slice(1)];
    expect(problemsOf(doc({ companies: bad }))).toEqual([
      'companies.0.defaults.bnk: unknown key "bnk" — did you mean "bank"?',
    ]);
    // A Tryton-only key on a journal tenant.
    expect(problemsOf(doc({ erp: { kind: "journal", path: "books.journal", database: "x" } }))).toEqual([
      'erp.database: unknown key "database" — expected one of: kind, path',
    ]);
  });

  it("says what was expected, one line per problem, never a raw ZodError", () => {
    const problems = problemsOf(doc({ cadence: { weekdayHours: "2" }, extra: 1 }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^extra: unknown key "extra" — expected one of: tenantId, displayName, /);
    expect(problems[1]).toMatch(/^cadence\.weekdayHours: .*expected number, received string/);
    expect(problems.join("\n")).not.toContain('"code"');
  });

  it("refuses a document written by a newer version, and a malformed schemaVersion", () => {
    expect(problemsOf(doc({ schemaVersion: TENANT_SCHEMA_VERSION + 1 }))[0]).toMatch(/newer ramp-erp-sync/);
    expect(problemsOf(doc({ schemaVersion: "one" }))[0]).toMatch(/^schemaVersion: must be a whole number/);
    expect(validateTenantDocument(doc({ schemaVersion: TENANT_SCHEMA_VERSION })).ok).toBe(true);
    expect(problemsOf([])).toEqual(["a tenant document must be a JSON object"]);
  });

  it("throws a TenantDocumentError naming the tenant and every problem (the repository's write path)", () => {
    expect(() => checkedTenantDocument(doc({ objectTypes: { trasactions: false } }))).toThrow(
      TenantDocumentError,
    );
    expect(() => checkedTenantDocument(doc({ objectTypes: { trasactions: false } }))).toThrow(
      /tenant document acme refused: objectTypes\.trasactions/,
    );
  });
});

describe("tenant documents on read (lenient)", () => {
  it("loads a document with keys this version does not know, and names them", () => {
    const r = readTenantDocument(doc({ futureFeature: { on: true }, schemaVersion: 1 }));
    expect(r.config.tenantId).toBe("acme");
    expect(r.warnings).toEqual([
      'futureFeature: unknown key "futureFeature" — expected one of: tenantId, displayName, version, enabled, timeZone, ramp, erp, companies, entities, objectTypes, cadence, fx, coa, sync (ignored)',
    ]);
  });
});

describe("near misses", () => {
  it("suggests within two edits or a case difference, and nothing further off", () => {
    expect(nearMiss("trasactions", ["transactions", "bills"])).toBe("transactions");
    expect(nearMiss("VendorCredits", ["vendorCredits"])).toBe("vendorCredits");
    expect(nearMiss("zzz", ["transactions", "bills"])).toBeNull();
  });
});
