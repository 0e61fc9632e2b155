/**
 * A tiny loopback stand-in for AWS Secrets Manager's JSON protocol, so local
 * runs and integration tests use the real SDK client over HTTP
 * (point it here with AWS_ENDPOINT_URL_SECRETS_MANAGER or `endpoint`).
 * Supports GetSecretValue, plus CreateSecret / PutSecretValue for seeding.
 * In memory only; it ignores request signatures.
 *
 *   npx tsx local/secrets-manager/server.ts [port]   → prints the endpoint
 */
import { randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as z from "zod";

interface Secret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdAt: number;
}

export interface LocalSecretsManager {
  endpoint: string;
  /** Seeds or replaces a secret without going through HTTP. */
  seed(name: string, value: string): void;
  /** GetSecretValue calls answered so far (for tests of caching). */
  readonly reads: number;
  stop(): Promise<void>;
}

const CreateBody = z.looseObject({ Name: z.string().min(1), SecretString: z.string() });
const PutBody = z.looseObject({ SecretId: z.string().min(1), SecretString: z.string() });
const GetBody = z.looseObject({ SecretId: z.string().min(1) });

export async function startLocalSecretsManager(
  options: { port?: number; region?: string } = {},
): Promise<LocalSecretsManager> {
  const region = options.region ?? "us-east-1";
  const secrets = new Map<string, Secret>();
  let reads = 0;

  const find = (id: string) => secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id);
  const put = (name: string, value: string): Secret => {
    const existing = secrets.get(name);
    const secret: Secret = {
      name,
      arn:
        existing?.arn ??
        `arn:aws:secretsmanager:${region}:000000000000:secret:${name}-${randomUUID().slice(0, 6)}`,
      value,
      versionId: randomUUID(),
      createdAt: existing?.createdAt ?? Date.now(),
    };
    secrets.set(name, secret);
    return secret;
  };

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return fail(res, 400, "SerializationException", "body is not JSON");
      }
      switch (target) {
        case "secretsmanager.GetSecretValue": {
          const b = GetBody.safeParse(body);
          if (!b.success) return fail(res, 400, "InvalidParameterException", "SecretId is required");
          const s = find(b.data.SecretId);
          if (!s)
            return fail(
              res,
              400,
              "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret.",
            );
          reads++;
          return ok(res, {
            ARN: s.arn,
            Name: s.name,
            SecretString: s.value,
            VersionId: s.versionId,
            VersionStages: ["AWSCURRENT"],
            CreatedDate: s.createdAt / 1000,
          });
        }
        case "secretsmanager.CreateSecret": {
          const b = CreateBody.safeParse(body);
          if (!b.success)
            return fail(res, 400, "InvalidParameterException", "Name and SecretString are required");
          if (secrets.has(b.data.Name))
            return fail(res, 400, "ResourceExistsException", "the secret already exists");
          const s = put(b.data.Name, b.data.SecretString);
          return ok(res, { ARN: s.arn, Name: s.name, VersionId: s.versionId });
        }
        case "secretsmanager.PutSecretValue": {
          const b = PutBody.safeParse(body);
          if (!b.success)
            return fail(res, 400, "InvalidParameterException", "SecretId and SecretString are required");
          const s0 = find(b.data.SecretId);
          if (!s0)
            return fail(
              res,
              400,
              "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret.",
            );
          const s = put(s0.name, b.data.SecretString);
          return ok(res, { ARN: s.arn, Name: s.name, VersionId: s.versionId, VersionStages: ["AWSCURRENT"] });
        }
        default:
          return fail(res, 400, "UnknownOperationException", `unsupported operation ${target || "(none)"}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seed: (name, value) => void put(name, value),
    get reads() {
      return reads;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function ok(res: ServerResponse, body: unknown) {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "x-amzn-errortype": type,
    "x-amzn-requestid": randomUUID(),
  });
  res.end(JSON.stringify({ __type: type, message }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = process.argv[2] ? Number(process.argv[2]) : 0;
  startLocalSecretsManager({ port }).then((sm) => {
    console.log(JSON.stringify({ endpoint: sm.endpoint }));
  });
}
