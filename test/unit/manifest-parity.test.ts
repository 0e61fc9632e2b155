/**
 * One deployment manifest (infra/functions.ts), two stacks: the CDK template and
 * the local stack's plan (local/runtime/plan.ts) must describe the same
 * functions, queues, event source mappings, schedules and routes, the local one
 * with every duration multiplied by its one time scale and nothing else changed.
 * Read from the synthesized template (what CloudFormation would deploy), not
 * from the manifest, so a stack that ignored a manifest field would show here.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CfnResource } from "aws-cdk-lib";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  type FunctionName,
  MANIFEST,
  type Manifest,
  type QueueName,
  withFunction,
} from "../../infra/functions.js";
import { RampErpSyncStack } from "../../infra/stack.js";
import { DEFAULT_TIME_SCALE, type LocalPlan, planLocalDeployment } from "../../local/runtime/plan.js";

interface Description {
  functions: Record<string, { timeoutS: number; memoryMb: number; env: Record<string, string> }>;
  queues: Record<string, { visibilityTimeoutS: number; maxReceiveCount: number; dlq: boolean }>;
  mappings: string[];
  schedules: string[];
  routes: string[];
}

type Res = { Type: string; Properties: Record<string, unknown> };
const newApp = () =>
  new App({ outdir: mkdtempSync(join(tmpdir(), "cdk-")), context: { "aws:cdk:bundling-stacks": [] } });

/** What the template deploys, in manifest names, durations × scale. */
function describeTemplate(manifest: Manifest, scale: number): Description {
  const stack = new RampErpSyncStack(newApp(), "RampErpSync", { manifest });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Res>;
  const id = (c: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(c.node.defaultChild as CfnResource);
  const fnName = new Map<string, FunctionName>();
  for (const [name, fn] of Object.entries(stack.functions)) fnName.set(id(fn), name as FunctionName);
  const queueName = new Map<string, string>();
  const queues = {
    work: stack.work,
    priority: stack.priority,
    pollJobs: stack.pollJobs,
    buttonJobs: stack.buttonJobs,
    coaRequests: stack.coaRequests,
    receipts: stack.receipts,
  };
  for (const [name, q] of Object.entries(queues))
    queueName.set(stack.getLogicalId(q.queue.node.defaultChild as CfnResource), name);
  const tables = new Map([
    [stack.getLogicalId(stack.tables.main.node.defaultChild as CfnResource), "table:main"],
  ]);
  const ref = (v: unknown): string => {
    const r = (v as { Ref?: string }).Ref;
    const getAtt = (v as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"]?.[0];
    const logical = r ?? getAtt ?? "";
    return (
      tables.get(logical) ??
      (queueName.has(logical) ? `queue:${queueName.get(logical)}` : undefined) ??
      (fnName.has(logical) ? `fn:${fnName.get(logical)}` : `unknown:${JSON.stringify(v)}`)
    );
  };
  const seconds = (s: number) => Math.round(s * 1000 * scale) / 1000;
  const out: Description = { functions: {}, queues: {}, mappings: [], schedules: [], routes: [] };
  for (const [logical, r] of Object.entries(resources)) {
    const p = r.Properties;
    if (r.Type === "AWS::Lambda::Function" && fnName.has(logical)) {
      const vars = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      const env: Record<string, string> = {};
      const declared = manifest.functions[fnName.get(logical) as FunctionName].env;
      for (const [k, v] of Object.entries(vars)) {
        if (typeof v !== "string") env[k] = ref(v);
        // A setting the manifest declares (other literal variables are the construct's own, e.g. NODE_OPTIONS).
        else if (declared[k] && "value" in declared[k]) env[k] = `value:${v}`;
      }
      out.functions[fnName.get(logical) as string] = {
        timeoutS: seconds(p.Timeout as number),
        memoryMb: p.MemorySize as number,
        env,
      };
    } else if (r.Type === "AWS::SQS::Queue" && queueName.has(logical)) {
      const redrive = p.RedrivePolicy as { maxReceiveCount: number; deadLetterTargetArn: unknown };
      out.queues[queueName.get(logical) as string] = {
        visibilityTimeoutS: Math.ceil((p.VisibilityTimeout as number) * scale),
        maxReceiveCount: redrive.maxReceiveCount,
        dlq: redrive.deadLetterTargetArn !== undefined,
      };
    } else if (r.Type === "AWS::Lambda::EventSourceMapping") {
      expect(p.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
      const window = p.MaximumBatchingWindowInSeconds as number | undefined;
      const max = (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency;
      out.mappings.push(
        `${ref(p.FunctionName)} <- ${ref(p.EventSourceArn)} batch ${p.BatchSize}${window === undefined ? "" : ` window ${seconds(window)}s`}${max === undefined ? "" : ` max ${max}`}`,
      );
    } else if (r.Type === "AWS::Events::Rule") {
      const targets = p.Targets as Array<{ Arn: unknown }>;
      const expr = String(p.ScheduleExpression);
      const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
      const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };
      const when = rate ? `every ${seconds(Number(rate[1]) * unit[rate[2] as keyof typeof unit])}s` : expr;
      for (const t of targets) out.schedules.push(`${ref(t.Arn)} ${when}`);
    } else if (r.Type === "AWS::ApiGatewayV2::Route") {
      const joined = (p.Target as { "Fn::Join": [string, Array<{ Ref?: string }>] })["Fn::Join"][1];
      const target = String(joined[1]?.Ref);
      const integration = resources[target]?.Properties as { IntegrationUri: unknown };
      out.routes.push(`${ref(integration.IntegrationUri)} ${p.RouteKey}`);
    }
  }
  out.mappings.sort();
  out.schedules.sort();
  out.routes.sort();
  return out;
}

/** What the local stack runs (it applies this plan: test/integration/local-stack.test.ts). */
function describePlan(plan: LocalPlan): Description {
  const out: Description = { functions: {}, queues: {}, mappings: [], schedules: [], routes: [] };
  const s = (ms: number) => ms / 1000;
  for (const f of Object.values(plan.functions)) {
    const env: Record<string, string> = {};
    for (const [k, b] of Object.entries(f.env))
      env[k] =
        "table" in b
          ? `table:${b.table}`
          : "value" in b
            ? `value:${b.value}`
            : `queue:${b.queueUrl satisfies QueueName}`;
    out.functions[f.name] = { timeoutS: s(f.timeoutMs), memoryMb: f.memoryMb, env };
    for (const t of f.triggers) {
      if (t.kind === "queue")
        out.mappings.push(
          `fn:${f.name} <- queue:${t.queue} batch ${t.batchSize}${t.maxBatchingWindowMs === undefined ? "" : ` window ${s(t.maxBatchingWindowMs)}s`}${t.maximumConcurrency === undefined ? "" : ` max ${t.maximumConcurrency}`}`,
        );
      else if (t.kind === "schedule")
        out.schedules.push(
          `fn:${f.name} ${t.cron ? `cron(${t.cron.minute} ${t.cron.hour} * * ? *)` : `every ${s(t.rateMs ?? 0)}s`}`,
        );
      else out.routes.push(`fn:${f.name} ${t.routeKey}`);
    }
  }
  for (const q of Object.values(plan.queues))
    out.queues[q.name] = {
      visibilityTimeoutS: q.visibilityTimeoutS,
      maxReceiveCount: q.maxReceiveCount,
      dlq: true,
    };
  out.mappings.sort();
  out.schedules.sort();
  out.routes.sort();
  return out;
}

// Each synth takes seconds (more on a busy machine): a generous timeout, the figures are not the point.
describe("one deployment manifest for the CDK stack and the local stack", { timeout: 120_000 }, () => {
  it("the local plan is the synthesized template with every duration × the time scale", () => {
    const template = describeTemplate(MANIFEST, DEFAULT_TIME_SCALE);
    const local = describePlan(planLocalDeployment(MANIFEST, DEFAULT_TIME_SCALE));
    expect(local).toEqual(template);
    // Everything the manifest declares is deployed: 7 functions, 4 queues, 4 mappings, 4 rules, 2 routes.
    expect(Object.keys(template.functions)).toHaveLength(9);
    expect(Object.keys(template.queues)).toHaveLength(6);
    expect(template.mappings).toHaveLength(6);
    expect(template.schedules).toHaveLength(4);
    expect([...template.routes].sort()).toEqual([
      "fn:webhook POST /webhooks",
      "fn:webhook POST /webhooks/{tenantId}",
    ]);
    // The figures the e2e suites used to restate by hand (and got wrong) now come from here.
    expect(template.functions.syncer?.timeoutS).toBe(300 * DEFAULT_TIME_SCALE);
    expect(template.queues.pollJobs?.visibilityTimeoutS).toBe(3600 * DEFAULT_TIME_SCALE);
    // coa-push's bounded fan-in and its stagger window, deployed as declared.
    expect(template.mappings).toContain("fn:coaPush <- queue:coaRequests batch 1 max 5");
    expect(template.functions.coaPush?.env.COA_PUSH_WINDOW_SECONDS).toBe("value:3600");
  });

  it("unscaled, the local plan is the template itself", () => {
    expect(describePlan(planLocalDeployment(MANIFEST, 1))).toEqual(describeTemplate(MANIFEST, 1));
  });

  it("one timeout changed in the manifest changes both the template and the local stack", () => {
    const changed = withFunction(MANIFEST, "syncer", { timeoutS: 240 });
    const template = describeTemplate(changed, 1);
    const local = describePlan(planLocalDeployment(changed, 1));
    expect(template.functions.syncer?.timeoutS).toBe(240);
    expect(local.functions.syncer?.timeoutS).toBe(240);
    expect(local).toEqual(template);
    // …and a local stack left on the old manifest would no longer match.
    expect(describePlan(planLocalDeployment(MANIFEST, 1))).not.toEqual(template);
  });

  it("the manifest's Ramp rate-limit scope reaches every function in both stacks", () => {
    const pooled: Manifest = { ...MANIFEST, ramp: { rateLimit: { scope: "egress-pool", pool: "nat-a" } } };
    const stack = new RampErpSyncStack(newApp(), "RampErpSync", { manifest: pooled });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Res>;
    const deployed = Object.values(resources)
      .filter((r) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment)
      .map(
        (r) => (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables.RAMP_RATE_LIMIT,
      );
    const local = planLocalDeployment(pooled, 1).rampRateLimit;
    expect(JSON.parse(local)).toEqual({ scope: "egress-pool", pool: "nat-a" });
    expect(deployed.length).toBeGreaterThanOrEqual(Object.keys(MANIFEST.functions).length);
    for (const v of deployed) expect(v).toBe(local);
  });

  it("a time scale outside (0, 1] is refused", () => {
    expect(() => planLocalDeployment(MANIFEST, 0)).toThrow(/time scale/);
    expect(() => planLocalDeployment(MANIFEST, 2)).toThrow(/time scale/);
  });

  it("a timeout floor keeps function timeouts at least that long, never above the deployed ones, and scales nothing else", () => {
    const scaled = planLocalDeployment(MANIFEST, 0.2);
    const floored = planLocalDeployment(MANIFEST, 0.2, 180_000);
    for (const [name, f] of Object.entries(MANIFEST.functions)) {
      const got = floored.functions[name as keyof typeof floored.functions].timeoutMs;
      expect(got, name).toBe(Math.max(Math.round(f.timeoutS * 200), Math.min(f.timeoutS * 1000, 180_000)));
    }
    expect(floored.functions.syncer.timeoutMs).toBe(180_000);
    expect(floored.functions.webhook.timeoutMs).toBe(MANIFEST.functions.webhook.timeoutS * 1000);
    expect(floored.queues).toEqual(scaled.queues);
  });
});
