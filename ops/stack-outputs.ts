/**
 * A deployment's `OpsTarget` from its CloudFormation outputs: what
 * `cdk deploy --outputs-file cdk-outputs.json` writes (`{ "<StackName>":
 * { "<OutputKey>": "<value>", … }, … }`), read with the output names the stack
 * writes (infra/outputs.ts), never spelled here. Pure: no file system, no AWS;
 * `targets import` (ops/target-commands.ts) reads the file and writes the result
 * into ops.config.json.
 */
import { z } from "zod";
import { QUEUE_NAMES, type QueueName } from "../infra/functions.js";
import { dlqUrlOutput, OUTPUT_NAMES, queueUrlOutput, stackNameOf } from "../infra/outputs.js";
import { type OpsTarget, OpsTargetError, parseTarget } from "./target.js";

/** One stack's outputs by key. */
export type StackOutputs = Record<string, string>;

/** The whole `--outputs-file` document: stacks by name, each its outputs. */
export const OutputsFileSchema = z.record(z.string(), z.record(z.string(), z.string()));

const DEPLOY_HINT =
  "use the file `npx cdk deploy -c stage=<name> --outputs-file cdk-outputs.json` wrote for this stack (ops/README.md)";

/** The target one stack's outputs describe; `name` is the stage it is known by (ops.config.json). */
export function targetFromStackOutputs(outputs: StackOutputs, name: string): OpsTarget {
  for (const key of [OUTPUT_NAMES.tableName, OUTPUT_NAMES.region])
    if (!outputs[key]?.trim())
      throw new OpsTargetError(`the stack outputs have no ${key}: not a ramp-erp-sync stack, or an old one`, {
        hint: DEPLOY_HINT,
      });
  const queues: Partial<Record<QueueName, { url: string; dlqUrl?: string }>> = {};
  for (const q of QUEUE_NAMES) {
    const url = outputs[queueUrlOutput(q)];
    const dlqUrl = outputs[dlqUrlOutput(q)];
    if (url) queues[q] = { url, ...(dlqUrl ? { dlqUrl } : {}) };
    else if (dlqUrl)
      throw new OpsTargetError(`the stack outputs have ${dlqUrlOutput(q)} but no ${queueUrlOutput(q)}`, {
        hint: DEPLOY_HINT,
      });
  }
  const links = {
    ...(outputs[OUTPUT_NAMES.dashboardUrl] ? { dashboardUrl: outputs[OUTPUT_NAMES.dashboardUrl] } : {}),
    ...(outputs[OUTPUT_NAMES.alarmTopicArn] ? { alarmTopicArn: outputs[OUTPUT_NAMES.alarmTopicArn] } : {}),
    ...(outputs[OUTPUT_NAMES.webhookUrl] ? { webhookUrl: outputs[OUTPUT_NAMES.webhookUrl] } : {}),
  };
  return parseTarget(
    {
      name,
      region: outputs[OUTPUT_NAMES.region]?.trim(),
      tableName: outputs[OUTPUT_NAMES.tableName]?.trim(),
      queues,
      ...(Object.keys(links).length ? { links } : {}),
    },
    "the stack outputs",
  );
}

/** `RampErpSync-prod` → "prod", `RampErpSync` → "default", any other stack name → itself. */
export function stageOfStack(stackName: string): string {
  if (stackName === stackNameOf()) return "default";
  const prefix = `${stackNameOf()}-`;
  return stackName.startsWith(prefix) && stackName.length > prefix.length
    ? stackName.slice(prefix.length)
    : stackName;
}

export interface PickedStack {
  stackName: string;
  /** The ops.config.json entry's name: the stage asked for, else the one the stack name carries. */
  stage: string;
  outputs: StackOutputs;
}

/**
 * The stack of `stage` in an outputs document (`file` names it in messages):
 * `stackNameOf(stage)` (with no stage, `RampErpSync`); with no stage and one
 * stack of another name, that stack. Anything else is refused, naming the stacks
 * the file holds.
 */
export function pickStack(doc: unknown, stage: string | undefined, file = "the outputs file"): PickedStack {
  const parsed = OutputsFileSchema.safeParse(doc);
  if (!parsed.success)
    throw new OpsTargetError(`${file}: expected { "<StackName>": { "<OutputKey>": "<value>" } }`, {
      hint: DEPLOY_HINT,
    });
  const stacks = parsed.data;
  const names = Object.keys(stacks);
  const wanted = stackNameOf(stage);
  const byName = stacks[wanted];
  if (byName) return { stackName: wanted, stage: stage ?? stageOfStack(wanted), outputs: byName };
  const only = names.length === 1 ? names[0] : undefined;
  if (only && stage === undefined)
    return { stackName: only, stage: stageOfStack(only), outputs: stacks[only] as StackOutputs };
  const held = names.length ? names.join(", ") : "(none)";
  const ours = names
    .filter((n) => n === stackNameOf() || n.startsWith(`${stackNameOf()}-`))
    .map((n) => (n === stackNameOf() ? `no --stage (${n})` : `--stage ${stageOfStack(n)}`));
  throw new OpsTargetError(
    stage === undefined
      ? `${file} holds ${names.length} stacks and none is ${wanted}; name the stage with --stage (stacks: ${held})`
      : `${file} has no stack ${wanted} for stage "${stage}" (stacks: ${held})`,
    {
      hint: ours.length
        ? `this file has: ${ours.join(", ")}; another stage needs its own \`cdk deploy -c stage=<name> --outputs-file\``
        : DEPLOY_HINT,
    },
  );
}
