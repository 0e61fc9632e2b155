/**
 * Verification challenges between the receiver and the set-up. Ramp sends the
 * `webhooks.verification` delivery to our endpoint (the Lambda), but the call
 * that completes the handshake — `POST /webhooks/{id}/verify` — must come after
 * we answered 2xx, from whoever is setting the subscription up (the ops
 * command). So the receiver records the challenge here, keyed by the
 * subscription whose secret signed the delivery, and the set-up waits for it.
 * A DynamoDB adapter on the main table:
 * `PK=TENANT#<t> SK=WEBHOOKCHALLENGE#<subscriptionId>`, expiring after a day.
 */
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { ttlSeconds } from "./ttl.js";

const CHALLENGE_TTL_MS = 24 * 3600_000;
const challengeSk = (subscriptionId: string) => `WEBHOOKCHALLENGE#${subscriptionId}`;

const ChallengeItemSchema = z.object({ challenge: z.string().min(1), receivedAt: z.number() });

export interface ChallengeStore {
  put(tenantId: string, subscriptionId: string, challenge: string): Promise<void>;
  get(tenantId: string, subscriptionId: string): Promise<string | undefined>;
  delete(tenantId: string, subscriptionId: string): Promise<void>;
}

export function createChallengeStore(deps: StoreDeps): ChallengeStore {
  const clock = deps.clock ?? Date.now;
  const key = (tenantId: string, subscriptionId: string) => ({
    PK: tenantPk(tenantId),
    SK: challengeSk(subscriptionId),
  });
  return {
    async put(tenantId, subscriptionId, challenge) {
      const now = clock();
      await deps.doc.send(
        new PutCommand({
          TableName: deps.tableName,
          Item: {
            ...key(tenantId, subscriptionId),
            type: "webhook-challenge",
            challenge,
            receivedAt: now,
            ttl: ttlSeconds(now + CHALLENGE_TTL_MS),
          },
        }),
      );
    },
    async get(tenantId, subscriptionId) {
      const res = await deps.doc.send(
        new GetCommand({
          TableName: deps.tableName,
          Key: key(tenantId, subscriptionId),
          ConsistentRead: true,
        }),
      );
      return res.Item ? ChallengeItemSchema.parse(res.Item).challenge : undefined;
    },
    async delete(tenantId, subscriptionId) {
      await deps.doc.send(
        new DeleteCommand({ TableName: deps.tableName, Key: key(tenantId, subscriptionId) }),
      );
    },
  };
}
