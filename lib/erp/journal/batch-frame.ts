/**
 * Every batch the adapter appends is framed by two comment lines, `;; batch <id>
 * begin` and `;; batch <id> end` (hledger ignores top-level comments). A worker
 * killed during the append's write(2) can leave a short write — Linux stops a
 * write between pages when a fatal signal is pending — so the file may end in a
 * batch that was cut off: possibly mid-entry, between an entry's invoice and
 * payment legs, or between two entries. Such a tail is a begin without its end.
 *
 * Nothing of a torn batch was ever recorded or reported (the worker died before
 * postBatch returned), so the adapter treats all of it as unfinished: lookups say
 * `partial`, and the next write cuts the file back to where the batch began before
 * appending (ARCHITECTURE.md, "Complete or finish"). Files written before the
 * frame existed, and hand edits, carry no frame and are read as they are.
 */
import { randomBytes } from "node:crypto";
import { decodeText } from "./escape.js";

const BEGIN = /^;; batch ([0-9a-f]{8}) begin$/gm;
const MARKER = /^;; batch [0-9a-f]{8} (?:begin|end)\n?/gm;

export interface TornTail {
  /** Byte offset where the torn batch begins (its begin line; the file is cut back to here). */
  offset: number;
  /** References of the entries the torn batch holds, complete or not, with their entry codes. */
  refs: Map<string, string>;
}

/** The frame for one batch's text (entries each preceded by a blank line, as before). */
export function framed(inner: string): string {
  const id = randomBytes(4).toString("hex");
  return `\n;; batch ${id} begin\n${inner}\n;; batch ${id} end\n`;
}

/** The last batch of the file if it was cut off, else null. */
export function tornTail(text: string): TornTail | null {
  let last: RegExpExecArray | null = null;
  for (const m of text.matchAll(BEGIN)) last = m;
  if (!last) return null;
  if (text.includes(`\n;; batch ${last[1]} end`, last.index)) return null;
  const refs = new Map<string, string>();
  // The entry's header carries its code `(J…)` and, after the description, its `ramp-ref:` tag.
  for (const m of text.slice(last.index).matchAll(/\((J\d+)\)[^\n]*?ramp-ref:([^,\s;]+)/g))
    refs.set(decodeText(m[2] as string), m[1] as string);
  return { offset: Buffer.byteLength(text.slice(0, last.index)), refs };
}

/** The appended text without its frame lines, for the read-back (they are not entries or directives). */
export const withoutFrame = (chunk: string): string => chunk.replace(MARKER, "");
