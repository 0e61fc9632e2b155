/**
 * The tenant repository (lib/store/tenants.ts) over DynamoDB Local: strict on
 * write (a typo is refused, nothing stored), versioned (the stored document
 * carries its schemaVersion), lenient on read (a stored document with a key
 * this version does not know still loads and keeps syncing).
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { TENANT_SCHEMA_VERSION, TenantDocumentError } from "../../lib/config/tenant-document.js";
import { createTenants } from "../../lib/store/tenants.js";
import { demoCompanies } from "../../local/demo-journal.js";
import { freshTable } from "../support/dynamo-client.js";

const input = (tenantId: string, over: Record<string, unknown> = {}) => ({
  tenantId,
  displayName: tenantId,
  version: 0,
  ramp: { remoteProviderName: "Journal" },
  erp: { kind: "journal" as const, path: "books.journal" },
  companies: demoCompanies(),
  ...over,
});

describe("tenant documents in the store", () => {
  it("refuses a typo on put and stores nothing; a good put stores its schemaVersion", async () => {
    const { doc, tableName } = await freshTable("tdoc");
    const tenants = createTenants({ doc, tableName });
    await expect(
      tenants.put({ ...input("typo"), objectTypes: { trasactions: false } } as never),
    ).rejects.toThrow(TenantDocumentError);
    expect(await tenants.get("typo")).toBeUndefined();

    const put = await tenants.put(input("good"));
    expect(put.ok).toBe(true);
    const stored = await findRecord(doc, tableName, "good");
    expect((stored.config as { schemaVersion?: number }).schemaVersion).toBe(TENANT_SCHEMA_VERSION);
  });

  it("loads a stored document carrying a key this version does not know, and logs the key once", async () => {
    const { doc, tableName } = await freshTable("tdoc");
    const warnings: Array<{ message: string; data: unknown }> = [];
    const tenants = createTenants({
      doc,
      tableName,
      logger: { warn: (message, data) => warnings.push({ message, data }) },
    });
    const put = await tenants.put(input("future"));
    expect(put.ok).toBe(true);
    const record = await findRecord(doc, tableName, "future");
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...record, config: { ...(record.config as object), futureFeature: { on: true } } },
      }),
    );
    const loaded = await tenants.get("future");
    expect(loaded?.tenantId).toBe("future");
    expect(loaded?.enabled).toBe(true);
    const page = await tenants.listEnabled();
    expect(page.tenants.map((t) => t.tenantId)).toContain("future");
    expect(page.invalid).toEqual([]);
    expect(warnings).toEqual([
      {
        message: "tenant document has keys this version does not know; they are ignored",
        data: {
          tenantId: "future",
          version: 1,
          unknownKeys: [expect.stringMatching(/^\(document\)|futureFeature/)],
        },
      },
    ]);
  });
});

/** The tenant's config row, whatever its sort key is called. */
async function findRecord(
  doc: Awaited<ReturnType<typeof freshTable>>["doc"],
  tableName: string,
  tenantId: string,
): Promise<Record<string, unknown>> {
  const res = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": `TENANT#${tenantId}` },
    }),
  );
  const row = (res.Items ?? []).find((i) => i.type === "tenant");
  if (!row) throw new Error(`no tenant row for ${tenantId}`);
  return row;
}
