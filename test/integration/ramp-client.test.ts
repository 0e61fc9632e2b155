import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretsCredentialsProvider } from "../../lib/aws/secrets.js";
import { createRampClient } from "../../lib/ramp/client.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { createDynamoRateLimiter } from "../../lib/store/rate-limit.js";
import { createDynamoTokenStore, TOKEN_SK } from "../../lib/store/tokens.js";
import { type LocalSecretsManager, startLocalSecretsManager } from "../../local/secrets-manager/server.js";
import { freshTable, LOCAL_AWS } from "../support/dynamo-client.js";

/** A minimal Ramp: mints numbered tokens, accepts only the newest, serves one entity page. */
async function miniRamp() {
  const state = { minted: 0, valid: new Set<string>(), basicSeen: [] as string[] };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "x-trace-id": `tr-${status}` });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/developer/v1/token" && req.method === "POST") {
        state.basicSeen.push(String(req.headers.authorization));
        const token = `tok-${++state.minted}`;
        state.valid.add(token);
        return send(200, { access_token: token, token_type: "Bearer", expires_in: 864000 });
      }
      const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!state.valid.has(bearer))
        return send(401, { error_v2: { error_code: "UNAUTHORIZED", message: "bad token" } });
      if (req.url?.startsWith("/developer/v1/entities")) {
        return send(200, {
          data: [{ id: "e1", entity_name: "Acme", currency: "USD", is_primary: true }],
          page: { next: null },
        });
      }
      send(404, {});
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, state, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("Ramp client with DynamoDB token store, DynamoDB limiter and Secrets Manager credentials", () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let sm: LocalSecretsManager;
  let ramp: Awaited<ReturnType<typeof miniRamp>>;
  beforeAll(async () => {
    table = await freshTable("rampclient");
    sm = await startLocalSecretsManager();
    sm.seed("tenants/t1/ramp", JSON.stringify({ client_id: "cid", client_secret: "csecret" }));
    ramp = await miniRamp();
  });
  afterAll(async () => {
    ramp?.server.close();
    await sm?.stop();
    table?.doc.destroy();
  });

  /** One "Lambda": its own AWS clients, sharing only DynamoDB and Secrets Manager. */
  function lambda() {
    const doc = createDocumentClient({ ...LOCAL_AWS, endpoint: table.endpoint });
    const secrets = new SecretsManagerClient({ ...LOCAL_AWS, endpoint: sm.endpoint });
    const client = createRampClient({
      tenantId: "t1",
      baseUrl: ramp.baseUrl,
      credentials: createSecretsCredentialsProvider({
        client: secrets,
        secretIdFor: (t) => `tenants/${t}/ramp`,
      }),
      tokens: createDynamoTokenStore({ doc, tableName: table.tableName }),
      limiter: createDynamoRateLimiter({ doc, tableName: table.tableName, tenantId: "t1" }),
    });
    return {
      client,
      close: () => {
        doc.destroy();
        secrets.destroy();
      },
    };
  }

  it("shares one token across instances and refreshes it once after it is revoked", async () => {
    const a = lambda();
    const b = lambda();
    try {
      expect((await collect(a.client.listEntities()))[0]).toEqual({
        id: "e1",
        name: "Acme",
        currency: "USD",
        isPrimary: true,
      });
      await collect(b.client.listEntities());
      expect(ramp.state.minted).toBe(1);
      expect(ramp.state.basicSeen[0]).toBe(`Basic ${Buffer.from("cid:csecret").toString("base64")}`);

      // The item holds the access token and its expiry, never the client secret.
      const { Item: item } = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { PK: "TENANT#t1", SK: TOKEN_SK } }),
      );
      expect(item).toMatchObject({ accessToken: "tok-1" });
      expect(typeof item?.expiresAt).toBe("number");
      expect(JSON.stringify(item)).not.toContain("csecret");

      ramp.state.valid.clear(); // Ramp revokes tok-1
      await collect(a.client.listEntities()); // 401 → mint tok-2 → retry
      expect(ramp.state.minted).toBe(2);
      await collect(b.client.listEntities()); // 401 with tok-1 → finds tok-2 in DynamoDB, no new mint
      expect(ramp.state.minted).toBe(2);
    } finally {
      a.close();
      b.close();
    }
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
