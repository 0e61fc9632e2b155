/**
 * SecretStore over AWS Secrets Manager (the local stand-in speaks the same
 * protocol): GetSecretValue, and PutSecretValue falling back to CreateSecret
 * for a secret that does not exist yet. Values are never logged.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import type { SecretStore } from "../webhook/secret-source.js";

const notFound = (err: unknown) => err instanceof Error && err.name === "ResourceNotFoundException";

export function secretsManagerStore(client: Pick<SecretsManagerClient, "send">): SecretStore {
  return {
    async read(secretId) {
      try {
        const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        return res.SecretString;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async write(secretId, value) {
      try {
        await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
      } catch (err) {
        if (!notFound(err)) throw err;
        await client.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));
      }
    },
  };
}
