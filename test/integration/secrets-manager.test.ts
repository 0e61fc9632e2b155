import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretsCredentialsProvider, SecretFormatError } from "../../lib/aws/secrets.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { LOCAL_AWS } from "../support/dynamo-client.js";

describe("Secrets Manager credentials provider (real SDK over loopback)", () => {
  let sm: LocalSecretsManager;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    sm = await startLocalSecretsManager();
    client = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: sm.endpoint });
  });
  afterAll(async () => {
    client?.destroy();
    await sm?.stop();
  });

  it("reads {client_id, client_secret}, caches it for the TTL, and sees a rotation after it", async () => {
    await client.send(
      new CreateSecretCommand({
        Name: "tenants/t1/ramp",
        SecretString: JSON.stringify({ client_id: "cid-1", client_secret: "sec-1" }),
      }),
    );
    let now = 0;
    const provider = createSecretsCredentialsProvider({
      client,
      secretIdFor: (t) => `tenants/${t}/ramp`,
      ttlMs: 60_000,
      clock: () => now,
    });
    const readsBefore = sm.reads;
    expect(await provider.get("t1")).toEqual({ clientId: "cid-1", clientSecret: "sec-1" });
    await client.send(
      new PutSecretValueCommand({
        SecretId: "tenants/t1/ramp",
        SecretString: JSON.stringify({ client_id: "cid-1", client_secret: "sec-2" }),
      }),
    );
    expect((await provider.get("t1")).clientSecret).toBe("sec-1");
    expect(sm.reads - readsBefore).toBe(1);
    now += 60_001;
    expect((await provider.get("t1")).clientSecret).toBe("sec-2");
    await client.send(
      new PutSecretValueCommand({
        SecretId: "tenants/t1/ramp",
        SecretString: JSON.stringify({ client_id: "cid-1", client_secret: "sec-3" }),
      }),
    );
    await provider.invalidate("t1");
    expect((await provider.get("t1")).clientSecret).toBe("sec-3");
    expect(sm.reads - readsBefore).toBe(3);
  });

  it("reaches the stand-in through AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
    sm.seed("tenants/env/ramp", JSON.stringify({ client_id: "env-id", client_secret: "env-secret" }));
    const previous = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.endpoint;
    const envClient = new SecretsManagerClient({ ...LOCAL_AWS });
    try {
      const provider = createSecretsCredentialsProvider({
        client: envClient,
        secretIdFor: (t) => `tenants/${t}/ramp`,
      });
      expect(await provider.get("env")).toEqual({ clientId: "env-id", clientSecret: "env-secret" });
    } finally {
      envClient.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = previous;
    }
  });

  it("reports a malformed secret without revealing it, and a missing one as not found", async () => {
    sm.seed("tenants/bad/ramp", JSON.stringify({ client_id: "x", clientSecret: "leaky-value" }));
    const provider = createSecretsCredentialsProvider({ client, secretIdFor: (t) => `tenants/${t}/ramp` });
    const err = await provider.get("bad").catch((e) => e);
    expect(err).toBeInstanceOf(SecretFormatError);
    expect(String(err.message)).not.toContain("leaky-value");
    expect(String(err.message)).toContain("client_secret");
    await expect(provider.get("nobody")).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
