/**
 * Secrets Manager adapters. A tenant's Ramp client credentials live only in
 * Secrets Manager (secret JSON `{ "client_id": "…", "client_secret": "…" }`);
 * they are read with GetSecretValue, cached in memory for a short TTL (so a
 * rotated secret is picked up within minutes and a warm Lambda does not call
 * Secrets Manager per request), and never logged or written anywhere else.
 * The endpoint comes from AWS_ENDPOINT_URL_SECRETS_MANAGER when set (local stand-in).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";
import { registerSecret, registerSecretsIn } from "../domain/redact.js";
import { type Clock, systemClock } from "../domain/time.js";
import type { CredentialsProvider, RampCredentials } from "../ramp/ports.js";
import { AwsAdapterError } from "./errors.js";

export class SecretFormatError extends AwsAdapterError {
  override readonly name: string = "SecretFormatError";
  constructor(
    readonly secretId: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    // Names the secret and the problem, never its content.
    super(`secret ${secretId} is not in the expected format: ${detail}`, options);
  }
}

export interface SecretReaderDeps {
  client: SecretsManagerClient;
  /** How long a value read is reused (default 5 min). */
  ttlMs?: number;
  clock?: Clock;
}

/** Reads a JSON secret and validates it with `schema`, caching per secret id. */
export function createSecretJsonReader(deps: SecretReaderDeps) {
  const ttlMs = deps.ttlMs ?? 5 * 60_000;
  const clock = deps.clock ?? systemClock;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();

  async function fetchJson(secretId: string): Promise<unknown> {
    const res = await deps.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof res.SecretString !== "string") throw new SecretFormatError(secretId, "no SecretString");
    let json: unknown;
    try {
      json = JSON.parse(res.SecretString);
    } catch {
      // No `cause` on purpose: JSON.parse's message quotes the text, i.e. the secret.
      throw new SecretFormatError(secretId, "not JSON");
    }
    // Every sensitive field (client_secret, password, secret, …) is hidden from logs from here on.
    registerSecretsIn(json);
    return json;
  }

  return {
    async read<T>(secretId: string, schema: z.ZodType<T>): Promise<T> {
      const hit = cache.get(secretId);
      let value: Promise<unknown>;
      if (hit && clock() - hit.at < ttlMs) {
        value = hit.value;
      } else {
        value = fetchJson(secretId);
        cache.set(secretId, { at: clock(), value });
        // A failed read is not cached: the next call tries again.
        value.catch(() => {
          if (cache.get(secretId)?.value === value) cache.delete(secretId);
        });
      }
      const parsed = schema.safeParse(await value);
      if (!parsed.success) {
        throw new SecretFormatError(
          secretId,
          parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).join("; "),
        );
      }
      return parsed.data;
    },
    /** Forget cached values (e.g. after Ramp refused the credentials, in case they were rotated). */
    invalidate(secretId?: string) {
      if (secretId) cache.delete(secretId);
      else cache.clear();
    },
  };
}

const RampCredentialsSecretSchema = z.looseObject({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
});

export interface SecretsCredentialsDeps extends SecretReaderDeps {
  /** The tenant's `ramp.credentialsSecretId` from its configuration. */
  secretIdFor: (tenantId: string) => string | Promise<string>;
}

export function createSecretsCredentialsProvider(
  deps: SecretsCredentialsDeps,
): CredentialsProvider & { invalidate(tenantId: string): Promise<void> } {
  const reader = createSecretJsonReader(deps);
  return {
    async get(tenantId): Promise<RampCredentials> {
      const secret = await reader.read(await deps.secretIdFor(tenantId), RampCredentialsSecretSchema);
      registerSecret(secret.client_secret);
      return { clientId: secret.client_id, clientSecret: secret.client_secret };
    },
    async invalidate(tenantId) {
      reader.invalidate(await deps.secretIdFor(tenantId));
    },
  };
}
