import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { createTable } from "../../lib/store/create-tables.js";
import { createDocumentClient } from "../../lib/store/dynamo.js";
import { MAIN_TABLE } from "../../lib/store/table.js";

/** Local credentials: DynamoDB Local accepts any alphanumeric key id. */
export const LOCAL_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
} as const;

/**
 * A fresh main table (unique name) on the run's DynamoDB Local, so test files never see each other's data.
 * `endpoint`: a DynamoDB Local the test file started itself (projects without the globalSetup, e.g. erp).
 */
export async function freshTable(prefix = "t", endpoint: string = inject("dynamoEndpoint")) {
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createTable(raw, tableName, MAIN_TABLE);
  const doc = createDocumentClient({ ...LOCAL_AWS, endpoint });
  return { endpoint, raw, doc, tableName };
}
