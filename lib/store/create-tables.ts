import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "./table.js";

/** Creates a table from its definition (tests and the local runtime; CDK creates them in AWS). */
export async function createTable(client: DynamoDBClient, name: string, def: TableDefinition): Promise<void> {
  const attrs = new Set<string>([def.partitionKey]);
  if (def.sortKey) attrs.add(def.sortKey);
  for (const gsi of def.globalSecondaryIndexes) {
    attrs.add(gsi.partitionKey);
    attrs.add(gsi.sortKey);
  }
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: "HASH" },
      ...(def.sortKey ? [{ AttributeName: def.sortKey, KeyType: "RANGE" as const }] : []),
    ],
    ...(def.globalSecondaryIndexes.length
      ? {
          GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
            IndexName: g.name,
            KeySchema: [
              { AttributeName: g.partitionKey, KeyType: "HASH" as const },
              { AttributeName: g.sortKey, KeyType: "RANGE" as const },
            ],
            Projection: g.include
              ? { ProjectionType: "INCLUDE" as const, NonKeyAttributes: [...g.include] }
              : { ProjectionType: "ALL" as const },
          })),
        }
      : {}),
  };
  try {
    await client.send(new CreateTableCommand(input));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    return;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
    }),
  );
}
