/**
 * Parties: vendors found or created by exact name, and the party a reimbursement is
 * invoiced to (the employee's). Parties are shared by all companies in Tryton 6.0;
 * employees are not, but have no record rule (docs/tryton.md pitfall 19).
 */
import { type ErpVendor, integratorError, userError } from "../port.js";
import type { TrytonCore } from "./core.js";
import { idOf, remoteId } from "./ids.js";
import type { CompanyInfo } from "./refs.js";
import { TrytonRpcError } from "./rpc.js";

type PartyRow = { id: number; name: string; code: string | null; addresses: number[] };

/** The port's createVendor: idempotent by exact name. */
export function createVendor(
  core: TrytonCore,
  input: { companyKey: string; name: string },
): Promise<ErpVendor> {
  return core.guard("creating a vendor", async () => {
    const company = await core.company(input.companyKey);
    const party = await partyByName(core, company, input.name.trim(), true);
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
 * invoiced at once.
 */
async function partyByName(
  core: TrytonCore,
  company: CompanyInfo,
  name: string,
  create: boolean,
): Promise<PartyRow | null> {
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  const fields = ["name", "code", "addresses"];
  const find = async () =>
    (
      await rpc.searchRead<PartyRow>("party.party", [["name", "=", name]], fields, ctx, {
        order: [["id", "ASC"]],
        limit: 1,
      })
    )[0];
  const hit = await find();
  if (hit || !create) return hit ?? null;
  const make = () => rpc.create("party.party", [{ name, addresses: [["create", [{}]]] }], ctx);
  let id: number | undefined;
  // Another worker (concurrent syncer invocations) may create a party in the same moment: the same
  // name, or a party code drawn from the same sequence value ("The code on party must be unique").
  // Look again and create once more — a few times, as several workers can collide in a row.
  for (let attempt = 1; id === undefined && attempt <= 3; attempt++) {
    try {
      [id] = await make();
    } catch (err) {
      if (!(err instanceof TrytonRpcError) || attempt >= 3) throw err;
      const again = await find();
      if (again) return again;
    }
  }
  if (id === undefined) throw new Error("Tryton created no party");
  const [row] = await rpc.read<PartyRow>("party.party", [id], fields, ctx);
  if (!row) throw new Error("created party not readable");
  return row;
}

/** The party of the reimbursed employee: by employee id, else employee name, else a party of that name. */
export async function employeeParty(
  core: TrytonCore,
  company: CompanyInfo,
  remote: string | null,
  name: string,
): Promise<{ id: number; name: string; addresses: number[] }> {
  const rpc = core.session.rpc;
  const ctx = core.session.ctx(company.id);
  // company.employee has no record rule (docs/tryton.md pitfall 19): always filter on company.
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
  const party = await partyByName(core, company, name, true);
  if (!party) throw new Error("party creation failed");
  return party;
}
