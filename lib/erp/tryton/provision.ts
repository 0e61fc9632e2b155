/**
 * The dedicated integration login. The adapter needs a login whose company
 * filter is "all" when it serves several companies (session.ts), and that filter
 * belongs to the login, not the session (docs/tryton.md pitfall 18): flipping a human's
 * login would change what that person sees in Tryton. So production, tests and
 * benchmarks use their own user, created here with an admin login (find by
 * login, else create; companies, filter and groups are set either way).
 */
import type { TrytonRpc } from "./rpc.js";

/** Groups the sync needs: post and read accounting, analytic accounts, parties; period admin for tests. */
const INTEGRATION_GROUPS = [
  "Account",
  "Account Administration",
  "Analytic Administration",
  "Party Administration",
];

export async function ensureIntegrationUser(
  admin: TrytonRpc,
  opts: { login: string; password: string; name?: string; companyIds: number[]; groups?: string[] },
): Promise<number> {
  const groupNames = opts.groups ?? INTEGRATION_GROUPS;
  const groups = await admin.searchRead<{ id: number; name: string }>(
    "res.group",
    [["name", "in", groupNames]],
    ["name"],
  );
  const values = {
    name: opts.name ?? "Ramp sync",
    company: opts.companyIds[0],
    company_filter: "all",
    companies: [["add", opts.companyIds]],
    groups: [["add", groups.map((g) => g.id)]],
  };
  const [existing] = await admin.search("res.user", [["login", "=", opts.login]], { active_test: false });
  if (existing !== undefined) {
    await admin.write("res.user", [existing], { ...values, active: true, password: opts.password });
    return existing;
  }
  const [id] = await admin.create("res.user", [{ login: opts.login, password: opts.password, ...values }]);
  if (id === undefined) throw new Error("res.user.create returned no id");
  return id;
}
