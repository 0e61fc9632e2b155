/**
 * Tenant schema v1 → v2 (lib/config/migrations/v1-vendor-credits.ts): the two vendor-credit
 * flags become one, `objectTypes.vendorCredits`; either true is on (on wins a disagreement),
 * and the connection's `vendor_credits_enabled` is derived from it.
 */
import { describe, expect, it } from "vitest";
import {
  migrateTenantDocument,
  readTenantDocument,
  TENANT_SCHEMA_VERSION,
  validateTenantDocument,
} from "../../../lib/config/tenant-document.js";
import { rampSettingsOf } from "../../../lib/connection/settings.js";
import { demoCompanies } from "../../../local/demo-journal.js";

const v1 = (connection: boolean | undefined, exported: boolean | undefined, schemaVersion?: number) => ({
  ...(schemaVersion === undefined ? {} : { schemaVersion }),
  tenantId: "acme",
  displayName: "Acme",
  ramp: {
    remoteProviderName: "Journal",
    settings: {
      vendorCreationOnSync: true,
      ...(connection === undefined ? {} : { vendorCredits: connection }),
    },
  },
  erp: { kind: "journal", path: "books.journal" },
  companies: demoCompanies(),
  ...(exported === undefined ? {} : { objectTypes: { bills: false, vendorCredits: exported } }),
});

describe("tenant schema v2: one vendor-credit setting", () => {
  it("is the version this code writes", () => {
    expect(TENANT_SCHEMA_VERSION).toBe(2);
  });

  it.each([
    [true, true, true],
    [true, false, true],
    [false, true, true],
    [false, false, false],
    [true, undefined, true],
    [undefined, true, true],
    [false, undefined, false],
    [undefined, undefined, false],
  ])("connection %s, export %s → on: %s (with or without schemaVersion 1)", (connection, exported, on) => {
    for (const version of [undefined, 1]) {
      const r = validateTenantDocument(v1(connection, exported, version));
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (!r.ok) continue;
      expect(r.config.objectTypes.vendorCredits).toBe(on);
      expect(rampSettingsOf(r.config).vendor_credits_enabled).toBe(on);
      // The rest of each section survives the move.
      expect(r.config.ramp.settings.vendorCreationOnSync).toBe(true);
      if (exported !== undefined) expect(r.config.objectTypes.bills).toBe(false);
    }
  });

  it("drops the old key, so a migrated document reads without warnings", () => {
    const { doc } = migrateTenantDocument(v1(true, false));
    expect((doc as { ramp: { settings: object } }).ramp.settings).toEqual({ vendorCreationOnSync: true });
    expect(readTenantDocument(v1(true, false)).warnings).toEqual([]);
  });

  it("refuses a v2 document that still sets the old key, naming the one that replaced it", () => {
    const r = validateTenantDocument(v1(true, true, 2));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toMatch(
      /^ramp\.settings\.vendorCredits: "vendorCredits" moved to objectTypes\.vendorCredits/,
    );
  });

  it("names a non-boolean flag instead of guessing it", () => {
    const bad = {
      ...v1(undefined, undefined),
      ramp: { remoteProviderName: "J", settings: { vendorCredits: "yes" } },
    };
    const r = validateTenantDocument(bad);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join("\n")).toMatch(/^objectTypes\.vendorCredits: .*boolean/m);
  });
});
