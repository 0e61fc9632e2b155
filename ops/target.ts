/**
 * Where the ops commands act: one deployment's table, queues and AWS access.
 * Three sources, one shape (`OpsTarget`, documented in ops/README.md):
 *
 * - the environment (default): TABLE_NAME, AWS_REGION, credentials the SDK
 *   finds itself, `<QUEUE>_QUEUE_URL` / `<QUEUE>_DLQ_URL` for the queues;
 * - `--local <file>`: a JSON document the local stack writes (the demo's
 *   `--keep`), with emulator endpoints and static keys;
 * - `--stage <name>`: the entry of that name in `ops.config.json`, which
 *   `targets import --outputs cdk-outputs.json --stage <name>` writes from the
 *   stack's outputs (ops/stack-outputs.ts, ops/target-commands.ts); an entry
 *   may still be written by hand (an emulator, a stack deployed elsewhere).
 *
 * Parsed strictly: a typo in a target file is an error naming the key, not a
 * command that silently runs against the wrong place.
 */
import { readFileSync } from "node:fs";
import * as z from "zod";
import { QUEUE_NAMES, type QueueName } from "../infra/functions.js";
import { ConfigError } from "../lib/config/errors.js";

const QueueRefSchema = z.strictObject({ url: z.url(), dlqUrl: z.url().optional() });

export const OpsTargetSchema = z.strictObject({
  /** What this target is, for messages ("local demo", "prod"). */
  name: z.string().min(1).default("environment"),
  region: z.string().min(1).default("us-east-1"),
  tableName: z.string().min(1),
  /** Emulator endpoints; absent on AWS (regional endpoints, or AWS_ENDPOINT_URL_*). */
  endpoints: z
    .strictObject({
      dynamodb: z.url().optional(),
      sqs: z.url().optional(),
      secretsManager: z.url().optional(),
    })
    .optional(),
  /** Static keys (emulators only); on AWS the SDK's own credential chain. */
  credentials: z
    .strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) })
    .optional(),
  /** The deployment's queues by manifest name (infra/functions.ts), each with its DLQ. */
  queues: z.partialRecord(z.enum(QUEUE_NAMES), QueueRefSchema).default({}),
  /** Journal tenants' files (`<journalRoot>/<tenantId>/`), as the functions' JOURNAL_ROOT. */
  journalRoot: z.string().min(1).optional(),
  /** Where to look at the deployment (from the stack outputs, `targets import`); shown by `targets show`. */
  links: z
    .strictObject({
      dashboardUrl: z.url().optional(),
      alarmTopicArn: z.string().startsWith("arn:").optional(),
      webhookUrl: z.url().optional(),
    })
    .optional(),
});
export type OpsTarget = z.infer<typeof OpsTargetSchema>;
export type OpsTargetInput = z.input<typeof OpsTargetSchema>;

/** `ops.config.json`: `{ "stages": { "<name>": <target> } }` (each entry parsed when it is used). */
export const OpsConfigFileSchema = z.strictObject({ stages: z.record(z.string(), z.unknown()) });

/** How the operator chose the target (the global options). */
export interface TargetChoice {
  local?: string;
  stage?: string;
  /** Where `--stage` looks (default ./ops.config.json). */
  configFile?: string;
}

/** A target that cannot be used; `hint` is the one line the CLI prints under the error. */
export class OpsTargetError extends ConfigError {
  override readonly name = "OpsTargetError";
  readonly hint: string;
  constructor(message: string, opts: { hint?: string } = {}) {
    super(message);
    this.hint = opts.hint ?? 'see ops/README.md, "Where commands act"';
  }
}

/** `work` → WORK, `pollJobs` → POLL_JOBS: the environment variable stem of a queue. */
export const queueEnvStem = (q: QueueName) => q.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

export function targetFromEnv(env: Record<string, string | undefined>): OpsTarget {
  if (!env.TABLE_NAME?.trim())
    throw new OpsTargetError("TABLE_NAME is not set", {
      hint: "set TABLE_NAME (and AWS credentials / AWS_REGION), or use --local <file> or --stage <name>",
    });
  const queues: Partial<Record<QueueName, { url: string; dlqUrl?: string }>> = {};
  for (const q of QUEUE_NAMES) {
    const url = env[`${queueEnvStem(q)}_QUEUE_URL`];
    const dlqUrl = env[`${queueEnvStem(q)}_DLQ_URL`];
    if (url) queues[q] = { url, ...(dlqUrl ? { dlqUrl } : {}) };
  }
  return parseTarget(
    {
      name: "environment",
      region: env.AWS_REGION || "us-east-1",
      tableName: env.TABLE_NAME.trim(),
      queues,
      ...(env.JOURNAL_ROOT ? { journalRoot: env.JOURNAL_ROOT } : {}),
    },
    "the environment",
  );
}

export function resolveTarget(choice: TargetChoice, env: Record<string, string | undefined>): OpsTarget {
  if (choice.local && choice.stage) throw new OpsTargetError("use --local or --stage, not both");
  if (choice.local) return parseTarget(readJsonFile(choice.local), choice.local);
  if (choice.stage) {
    const file = choice.configFile ?? DEFAULT_OPS_CONFIG;
    const doc = readOpsConfig(file);
    if (!doc)
      throw new OpsTargetError(`cannot read ${file}: no such file`, {
        hint: "write a stage with `targets import --outputs cdk-outputs.json --stage <name>`",
      });
    const stage = doc.stages[choice.stage];
    if (stage === undefined)
      throw new OpsTargetError(`${file} has no stage "${choice.stage}"`, {
        hint: `known stages: ${Object.keys(doc.stages).join(", ") || "(none)"}`,
      });
    return parseTarget({ name: choice.stage, ...(stage as object) }, `${file} stage ${choice.stage}`);
  }
  return targetFromEnv(env);
}

/** Where `--stage` looks unless `--config` says otherwise. */
export const DEFAULT_OPS_CONFIG = "ops.config.json";

/**
 * A file's JSON; with `missingOk`, `undefined` when it does not exist. Unreadable
 * or not JSON is refused, naming the file.
 */
export function readJsonFile(file: string, opts: { missingOk?: boolean } = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (opts.missingOk && code === "ENOENT") return undefined;
    throw new OpsTargetError(`cannot read ${file}${code ? ` (${code})` : ""}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OpsTargetError(
      `${file} is not JSON (${e instanceof Error ? e.message.split("\n")[0] : "parse error"})`,
    );
  }
}

/** The stages of an ops.config.json; `undefined` when the file does not exist. */
export function readOpsConfig(file: string): { stages: Record<string, unknown> } | undefined {
  const raw = readJsonFile(file, { missingOk: true });
  if (raw === undefined) return undefined;
  const doc = OpsConfigFileSchema.safeParse(raw);
  if (!doc.success)
    throw new OpsTargetError(`${file}: expected { "stages": { "<name>": <target> } }`, {
      hint: `fix or move ${file}`,
    });
  return doc.data;
}

/** `raw` as a target, or an OpsTargetError naming `where` and the first bad key. */
export function parseTarget(raw: unknown, where: string): OpsTarget {
  const r = OpsTargetSchema.safeParse(raw);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const path = first?.path.join(".") || "(root)";
  throw new OpsTargetError(`${where}: ${path}: ${first?.message ?? "invalid"}`);
}
