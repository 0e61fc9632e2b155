/**
 * What must never reach a log line: credentials, tokens, signing secrets and card
 * data. Applied by the logger's JSON replacer (lib/runtime/observability.ts), so a
 * payload logged by mistake is still safe. Three layers, because each one alone
 * misses something:
 *
 * 1. Key names: values of `password`, `client_secret`, `authorization`, … are
 *    replaced whole, whatever they hold.
 * 2. Registered values: every secret the process loads (Secrets Manager reads,
 *    the Ramp client secret and access tokens, the Tryton password and session,
 *    webhook signing secrets) is handed to `registerSecret` where it is loaded,
 *    and replaced wherever it shows up in any string — a message, a nested
 *    field, an error's message or stack. This is what catches an ERP or proxy
 *    that echoes our request (password included) in its error body: the key
 *    name is gone by then, only the value is left.
 * 3. Patterns: bearer tokens and `Authorization` header values, and card numbers
 *    (13–19 digits, spaces or dashes allowed, passing Luhn) — these reach us
 *    from outside (memos, echoed headers) and are never registered.
 *
 * Pure apart from the registry, which is process-wide on purpose: a secret loaded
 * by one module must be hidden from every logger of the process.
 */
const SENSITIVE_KEY =
  /(^|_|-)(access_?token|refresh_?token|token|client_?secret|secret|password|authorization|api_?key|card_?number|pan|cvv|cvc|signature)$/i;

export const REDACTED = "[redacted]";
export const CARD_REDACTED = "[card redacted]";

/**
 * Shorter values are not registered: replacing e.g. "admin" everywhere would mangle
 * ordinary log text (the username is often the same word), and a secret that short
 * is weak whatever the logs do. Real secrets (generated passwords, client secrets,
 * tokens) are far longer.
 */
const MIN_REGISTERED_LENGTH = 8;

/** Bounded so a process that mints tokens for weeks does not grow without end (oldest dropped first). */
const MAX_REGISTERED = 1_000;

const registered = new Set<string>();
/** Registered values (and their escaped forms), longest first so a secret containing another is replaced whole. */
let ordered: string[] = [];

function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * Registers a secret value with the redactor: from now on it is replaced wherever it
 * appears in a logged string. Also registers the forms it takes inside a JSON string
 * and a URL, since echoed requests carry it that way. Idempotent; ignores empty and
 * short values (see MIN_REGISTERED_LENGTH).
 */
export function registerSecret(value: string | null | undefined): void {
  if (typeof value !== "string" || value.length < MIN_REGISTERED_LENGTH) return;
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
  let changed = false;
  for (const f of forms) {
    if (registered.has(f)) continue;
    registered.add(f);
    changed = true;
  }
  if (!changed) return;
  while (registered.size > MAX_REGISTERED) {
    const oldest = registered.values().next().value as string;
    registered.delete(oldest);
  }
  ordered = [...registered].sort((a, b) => b.length - a.length);
}

/** Registers every string under a sensitive key of a parsed secret (or the secret itself when it is a string). */
export function registerSecretsIn(value: unknown, depth = 0): void {
  if (typeof value === "string") {
    registerSecret(value);
    return;
  }
  if (depth > 5 || !value || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "string") {
      if (isSensitiveKey(k)) registerSecret(v);
    } else registerSecretsIn(v, depth + 1);
  }
}

/** For tests: forget every registered value. */
export function clearRegisteredSecrets(): void {
  registered.clear();
  ordered = [];
}

// `Authorization: <scheme> <value>` (header dumps, JSON `"authorization":"…"`): keep the scheme, hide the value.
const AUTH_HEADER =
  /(authorization\\?["']?\s*[:=]\s*\\?["']?\s*)(?:(bearer|basic|session|token|digest)\s+)?[^\s"'\\,;}]+/gi;
const BEARER = /\bbearer\s+[A-Za-z0-9._~+/=-]+/gi;
// 13–19 digits, single spaces or dashes between them, not inside a longer digit/dash run (ids, UUIDs).
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A string with registered secrets, bearer/authorization values and card numbers replaced. */
export function redactText(s: string): string {
  let out = s;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  out = out.replace(AUTH_HEADER, (_m, lead: string, scheme: string | undefined) =>
    scheme ? `${lead}${scheme} ${REDACTED}` : `${lead}${REDACTED}`,
  );
  out = out.replace(BEARER, `Bearer ${REDACTED}`);
  out = out.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/[ -]/g, "");
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? CARD_REDACTED : m;
  });
  return out;
}

/**
 * A JSON.stringify replacer: blanks sensitive keys at any depth and redacts every
 * string value (messages, nested fields; Powertools formats an Error into
 * {message, stack, …} and this runs again on those fields).
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key && isSensitiveKey(key) && value !== null && value !== undefined) return REDACTED;
  if (typeof value === "string") return redactText(value);
  return value;
}
