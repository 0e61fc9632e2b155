/**
 * What must never reach a log line: credentials, tokens, signing secrets and card
 * data. Applied by the logger's JSON replacer, so a payload logged by mistake is
 * still safe. Matching is on key names; values of those keys are replaced whole.
 */
const SENSITIVE_KEY =
  /(^|_|-)(access_?token|refresh_?token|token|client_?secret|secret|password|authorization|api_?key|card_?number|pan|cvv|cvc|signature)$/i;

export const REDACTED = "[redacted]";

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** A JSON.stringify replacer that blanks sensitive keys at any depth. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && isSensitiveKey(key) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === "string" && /^Bearer\s+\S+/i.test(value)) return "Bearer [redacted]";
  return value;
}
