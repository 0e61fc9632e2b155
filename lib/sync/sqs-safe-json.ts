/**
 * Message bodies SQS accepts whatever the text inside. SQS allows #x9 #xA #xD
 * #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF and refuses the whole entry
 * otherwise (InvalidMessageContents); the local emulator (fauxqs) is stricter
 * still and also refuses astral characters such as emoji. Inside a JSON string
 * any character may be written as a `\uXXXX` escape, and outside strings JSON is
 * ASCII, so escaping every character outside #x20–#xD7FF / #xE000–#xFFFD (plus
 * tab, LF, CR) gives a body both accept, and JSON.parse returns the same value.
 * No dependencies: the syncer bundle imports it through work-message.ts.
 */

// Everything but tab, LF, CR, U+0020–U+D7FF and U+E000–U+FFFD, matched per UTF-16 code unit
// (no `u` flag), so an astral character is escaped as its surrogate pair, as JSON does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the point
const OUTSIDE_SQS_SAFE = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g;

/** A JSON text with every character SQS (or its local emulator) could refuse written as a JSON escape. */
export function sqsSafeJson(json: string): string {
  return json.replace(OUTSIDE_SQS_SAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Whether SQS (real or local) accepts this body as is. */
export const isSqsSafe = (body: string) => !new RegExp(OUTSIDE_SQS_SAFE.source).test(body);
