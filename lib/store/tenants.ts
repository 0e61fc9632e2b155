/**
 * Tenant configuration documents (lib/config/tenant.ts), one per tenant at
 * `PK=TENANT#<t> SK=CONFIG`, with optimistic concurrency on `version`: a write
 * names the version it was based on and stores version + 1, so two operators
 * editing at once cannot silently overwrite each other. Enabled tenants are
 * also indexed on GSI1 (`TENANTS#ENABLED`, sorted by id) for the poll fan-out.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { TenantConfig, TenantConfigInput } from "../config/tenant.js";
import {
  checkedTenantDocument,
  readTenantDocument,
  TENANT_SCHEMA_VERSION,
} from "../config/tenant-document.js";
import { TenantIsolationError } from "../config/tenant-secrets.js";
import type { RampLogger } from "../domain/logger.js";
import { systemClock } from "../domain/time.js";
import { putIf, unchangedSince } from "./conditional-write.js";
import { ENABLED_TENANTS_GSI1PK, TENANT_CONFIG_SK, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { TABLE_KEYS } from "./table.js";

export type PutTenantResult =
  | { ok: true; config: TenantConfig }
  | { ok: false; reason: "version-conflict"; currentVersion: number | null };

export interface EnabledTenantsPage {
  tenants: TenantConfig[];
  /** Stored documents that no longer parse: reported, not silently skipped, and never fatal for the others. */
  invalid: Array<{ tenantId: string; error: string }>;
  /** When each listed document was stored (epoch ms), by tenant: a never-polled tenant's health clock. */
  storedAt?: Record<string, number>;
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export type Tenants = ReturnType<typeof createTenants>;

export function createTenants(deps: StoreDeps & { logger?: Pick<RampLogger, "warn"> }) {
  const clock = deps.clock ?? systemClock;
  // Once per document version and process: a warm Lambda reads the same tenant on every message.
  const warned = new Set<string>();
  const { doc, tableName } = deps;
  const keyOf = (tenantId: string) => ({ PK: tenantPk(tenantId), SK: TENANT_CONFIG_SK });

  // The document's own tenantId decides which secrets it may name (lib/config/tenant.ts): a
  // document stored under TENANT#X that says it is tenant B would hand B's secrets to X's work.
  const fromRecord = (record: Record<string, unknown>): TenantConfig => {
    // Lenient on read: keys this version does not know are ignored (readTenantDocument), never fatal.
    const read = readTenantDocument({ ...(record.config as object), version: record.version });
    const cfg = read.config;
    const seen = `${cfg.tenantId}@${cfg.version}`;
    if (read.warnings.length && deps.logger && !warned.has(seen)) {
      warned.add(seen);
      // Keys this version does not know are logged, and the tenant goes on syncing.
      deps.logger.warn("tenant document has keys this version does not know; they are ignored", {
        tenantId: cfg.tenantId,
        version: cfg.version,
        unknownKeys: read.warnings,
      });
    }
    if (record.PK !== tenantPk(cfg.tenantId)) {
      throw new TenantIsolationError(
        `tenant document at ${String(record.PK)} names tenant ${cfg.tenantId}: refused`,
      );
    }
    return cfg;
  };

  return {
    async get(tenantId: string): Promise<TenantConfig | undefined> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: keyOf(tenantId), ConsistentRead: true }),
      );
      return res.Item ? fromRecord(res.Item) : undefined;
    },

    /**
     * Validates and stores `input`, based on `input.version` (0 = a new tenant).
     * Stores and returns version + 1; a stale version is a typed conflict.
     */
    async put(input: TenantConfigInput): Promise<PutTenantResult> {
      // Strict on write: an unknown key (a typo) is refused with its path and the key it likely meant.
      const parsed = checkedTenantDocument(input);
      const expected = parsed.version;
      const config: TenantConfig = { ...parsed, version: expected + 1 };
      const { version: _v, ...document } = config;
      const put = await putIf(
        doc,
        {
          TableName: tableName,
          Item: {
            ...keyOf(config.tenantId),
            type: "tenant",
            tenantId: config.tenantId,
            version: config.version,
            enabled: config.enabled,
            config: { schemaVersion: TENANT_SCHEMA_VERSION, ...document },
            updatedAt: clock(),
            ...(config.enabled ? { GSI1PK: ENABLED_TENANTS_GSI1PK, GSI1SK: config.tenantId } : {}),
          },
          ...unchangedSince("version", expected === 0 ? undefined : expected),
        },
        // The refusal names the version that won, from the refused write itself: no second read.
        { current: true },
      );
      if (put.ok) return { ok: true, config };
      const currentVersion = put.current?.version;
      return {
        ok: false,
        reason: "version-conflict",
        currentVersion: typeof currentVersion === "number" ? currentVersion : null,
      };
    },

    async listEnabled(opts: { limit?: number; cursor?: string } = {}): Promise<EnabledTenantsPage> {
      const { gsi1 } = TABLE_KEYS;
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: gsi1.name,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": gsi1.partitionKey },
          ExpressionAttributeValues: { ":pk": ENABLED_TENANTS_GSI1PK },
          Limit: opts.limit ?? 100,
          ...(opts.cursor ? { ExclusiveStartKey: decodeCursor(opts.cursor) } : {}),
        }),
      );
      const page: EnabledTenantsPage = { tenants: [], invalid: [] };
      for (const row of res.Items ?? []) {
        try {
          const cfg = fromRecord(row);
          page.tenants.push(cfg);
          if (typeof row.updatedAt === "number")
            page.storedAt = { ...page.storedAt, [cfg.tenantId]: row.updatedAt };
        } catch (err) {
          page.invalid.push({
            tenantId: String(row.tenantId),
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }
      if (res.LastEvaluatedKey) page.cursor = encodeCursor(res.LastEvaluatedKey);
      return page;
    },
  };
}

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString("base64url");

function decodeCursor(cursor: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!value || typeof value !== "object") throw new Error("invalid tenant list cursor");
  return value as Record<string, unknown>;
}
