/**
 * Every item of one partition whose sort key starts with `prefix`, page after
 * page, strongly consistent: how the store reads an intent's chunks, a snapshot's
 * chunks and a tenant's open intents.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { StoreDeps } from "./ledger.js";

export interface PrefixQueryOptions {
  /** Only these attributes (a ProjectionExpression over plain attribute names). */
  projection?: string;
  /** Only items whose `type` attribute has this value (a server-side filter). */
  type?: string;
}

export async function* queryPrefix(
  deps: Pick<StoreDeps, "doc" | "tableName">,
  pk: string,
  prefix: string,
  opts: PrefixQueryOptions = {},
): AsyncGenerator<Record<string, unknown>> {
  let cursor: Record<string, unknown> | undefined;
  do {
    const res = await deps.doc.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues: {
          ":pk": pk,
          ":prefix": prefix,
          ...(opts.type ? { ":type": opts.type } : {}),
        },
        ...(opts.type
          ? { FilterExpression: "#type = :type", ExpressionAttributeNames: { "#type": "type" } }
          : {}),
        ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
        ConsistentRead: true,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    yield* res.Items ?? [];
    cursor = res.LastEvaluatedKey;
  } while (cursor);
}
