/** Entity → ERP company (lib/erp/mapping/company.ts): the one-company default and the named failure. */
import { describe, expect, it } from "vitest";
import { resolveCompany } from "../../lib/erp/mapping/company.js";
import { ErpError } from "../../lib/erp/port.js";
import { tenant } from "./poll-support.js";

const caught = (fn: () => unknown): ErpError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ErpError) return e;
    throw e;
  }
  throw new Error("did not throw");
};

describe("resolveCompany", () => {
  const two = tenant({ entities: [{ rampEntityId: "ent-eu", companyKey: "eu" }] });
  const one = tenant({ companies: [two.companies[0] as (typeof two.companies)[number]] });

  it("one company, no entity map: every entity of the business posts to it", () => {
    expect(one.entities).toEqual([]);
    expect(resolveCompany(one, "ent-anything").key).toBe("us");
    expect(resolveCompany(one, null).key).toBe("us");
  });

  it("several companies: mapped entities go to theirs, no entity to the first", () => {
    expect(resolveCompany(two, "ent-eu").key).toBe("eu");
    expect(resolveCompany(two, null).key).toBe("us");
  });

  it("several companies, unmapped entity: user-actionable, naming the entity, its Ramp name and the fix", () => {
    const e = caught(() => resolveCompany(two, "ent-ca", new Map([["ent-ca", "Acme Canada"]])));
    expect({ category: e.category, code: e.code }).toEqual({
      category: "user_actionable",
      code: "MISSING_MAPPING",
    });
    expect(e.title).toBe("Ramp entity ent-ca (Acme Canada) is not linked to an ERP company");
    expect(e.howToFix).toContain("Link entity ent-ca to one of this business's ERP companies (us, eu)");
    expect(e.howToFix).toContain(`the tenant's "entities" setting; ramp-erp-sync tenants show`);
    // Without names (Ramp not read): the id alone.
    expect(caught(() => resolveCompany(two, "ent-ca")).title).toBe(
      "Ramp entity ent-ca is not linked to an ERP company",
    );
  });
});
