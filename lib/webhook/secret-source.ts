/**
 * Where the receiver gets a tenant's signing secrets: a port over Secrets
 * Manager with a short in-memory cache (a warm Lambda must not call Secrets
 * Manager per delivery), plus a fresh re-read when a signature does not match —
 * the secret may have just been rotated or stored by the set-up — limited to one
 * re-read per tenant per interval so forged traffic cannot hammer Secrets
 * Manager. Secret values never leave this module except to the verifier.
 */
import { parseSecretDoc, type WebhookSecretDoc } from "./secret-doc.js";

/** Raw secret storage (Secrets Manager in AWS; the local stand-in in tests). */
export interface SecretStore {
  /** The SecretString, or undefined when the secret does not exist. */
  read(secretId: string): Promise<string | undefined>;
  /** Creates the secret or stores a new version. */
  write(secretId: string, value: string): Promise<void>;
}

export interface WebhookSecretSource {
  /** The document, or undefined when the secret does not exist. `fresh` bypasses the cache (rate-limited). */
  get(secretId: string, opts?: { fresh?: boolean }): Promise<WebhookSecretDoc | undefined>;
}

export function createWebhookSecretSource(deps: {
  store: Pick<SecretStore, "read">;
  clock?: () => number;
  /** Cache lifetime (default 5 min). */
  ttlMs?: number;
  /** At most one fresh re-read per secret per this interval (default 2 s). */
  refreshIntervalMs?: number;
}): WebhookSecretSource {
  const clock = deps.clock ?? Date.now;
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const refreshMs = deps.refreshIntervalMs ?? 2_000;
  const cache = new Map<string, { at: number; value: WebhookSecretDoc | undefined }>();

  return {
    async get(secretId, opts = {}) {
      const now = clock();
      const hit = cache.get(secretId);
      const fresh = opts.fresh === true && (!hit || now - hit.at >= refreshMs);
      if (hit && !fresh && now - hit.at < ttlMs) return hit.value;
      const raw = await deps.store.read(secretId);
      const value = raw === undefined ? undefined : parseSecretDoc(raw);
      cache.set(secretId, { at: now, value });
      return value;
    },
  };
}
