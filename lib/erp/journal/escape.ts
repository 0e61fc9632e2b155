/**
 * How user text (Ramp memos, merchant, employee and vendor names, invoice numbers,
 * links, option values…) is written into the journal so hledger never reads it as
 * syntax, and read back unchanged.
 *
 * hledger gives meaning to text we would otherwise copy verbatim:
 *   - in any comment, `[1/2]`, `[2019-01-01]`, `[d=d2]` are the posting's date (a
 *     memo `[1/2]` moved a posting to January; `[25/12]` is "month 25" and makes
 *     the whole file unparseable);
 *   - `name:value` is a tag, `,` ends the value and starts the next tag, so a memo
 *     `x, date:2019-01-01` redates the posting and `x, ramp-ref:…` forges our ref;
 *   - `;` starts a comment, `|` splits payee from note, a line break (LF, and a lone
 *     CR: hledger ends lines there too) starts a new posting or directive;
 *   - leading/trailing whitespace (hledger strips by Haskell's isSpace, which counts
 *     NBSP and other Unicode spaces) and two spaces (the account/amount separator).
 *
 * Description and tag values therefore use a minimal percent-encoding that only
 * the adapter's reader (entries.ts, parse.ts) decodes:
 *   `;` `|` `,` `[` `]`, every control (C0, DEL, C1 incl. NEL), line/paragraph
 *   separators, format characters (BOM, bidi overrides that could make the file
 *   display something else than it says; ZWJ/ZWNJ stay, emoji and Indic scripts
 *   need them), every whitespace except a single U+0020 between two non-space
 *   characters, and `%` itself when it is followed by two hex digits
 * become `%XX` (UTF-8 bytes, upper-case hex). Why this and not look-alike
 * characters: look-alikes lose the original (a memo `[1/2]` would come back as
 * `⟦1/2⟧`), and the reader could not tell a look-alike the user typed from one we
 * substituted. Why not encode everything (base64, full URL-encoding): the journal
 * is meant to be read by people and by hledger reports; ordinary memos ("Team
 * lunch: 4 people, 20% tip" except the comma) stay as typed. `:` stays literal on
 * purpose: once `,` is encoded a value runs to the end of the line for hledger
 * and for us, so `date:`/`ramp-ref:` inside it are just text — and URLs stay
 * readable. A `%` not followed by two hex digits stays literal, which keeps the
 * decoding unambiguous (proof: the character after a literal `%` is either an
 * escape, which starts with `%`, or a literal that is not a hex pair with its
 * successor).
 *
 * Payee names are different: the same text appears in the `payee` directive, in
 * every entry header and in Ramp's vendor remote id, and hledger compares them
 * verbatim, so they are canonicalised instead (payeeName) — lossy but stable.
 *
 * Lone UTF-16 surrogates cannot be stored in a UTF-8 file; they become U+FFFD
 * (wellFormed) before anything is written or compared.
 */

/** Whitespace in the JavaScript sense (a superset of Haskell's isSpace) plus NEL. */
const WHITESPACE = /[\s\u0085]/u;
/** Characters always escaped in a description or tag value (see the header). */
const ALWAYS = /[;|,[\]\p{Cc}\p{Zl}\p{Zp}\p{Zs}\p{Cs}]|(?![\u200c\u200d])\p{Cf}/u;
const HEX = /^[0-9A-Fa-f]$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string with every lone surrogate replaced by U+FFFD (what a UTF-8 file can hold). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd");
}

const percent = (ch: string) =>
  [...Buffer.from(ch, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** User text → the form written after `|` in a header or after `tag:` in a comment. */
export function escapeText(text: string): string {
  const chars = Array.from(wellFormed(text));
  let out = "";
  chars.forEach((ch, i) => {
    const prev = chars[i - 1];
    const next = chars[i + 1];
    let literal: boolean;
    if (ch === " ") {
      literal = prev !== undefined && next !== undefined && !WHITESPACE.test(prev) && !WHITESPACE.test(next);
    } else if (ch === "%") {
      literal = !(HEX.test(next ?? "") && HEX.test(chars[i + 2] ?? ""));
    } else {
      literal = !ALWAYS.test(ch);
    }
    out += literal ? ch : percent(ch);
  });
  return out;
}

/** Inverse of escapeText: every run of `%XX` is UTF-8 bytes; anything else is literal. */
export function decodeText(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"),
  );
}

/**
 * A vendor name as a payee: no `;` (comment), `|` (payee/note split), line breaks,
 * controls, format characters or unusual spaces; single spaces; trimmed. Such a
 * name reads back identically from the `payee` directive and from an entry
 * header, by hledger and by us.
 */
export function payeeName(text: string): string {
  return wellFormed(text)
    .replace(/[;|\p{Cc}\p{Z}\u0085]|(?![\u200c\u200d])\p{Cf}/gu, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

/**
 * Whether a payee already in the journal (hand-written, or created before
 * payeeName existed) can be named in an entry header as is: hledger takes the
 * header's payee up to the first `|` and a line ends at a line break, so those
 * must be absent; other odd characters are fine because the directive and the
 * header then carry the same text.
 */
export function isWritablePayee(name: string): boolean {
  return name !== "" && !/[|;\p{Cc}\p{Zl}\p{Zp}\u0085]/u.test(name) && name === name.trim();
}
