/**
 * The IAM statements the functions are built from, each naming exact actions on
 * exact resources. CDK's convenience grants (`grantReadWriteData`,
 * `grantSendMessages`) are not used: they grant more than the code calls
 * (Scan, BatchWriteItem, `kms:ReEncrypt*`, `kms:GenerateDataKey*`…), and an
 * allow-list test (test/unit/iam-least-privilege.test.ts) pins what is here.
 */
import { ArnFormat, Stack } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { SECRET_PREFIX, type TenantSecretKind } from "../../lib/config/tenant-secrets.js";
import { TABLE_KEYS } from "../../lib/store/table.js";

/** The item-level DynamoDB actions the code uses (lib/store/*). TransactWriteItems is authorised per inner Put. */
export type TableAction = "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "BatchGetItem" | "Query";

/**
 * Every item of the main table has `PK=TENANT#<t>` (lib/store/keys.ts). The
 * functions serve every tenant, so IAM cannot pin one tenant; what
 * `dynamodb:LeadingKeys` can do is keep them inside the tenant key family —
 * an item written under any other partition key (a future global row) needs a
 * deliberate policy change. `ForAllValues` also covers BatchGetItem's keys.
 * Scan carries no leading key and would pass this condition: it is never granted.
 */
const TENANT_KEY_CONDITION = {
  "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["TENANT#*"] },
};

/**
 * `actions` on the table itself (none: no statement); Query also on GSI1 / GSI2 by their exact
 * names, when `index` / `openWorkIndex` is set (never `/index/*`).
 */
export function tableStatements(
  table: dynamodb.ITable,
  actions: readonly TableAction[],
  opts: { index?: boolean; openWorkIndex?: boolean | undefined } = {},
): iam.PolicyStatement[] {
  const out = actions.length
    ? [
        new iam.PolicyStatement({
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
          conditions: TENANT_KEY_CONDITION,
        }),
      ]
    : [];
  // GSI1's partition keys are TENANTS#ENABLED and per-tenant ledger buckets, not the table's PK:
  // the tenant-family condition does not apply to it. Query is the only action on an index.
  if (opts.index) {
    out.push(
      new iam.PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [`${table.tableArn}/index/${TABLE_KEYS.gsi1.name}`],
      }),
    );
  }
  // GSI2's partition keys are OPEN#<tenant>: one tenant's open rows and poll run, read-only.
  if (opts.openWorkIndex) {
    out.push(
      new iam.PolicyStatement({
        actions: ["dynamodb:Query"],
        resources: [`${table.tableArn}/index/${TABLE_KEYS.gsi2.name}`],
      }),
    );
  }
  return out;
}

/** Secrets Manager appends `-` and six random characters to a secret's name in its ARN. */
export function tenantSecretArnPattern(scope: Construct, kind: TenantSecretKind): string {
  return Stack.of(scope).formatArn({
    service: "secretsmanager",
    resource: "secret",
    resourceName: `${SECRET_PREFIX}/*/${kind}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * GetSecretValue on one kind of tenant secret (`<prefix>/<tenant>/<kind>`), read-only. The `*`
 * stands for the tenant: IAM cannot tell tenants apart inside a shared function (see
 * ARCHITECTURE.md, "Tenant isolation and least privilege"); the code checks the tenant instead.
 */
export function secretStatement(scope: Construct, kinds: readonly TenantSecretKind[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["secretsmanager:GetSecretValue"],
    resources: kinds.map((k) => tenantSecretArnPattern(scope, k)),
  });
}

/**
 * Our one data key encrypts the table and the queues. Table reads and writes need Decrypt
 * (+ DescribeKey); sending to a KMS-encrypted queue needs GenerateDataKey (+ Decrypt);
 * Encrypt covers DynamoDB writes. No ReEncrypt, no `GenerateDataKey*` variants: nothing calls them.
 */
export function dataKeyStatement(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
    resources: [key.keyArn],
  });
}

/** SendMessageBatch is authorised as sqs:SendMessage; queue URLs come from the environment (no GetQueueUrl). */
export function sendStatement(queues: readonly sqs.IQueue[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["sqs:SendMessage"],
    resources: queues.map((q) => q.queueArn),
  });
}

/** How cdk-nag spells a resource in its finding ids: tokens as `<AWS::Region>`, `<Logical.Arn>`. */
export function nagArn(scope: Construct, arn: string): string {
  const flat = (v: unknown): string => {
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.map(flat).join("");
    const o = v as Record<string, unknown>;
    if ("Ref" in o) return `<${String(o.Ref)}>`;
    if ("Fn::GetAtt" in o) return `<${(o["Fn::GetAtt"] as string[]).join(".")}>`;
    if ("Fn::Join" in o) {
      const [sep, parts] = o["Fn::Join"] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    throw new Error(`nagArn: cannot flatten ${JSON.stringify(v)}`);
  };
  return flat(Stack.of(scope).resolve(arn));
}
