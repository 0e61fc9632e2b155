/**
 * Where a journal tenant's hledger file may be: inside its own directory,
 * `<journal root>/<tenantId>/`. The configuration names the file relative to
 * that directory (`books.journal`, `2026/books.journal`), so it cannot name
 * another tenant's file; the root is the deployment's (JOURNAL_ROOT), not the
 * tenant's. This is the textual rule; lib/erp/journal-file.ts resolves the path
 * and also refuses symlinks leading out.
 */

/** Why `path` is not a plain relative path inside a directory, or null when it is. */
export function journalPathProblem(path: string): string | null {
  if (path.includes("\0")) return "must not contain NUL";
  if (path.includes("\\")) return "must use / as separator";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path))
    return "must be relative to the tenant's journal directory, not absolute";
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".."))
    return 'must not contain empty, "." or ".." segments';
  return null;
}
