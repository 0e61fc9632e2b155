import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * A document client with the marshalling options every repository relies on:
 * undefined attributes are dropped (optional fields stay optional) and class
 * instances are refused (only plain data goes to the table).
 * The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set (DynamoDB Local).
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
