/**
 * OAuth client credentials (`POST /developer/v1/token`) and bearer checks.
 * Per the live observation in docs/ramp-api.md §2.1 a token is minted for whatever scopes are
 * requested; the 403 `DEVELOPER_7100` comes at the resource call when the app was never granted
 * the scope (or the token did not request it).
 */
import { ApiError, CODES } from "./errors.js";
import type { SandboxState, Token } from "./state.js";

export const ALL_SCOPES = [
  "accounting:read",
  "accounting:write",
  "transactions:read",
  "reimbursements:read",
  "bills:read",
  "transfers:read",
  "cashbacks:read",
  "entities:read",
  "vendors:read",
  "vendors:write",
  "receipts:read",
];

function oauthError(status: number, error: string, description: string): ApiError {
  const e = new ApiError(status, error, description);
  (e as ApiError & { oauth: boolean }).oauth = true;
  return e;
}

export function isOauthError(e: ApiError): boolean {
  return (e as ApiError & { oauth?: boolean }).oauth === true;
}

export function issueToken(
  sb: SandboxState,
  authorization: string | undefined,
  form: Record<string, string>,
): { access_token: string; token_type: string; expires_in: number; scope: string } {
  let clientId = form.client_id;
  let clientSecret = form.client_secret;
  if (authorization?.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const sep = decoded.indexOf(":");
    clientId = decoded.slice(0, sep);
    clientSecret = decoded.slice(sep + 1);
  }
  const entry = clientId ? sb.apps.get(clientId) : undefined;
  if (!entry || entry.app.clientSecret !== clientSecret) {
    throw oauthError(401, "invalid_client", "Client authentication failed");
  }
  if (form.grant_type !== "client_credentials") {
    throw oauthError(400, "unsupported_grant_type", "Only client_credentials is enabled for this app");
  }
  const scopes = (form.scope ?? "").split(/\s+/).filter(Boolean);
  const token: Token = {
    token: `ramp_tok_${sb.rng.hex(20)}`,
    clientId: entry.app.clientId,
    businessId: entry.businessId,
    scopes,
    expiresAt: sb.clock.now() + sb.config.tokenTtlSeconds * 1000,
  };
  sb.tokens.set(token.token, token);
  return {
    access_token: token.token,
    token_type: "Bearer",
    expires_in: sb.config.tokenTtlSeconds,
    scope: scopes.join(" "),
  };
}

export function revokeToken(sb: SandboxState, form: Record<string, string>): void {
  if (form.token) sb.tokens.delete(form.token);
}

export function authenticate(sb: SandboxState, authorization: string | undefined): Token {
  const raw = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : undefined;
  const token = raw ? sb.tokens.get(raw) : undefined;
  if (!token) throw new ApiError(401, CODES.unauthorized, "Missing or invalid access token");
  if (token.expiresAt <= sb.clock.now()) {
    sb.tokens.delete(token.token);
    throw new ApiError(401, CODES.unauthorized, "Access token expired");
  }
  return token;
}

/** 403 unless the token requested the scope and its app was granted it. */
export function requireScopes(sb: SandboxState, token: Token, needed: readonly string[]): void {
  const granted = sb.apps.get(token.clientId)?.app.scopes ?? [];
  const notGranted = needed.filter((s) => !granted.includes(s));
  if (notGranted.length > 0) {
    throw new ApiError(
      403,
      CODES.scope,
      `These scopes are not allowed for this client: ${notGranted.join(" ")}`,
    );
  }
  const notRequested = needed.filter((s) => !token.scopes.includes(s));
  if (notRequested.length > 0) {
    throw new ApiError(
      403,
      CODES.scope,
      `These scopes are not allowed for this token: ${notRequested.join(" ")}`,
    );
  }
}
