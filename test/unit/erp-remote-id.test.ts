import { describe, expect, it } from "vitest";
import { assertOwnedBy } from "../../lib/erp/mapping/index.js";
import { ErpError } from "../../lib/erp/port.js";
import { splitRemoteId } from "../../lib/erp/remote-id.js";
import { idOf, parseRemoteId, remoteId } from "../../lib/erp/tryton/ids.js";

describe("splitRemoteId (lib/erp/remote-id.ts: the one parser of <company key>:<ERP id>)", () => {
  it("splits at the first colon, keeping the rest whole (hledger names hold colons)", () => {
    expect(splitRemoteId("us:42")).toEqual({ companyKey: "us", local: "42" });
    expect(splitRemoteId("acme:Expenses:Meals")).toEqual({ companyKey: "acme", local: "Expenses:Meals" });
    expect(splitRemoteId("us:")).toEqual({ companyKey: "us", local: "" });
  });

  it("has no company without a key before the colon", () => {
    expect(splitRemoteId("42")).toBeNull();
    expect(splitRemoteId(":42")).toBeNull();
    expect(splitRemoteId("")).toBeNull();
  });
});

describe("parseRemoteId (Tryton: <company key>:<Tryton id>)", () => {
  it("reads back what remoteId wrote", () => {
    expect(parseRemoteId(remoteId("eu-2", 17))).toEqual({ companyKey: "eu-2", id: 17 });
  });

  it("refuses anything else", () => {
    for (const bad of ["us:", "us:12a", "us:-1", "US:1", "-us:1", "us:1:2", "field:ENG", ":1", "1"])
      expect(parseRemoteId(bad), bad).toBeNull();
  });

  it("idOf: a malformed id is the integrator's bug, another company's id the user's mistake", () => {
    expect(idOf("us:5", "us", "GL account", "UNKNOWN_ACCOUNT")).toBe(5);
    const malformed = (() => {
      try {
        return idOf("us:five", "us", "GL account", "UNKNOWN_ACCOUNT");
      } catch (err) {
        return err;
      }
    })();
    expect(malformed).toBeInstanceOf(ErpError);
    expect((malformed as ErpError).category).toBe("needs_integrator");
    expect(() => idOf("eu:5", "us", "GL account", "UNKNOWN_ACCOUNT")).toThrow(
      /belongs to company "eu", not to "us"/,
    );
  });
});

describe("assertOwnedBy (mapping guard, through the same parser)", () => {
  it("passes ids of the company and names the owner of others", () => {
    expect(assertOwnedBy("us:Expenses:Meals", "us", "UNKNOWN_ACCOUNT", "GL account")).toBe(
      "us:Expenses:Meals",
    );
    expect(() => assertOwnedBy("eu:7", "us", "UNKNOWN_ACCOUNT", "GL account")).toThrow(
      /belongs to company eu/,
    );
    expect(() => assertOwnedBy("us-2:7", "us", "UNKNOWN_ACCOUNT", "GL account")).toThrow(/company us-2/);
    expect(() => assertOwnedBy("7", "us", "UNKNOWN_ACCOUNT", "GL account")).toThrow(/no ERP company/);
  });
});
