/**
 * The one place that defines the DynamoDB tables: the CDK stack, the test
 * harness and the local runtime all create tables from these definitions, so
 * key names can never drift between what is deployed and what is tested.
 */
export const TABLE_KEYS = {
  partitionKey: "PK",
  sortKey: "SK",
  /** GSI1: items by state, e.g. ledger items per tenant × state × sync type, ordered by time. */
  gsi1: { name: "GSI1", partitionKey: "GSI1PK", sortKey: "GSI1SK" },
  /** DynamoDB TTL attribute (epoch seconds). Items without it live forever. */
  ttlAttribute: "ttl",
} as const;

export interface TableDefinition {
  partitionKey: string;
  sortKey?: string;
  globalSecondaryIndexes: Array<{ name: string; partitionKey: string; sortKey: string }>;
  ttlAttribute: string;
}

export const MAIN_TABLE: TableDefinition = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  globalSecondaryIndexes: [TABLE_KEYS.gsi1],
  ttlAttribute: TABLE_KEYS.ttlAttribute,
};
