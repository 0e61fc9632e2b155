/**
 * Every permission of every function, as an exact allow-list: each policy
 * statement attached to a function's role is flattened to one line per action
 * and resource (logical ids named back to what they are), and the lines must
 * equal the list below. Any added action, resource, wildcard or dropped
 * condition fails here, and a wildcard fails cdk-nag too (no stack-wide
 * acknowledgement hides it). The list is written out on purpose, not derived
 * from infra/access.ts: growing a grant takes an edit here, in review.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, ArnFormat, type CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.js";
import type { RampErpSyncStack } from "../../infra/stack.js";

type FnName = keyof RampErpSyncStack["functions"];

const newApp = () =>
  new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")), context: { "aws:cdk:bundling-stacks": [] } });

const TENANT_KEYS = ' if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["TENANT#*"]}}';
const table = (...actions: string[]) => actions.map((a) => `Allow dynamodb:${a} on Table.Arn${TENANT_KEYS}`);
const GSI1 = ["Allow dynamodb:Query on Table.Arn/index/GSI1"];
const GSI2 = ["Allow dynamodb:Query on Table.Arn/index/GSI2"];
const OWN_LOGS = ["logs:CreateLogStream", "logs:PutLogEvents"].map((a) => `Allow ${a} on OwnLogs.Arn`);
const XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"].map((a) => `Allow ${a} on *`);
const DATA_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"].map(
  (a) => `Allow ${a} on DataKey.Arn`,
);
const secret = (kind: string) =>
  `Allow secretsmanager:GetSecretValue on arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:ramp-erp-sync/*/${kind}-??????`;
const send = (...queues: string[]) => queues.map((q) => `Allow sqs:SendMessage on ${q}.Arn`);
/** What an SQS event source grants the consumer (CDK's grantConsumeMessages, exact actions). */
const consume = (queue: string) => [
  ...["ReceiveMessage", "ChangeMessageVisibility", "GetQueueUrl", "DeleteMessage", "GetQueueAttributes"].map(
    (a) => `Allow sqs:${a} on ${queue}.Arn`,
  ),
  "Allow kms:Decrypt on DataKey.Arn",
];
const BASE = [...OWN_LOGS, ...XRAY, ...DATA_KEY];

const ALLOWED: Record<FnName, string[]> = {
  // Internet-facing: three item actions, poll jobs, webhook signing secrets. No Query, Scan, batch, Ramp or ERP secret.
  webhook: [
    ...BASE,
    ...table("GetItem", "PutItem", "DeleteItem"),
    ...send("PollJobsQueue", "ButtonJobsQueue", "ReceiptsQueue"),
    secret("webhook"),
  ],
  pollSchedule: [...BASE, ...table("GetItem", "PutItem"), ...GSI1, ...send("PollJobsQueue")],
  pollJob: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "BatchGetItem"),
    ...send("WorkQueue", "PriorityQueue", "PollJobsQueue", "ButtonJobsQueue", "ReceiptsQueue"),
    ...consume("PollJobsQueue"),
    secret("ramp"),
  ],
  // A click's walk and deadline: the reporter's table actions (no Scan, no batch write), Ramp only.
  buttonJob: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"),
    ...GSI1,
    ...send("PriorityQueue", "ButtonJobsQueue"),
    ...consume("ButtonJobsQueue"),
    secret("ramp"),
  ],
  syncer: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"),
    ...GSI1,
    ...send("ReceiptsQueue"),
    ...consume("WorkQueue"),
    ...consume("PriorityQueue"),
    secret("ramp"),
    secret("erp"),
  ],
  sweep: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "Query"),
    ...GSI1,
    secret("ramp"),
    secret("erp"),
  ],
  // The health tick reads: enabled tenants (GSI1), each one's open work (GSI2). No item action at all.
  health: [...BASE, ...GSI1, ...GSI2],
  coaPush: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"),
    ...GSI1,
    // The daily fan-out and a too-early message's re-enqueue: its own queue, nothing else.
    ...send("CoaRequestsQueue"),
    ...consume("CoaRequestsQueue"),
    secret("ramp"),
    secret("erp"),
  ],
  // Receipt rows and their GSI1 list, ledger rows by BatchGet; Ramp (receipts) and the ERP (attach). Sends nothing.
  receipts: [
    ...BASE,
    ...table("GetItem", "PutItem", "UpdateItem", "BatchGetItem", "Query"),
    ...GSI1,
    ...consume("ReceiptsQueue"),
    secret("ramp"),
    secret("erp"),
  ],
};

const logicalId = (stack: RampErpSyncStack, c: IConstruct) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);

/** Logical ids → the names used in ALLOWED, so the list reads as intent rather than hashes. */
function namesOf(stack: RampErpSyncStack, fn: FnName): Map<string, string> {
  const own = stack.functions[fn].node.scope;
  if (!own) throw new Error(`${fn} has no scope`);
  return new Map([
    [logicalId(stack, stack.tables.main), "Table"],
    [logicalId(stack, stack.node.findChild("DataKey")), "DataKey"],
    [logicalId(stack, stack.work.queue), "WorkQueue"],
    [logicalId(stack, stack.priority.queue), "PriorityQueue"],
    [logicalId(stack, stack.pollJobs.queue), "PollJobsQueue"],
    [logicalId(stack, stack.buttonJobs.queue), "ButtonJobsQueue"],
    [logicalId(stack, stack.coaRequests.queue), "CoaRequestsQueue"],
    [logicalId(stack, stack.receipts.queue), "ReceiptsQueue"],
    [logicalId(stack, own.node.findChild("Logs")), "OwnLogs"],
  ]);
}

function flatten(v: unknown, names: Map<string, string>): string {
  if (typeof v === "string") return v;
  const o = v as Record<string, unknown>;
  if ("Ref" in o) {
    const ref = String(o.Ref);
    return ref.startsWith("AWS::") ? `\${${ref}}` : (names.get(ref) ?? ref);
  }
  if ("Fn::GetAtt" in o) {
    const [id, attr] = o["Fn::GetAtt"] as [string, string];
    return `${names.get(id) ?? id}.${attr}`;
  }
  if ("Fn::Join" in o) {
    const [sep, parts] = o["Fn::Join"] as [string, unknown[]];
    return parts.map((p) => flatten(p, names)).join(sep);
  }
  return JSON.stringify(v);
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const templates = new WeakMap<RampErpSyncStack, Resources>();
/** Synthesizing is the slow part: once per stack (plants happen before the first look). */
function resourcesOf(stack: RampErpSyncStack): Resources {
  let r = templates.get(stack);
  if (!r) {
    r = Template.fromStack(stack).toJSON().Resources as Resources;
    templates.set(stack, r);
  }
  return r;
}

/** Every (effect, action, resource, condition) the function's role is granted, one sorted line each. */
function grantsOf(stack: RampErpSyncStack, fn: FnName): string[] {
  const role = stack.functions[fn].role;
  if (!role) throw new Error(`${fn} has no role`);
  const roleId = logicalId(stack, role);
  const names = namesOf(stack, fn);
  const resources = resourcesOf(stack);
  const roleProps = resources[roleId]?.Properties ?? {};
  const documents: unknown[] = [
    // Inline and managed policies on the role itself count too (there should be none).
    ...asArray(roleProps.Policies as Array<{ PolicyDocument: unknown }>).map((p) => p.PolicyDocument),
    ...asArray(roleProps.ManagedPolicyArns).map((arn) => ({ Statement: [{ Managed: arn }] })),
  ];
  for (const r of Object.values(resources)) {
    if (r.Type !== "AWS::IAM::Policy" && r.Type !== "AWS::IAM::ManagedPolicy") continue;
    const roles = asArray(r.Properties.Roles) as Array<{ Ref?: string }>;
    if (roles.some((x) => x.Ref === roleId)) documents.push(r.Properties.PolicyDocument);
  }
  const lines = new Set<string>();
  for (const doc of documents) {
    for (const s of asArray((doc as { Statement?: Record<string, unknown>[] }).Statement)) {
      if (s.Managed) {
        lines.add(`managed policy ${flatten(s.Managed, names)}`);
        continue;
      }
      const cond = s.Condition ? ` if ${JSON.stringify(s.Condition)}` : "";
      for (const action of asArray(s.Action as string | string[]))
        for (const res of asArray(s.Resource))
          lines.add(`${String(s.Effect)} ${action} on ${flatten(res, names)}${cond}`);
      if (s.NotAction || s.NotResource || s.Principal) lines.add(`unexpected statement ${JSON.stringify(s)}`);
    }
  }
  return [...lines].sort();
}

const FUNCTIONS = Object.keys(ALLOWED) as FnName[];

const iam5 = (stack: RampErpSyncStack) =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.filter((v) => v.ruleName.startsWith("AwsSolutions-IAM5"));

describe("IAM least privilege (exact allow-list per function)", { timeout: 60_000 }, () => {
  const { stack } = buildApp(newApp());

  it.each(FUNCTIONS)("%s is granted exactly its allow-list", (fn) => {
    expect(grantsOf(stack, fn)).toEqual([...new Set(ALLOWED[fn])].sort());
  });

  it("the webhook can read no Ramp credentials or ERP password, and cannot Scan or batch-write", () => {
    const grants = grantsOf(stack, "webhook").join("\n");
    expect(grants).not.toMatch(/\/ramp-|\/erp-|dynamodb:Scan|BatchWrite|dynamodb:Query/);
  });

  it("leaves no IAM wildcard unacknowledged, and acknowledges none stack-wide", () => {
    expect(iam5(stack)).toEqual([]);
    const stackWide = stack.node.metadata.filter((m) => m.type === "aws:cdk:acknowledged-rules");
    expect(stackWide).toEqual([]);
  });
});

describe("a planted grant is caught", { timeout: 60_000 }, () => {
  it("an extra action on any function fails its allow-list", () => {
    // One stack, one plant per function (a stack build is the slow part).
    const { stack } = buildApp(newApp());
    for (const fn of FUNCTIONS) {
      stack.functions[fn].addToRolePolicy(
        new iam.PolicyStatement({ actions: ["dynamodb:Scan"], resources: [stack.tables.main.tableArn] }),
      );
    }
    for (const fn of FUNCTIONS) {
      const extra = grantsOf(stack, fn).filter((g) => !ALLOWED[fn].includes(g));
      expect({ fn, extra }).toEqual({ fn, extra: ["Allow dynamodb:Scan on Table.Arn"] });
    }
  });

  it("GetSecretValue on * fails cdk-nag on every function (no acknowledgement covers it)", () => {
    const { stack } = buildApp(newApp());
    for (const fn of FUNCTIONS) {
      stack.functions[fn].addToRolePolicy(
        new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: ["*"] }),
      );
    }
    const star = iam5(stack).find((v) => v.ruleName === "AwsSolutions-IAM5[Resource::*]");
    const paths = (star?.violatingResources ?? []).map((r) => r.constructPath).sort();
    expect(paths).toEqual(
      [
        "ButtonJob",
        "CoaPush",
        "Health",
        "PollJob",
        "PollSchedule",
        "Receipts",
        "Sweep",
        "Syncer",
        "Webhook",
      ].map((id) => `RampErpSync/${id}/Role/DefaultPolicy/Resource`),
    );
  });

  it("another kind's secret pattern on the webhook fails cdk-nag (acknowledgements are per function and kind)", () => {
    const { stack } = buildApp(newApp());
    const erpPasswords = stack.formatArn({
      service: "secretsmanager",
      resource: "secret",
      resourceName: "ramp-erp-sync/*/erp-??????",
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    stack.functions.webhook.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [erpPasswords] }),
    );
    const found = iam5(stack).flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::.*:secret:ramp-erp-sync\/\*\/erp-\?{6}\] @ RampErpSync\/Webhook\/Role\/DefaultPolicy\/Resource$/,
      ),
    ]);
  });

  it("a planted wildcard fails synthesis too (cdk-nag runs at synth)", () => {
    const { app, stack } = buildApp(newApp());
    stack.functions.webhook.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: ["*"] }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});
