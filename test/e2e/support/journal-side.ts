/**
 * The journal ERP for the drain scenario: the demo journal (books closed through
 * 2025-12-31, an inactive Advertising account) in a fresh temp dir, with USD → EUR
 * at exactly 2 from the scenario's first date. Totals come from the real hledger.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { receiptIdOfFileName, safeSegment } from "../../../lib/erp/attachment-names.js";
import { createJournalErp } from "../../../lib/erp/index.js";
import { hledgerBalance } from "../../../lib/erp/journal/hledger-cli.js";
import { createDemoJournal, demoCompanies } from "../../../local/demo-journal.js";
import { TENANT } from "./drain-scenario.js";
import type { ErpSide } from "./erp-side.js";

const RETIRED = "demo:Expenses:Advertising";
const RETIRED_LINE = `account ${RETIRED}  ; type: X, code: 6500`;

export async function journalSide(): Promise<ErpSide> {
  // The handlers open <JOURNAL_ROOT>/<tenant>/books.journal (lib/erp/journal-file.ts).
  const dir = await mkdtemp(join(tmpdir(), "e2e-journal-"));
  await mkdir(join(dir, TENANT));
  const path = join(dir, TENANT, "books.journal");
  await createDemoJournal(path);
  const [us, eu] = demoCompanies();
  if (!us || !eu) throw new Error("demo companies missing");
  const port = createJournalErp(path);
  const edit = async (f: (text: string) => string) => {
    const before = await readFile(path, "utf8");
    const after = f(before);
    if (after === before) throw new Error("journal edit changed nothing");
    await writeFile(path, after);
  };

  return {
    name: "journal",
    erp: { kind: "journal", path: "books.journal" },
    journalRoot: dir,
    companies: [us, eu],
    secrets: {},
    port,
    closedDate: "2025-12-15",
    // The demo journal's books are closed through 2025-12-31 already.
    closePeriod: async () => {},
    closedPeriodMessage:
      "Accounting period 2025-12 is closed. The books of demo are closed through 2025-12-31. " +
      'Reopen 2025-12 (move the "; ramp-closed-through:" directive before 2025-12-15) or change the accounting date, and retry.',
    retiredAccount: RETIRED,
    activateRetired: () => edit((t) => t.replace(`${RETIRED_LINE}, inactive: true`, RETIRED_LINE)),
    deactivateRetired: () => edit((t) => t.replace(`${RETIRED_LINE}\n`, `${RETIRED_LINE}, inactive: true\n`)),
    retiredAccountMessage: () =>
      `Account "${RETIRED}" (6500) is inactive. Re-code the line to an active account, ` +
      `or reactivate "${RETIRED}" in the journal (remove its inactive tag), and retry.`,
    async setRates(window) {
      const text = await readFile(path, "utf8");
      await writeFile(path, `${text}\nP ${window.from} USD 2.0000 EUR\nP ${window.from} EUR 0.5000 USD\n`);
    },
    // The `receipt:` tags of the entry (lib/erp/journal/attachments.ts), resolved beside the journal.
    async attachedBytes(target, receiptId) {
      const text = await readFile(path, "utf8");
      const folder = `receipts/${safeSegment(target.ref)}/`;
      const tag = [...text.matchAll(/receipt: ?([^,\s]+)/g)]
        .map((m) => m[1] as string)
        .find((v) => v.startsWith(folder) && receiptIdOfFileName(v.slice(folder.length)) === receiptId);
      return tag ? readFile(join(dirname(path), tag)) : null;
    },
    async shareVendors(names) {
      const text = await readFile(path, "utf8");
      await writeFile(path, `${text}\n${names.map((n) => `payee ${n}`).join("\n")}\n`);
    },
    async recordsUnder(refs) {
      const text = await readFile(path, "utf8");
      const wanted = new Set(refs);
      const counts = new Map<string, number>();
      for (const m of text.matchAll(/ramp-ref:\s*(ramp:[a-z_]+:[^,\s]+)/g)) {
        const ref = m[1] as string;
        if (wanted.has(ref)) counts.set(ref, (counts.get(ref) ?? 0) + 1);
      }
      return counts;
    },
    // The file is fresh, so every entry in it is this run's.
    async accountTotals(_refs, companyKey) {
      const company = [us, eu].find((c) => c.key === companyKey);
      if (!company) throw new Error(`unknown company ${companyKey}`);
      const surface = await port.readSurface();
      const out = new Map<string, number>();
      for (const a of surface.glAccounts.filter((x) => x.companyKey === companyKey)) {
        const minor = await hledgerBalance(path, a.remoteId, company.currency);
        if (minor !== 0) out.set(a.remoteId, minor);
      }
      return out;
    },
    restore: () => port.close(),
  };
}
