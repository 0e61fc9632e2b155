/**
 * Resolves a journal tenant's configured file to an absolute path inside its
 * own directory `<root>/<tenantId>/`, and refuses anything that could lead
 * out: a path that is not plain and relative (lib/config/journal-path.ts), and
 * any symlink below the root (the tenant directory, a directory on the way, the
 * file) — one function serves every tenant and could otherwise write into
 * another tenant's books. The root itself is the deployment's and trusted.
 */
import { lstat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { journalPathProblem } from "../config/journal-path.js";
import { TenantIsolationError } from "../config/tenant-secrets.js";

export async function resolveTenantJournal(root: string, tenantId: string, relPath: string): Promise<string> {
  const refuse = (why: string) =>
    new TenantIsolationError(`tenant ${tenantId}: journal path "${relPath}" ${why}`);
  const problem = journalPathProblem(relPath);
  if (problem) throw refuse(problem);
  // The tenant id is one segment of [A-Za-z0-9_-] (the schema), so it cannot climb either.
  if (journalPathProblem(tenantId) || tenantId.includes("/")) throw refuse("has no directory of its own");
  const base = resolve(root);
  let cur = base;
  for (const segment of [tenantId, ...relPath.split("/")]) {
    cur = join(cur, segment);
    try {
      if ((await lstat(cur)).isSymbolicLink()) throw refuse(`goes through a symlink (${cur})`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") break; // the rest is created later, by us
      throw err;
    }
  }
  return join(base, tenantId, relPath);
}
