import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { MAIN_TABLE, type TableDefinition } from "../../lib/store/table.js";

/** Builds a table from the one shared definition (lib/store/table.ts) the tests and local runtime also use. */
function tableFrom(scope: Construct, id: string, def: TableDefinition, key: kms.IKey): dynamodb.Table {
  const s = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
  const table = new dynamodb.Table(scope, id, {
    partitionKey: s(def.partitionKey),
    ...(def.sortKey ? { sortKey: s(def.sortKey) } : {}),
    timeToLiveAttribute: def.ttlAttribute,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    // Access tokens live in the main table: encrypted at rest with our own key.
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const g of def.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: g.name,
      partitionKey: s(g.partitionKey),
      sortKey: s(g.sortKey),
      ...(g.include
        ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...g.include] }
        : {}),
    });
  }
  return table;
}

/**
 * The one table (tenants, tokens, cursors, ledger, intents, locks). Exactly-once rests on the ledger and
 * webhook dedupe on event records, so there is no Powertools idempotency table: a stack deployed before
 * it was dropped keeps it (RETAIN), unused, until an operator deletes it.
 */
export class DataTables extends Construct {
  readonly main: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { key: kms.IKey }) {
    super(scope, id);
    this.main = tableFrom(this, "Main", MAIN_TABLE, props.key);
  }
}
