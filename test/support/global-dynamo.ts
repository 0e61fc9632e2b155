import type { TestProject } from "vitest/node";
import { startDynamoLocal } from "../../local/runtime/dynamo-local.js";

/** vitest globalSetup: one DynamoDB Local per run; tests read its URL with inject("dynamoEndpoint"). */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
