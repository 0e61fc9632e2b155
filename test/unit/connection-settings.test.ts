import { describe, expect, it } from "vitest";
import { rampSettingsOf, settingsDiff, statusIs, typeIs } from "../../lib/connection/index.js";

describe("connection settings", () => {
  it("maps the tenant's flags to Ramp's names", () => {
    expect(
      rampSettingsOf({
        ramp: {
          settings: {
            transactionSyncButton: true,
            reimbursementSyncButton: false,
            vendorCreationOnSync: true,
          },
        },
        objectTypes: { vendorCredits: false } as never,
      }),
    ).toEqual({
      transaction_sync_button_enabled: true,
      reimbursement_sync_button_enabled: false,
      transaction_accounting_vendor_creation_on_sync_enabled: true,
      vendor_credits_enabled: false,
    });
  });

  it("returns only the flags that differ, treating a missing flag as false", () => {
    const conn = { settings: { transaction_sync_button_enabled: true, vendor_credits_enabled: null } };
    expect(
      settingsDiff(conn, { transaction_sync_button_enabled: true, vendor_credits_enabled: false }),
    ).toBeNull();
    expect(
      settingsDiff(conn, { transaction_sync_button_enabled: false, vendor_credits_enabled: true }),
    ).toEqual({ transaction_sync_button_enabled: false, vendor_credits_enabled: true });
    expect(settingsDiff({ settings: null }, { reimbursement_sync_button_enabled: true })).toEqual({
      reimbursement_sync_button_enabled: true,
    });
  });

  it("compares status and type case-insensitively", () => {
    expect(statusIs({ status: "UNLINKED" }, "unlinked")).toBe(true);
    expect(statusIs({ status: null }, "linked")).toBe(false);
    expect(typeIs({ connection_type: "direct" }, "DIRECT")).toBe(true);
  });
});
