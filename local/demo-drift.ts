/**
 * Test-only: drift planted in the demo's journal before its ending (`--plant-drift`, hidden
 * from --help), so a test can prove the ending catches what it claims to: one posted card
 * transaction's entry deleted from the ERP behind the ledger's back.
 */
import { readFile, writeFile } from "node:fs/promises";

/** Deletes the first transaction entry (header line and its indented postings); returns its Ramp id. */
export async function deleteOneTransactionEntry(journal: string): Promise<string> {
  const lines = (await readFile(journal, "utf8")).split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(lines[i] as string)) continue;
    let j = i + 1;
    while (j < lines.length && /^\s+\S/.test(lines[j] as string)) j++;
    const id = /ramp-ref:ramp:transaction:([^,\s]+)/.exec(lines.slice(i, j).join("\n"))?.[1];
    if (id) {
      lines.splice(i, j - i);
      await writeFile(journal, lines.join("\n"));
      return id;
    }
    i = j - 1;
  }
  throw new Error(`no transaction entry in ${journal} to delete`);
}
