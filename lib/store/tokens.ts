/**
 * Cached Ramp access tokens, one item per tenant on the main table:
 * `PK=TENANT#<id>, SK=TOKEN#RAMP` with `accessToken` and `expiresAt` (epoch ms).
 *
 * Only the short-lived access token is stored here — never the client secret,
 * which stays in Secrets Manager (lib/aws/secrets.ts). The table is encrypted at
 * rest with a customer-managed KMS key (set by the CDK stack), so the token is
 * never on disk in clear. The item's `ttl` lets DynamoDB drop it after expiry.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { CachedToken, TokenStore } from "../ramp/ports.js";

export const TOKEN_SK = "TOKEN#RAMP";

const TokenItem = z.object({ accessToken: z.string().min(1), expiresAt: z.number().int() });

export function createDynamoTokenStore(deps: { doc: DynamoDBDocumentClient; tableName: string }): TokenStore {
  const keyOf = (tenantId: string) => ({ PK: `TENANT#${tenantId}`, SK: TOKEN_SK });
  return {
    async get(tenantId) {
      const res = await deps.doc.send(
        new GetCommand({ TableName: deps.tableName, Key: keyOf(tenantId), ConsistentRead: true }),
      );
      if (!res.Item) return null;
      const parsed = TokenItem.safeParse(res.Item);
      return parsed.success ? parsed.data : null;
    },
    async put(tenantId, token: CachedToken) {
      await deps.doc.send(
        new PutCommand({
          TableName: deps.tableName,
          Item: {
            ...keyOf(tenantId),
            accessToken: token.accessToken,
            expiresAt: token.expiresAt,
            ttl: Math.ceil(token.expiresAt / 1000) + 3600,
          },
        }),
      );
    },
  };
}
