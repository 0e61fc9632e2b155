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
  /**
   * GSI2 (sparse): per tenant, every ledger row we still owe work on plus the
   * tenant's last poll run, so the health tick reads a tenant's whole backlog
   * picture with one Query (lib/store/open-work.ts). Only what the tick needs is
   * projected, to keep that Query and the index writes small.
   */
  gsi2: { name: "GSI2", partitionKey: "GSI2PK", sortKey: "GSI2SK" },
  /** DynamoDB TTL attribute (epoch seconds). Items without it live forever. */
  ttlAttribute: "ttl",
} as const;

export interface TableDefinition {
  partitionKey: string;
  sortKey?: string;
  globalSecondaryIndexes: Array<{
    name: string;
    partitionKey: string;
    sortKey: string;
    /** Non-key attributes projected (INCLUDE); absent: ALL. */
    include?: readonly string[];
  }>;
  ttlAttribute: string;
}

export const MAIN_TABLE: TableDefinition = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  globalSecondaryIndexes: [
    TABLE_KEYS.gsi1,
    { ...TABLE_KEYS.gsi2, include: ["kind", "openSince", "last", "lastDone"] },
  ],
  ttlAttribute: TABLE_KEYS.ttlAttribute,
};
