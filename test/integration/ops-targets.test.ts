/**
 * `targets import | show | list` through the CLI: a fabricated `cdk deploy
 * --outputs-file` document in a temp dir becomes a stage of a temp
 * ops.config.json (other stages kept, --dry-run writes nothing, refusals change
 * nothing), and `--stage <name> --config <file>` then resolves to it, in process
 * and through the real entry spawned with an empty environment (no AWS needed).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { QUEUE_NAMES } from "../../infra/functions.js";
import { dlqUrlOutput, OUTPUT_NAMES, queueUrlOutput, stackNameOf } from "../../infra/outputs.js";
import { silentLogger } from "../../lib/domain/logger.js";
import { contextFor } from "../../ops/context.js";
import { runOps } from "../../ops/program.js";

const run = promisify(execFile);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

/** Every command resolves its target as the real CLI does, with an empty environment. */
const ops = (argv: string[]) => {
  const c = capture();
  return runOps(argv, (choice) => contextFor(choice, silentLogger, {}), c.io).then((code) => ({
    code,
    ...c,
  }));
};

const sqs = (name: string) => `https://sqs.us-west-2.amazonaws.com/123456789012/${name}`;

const outputsOf = (stage: string) => ({
  [OUTPUT_NAMES.region]: "us-west-2",
  [OUTPUT_NAMES.tableName]: `RampErpSync-${stage}-Table-XYZ`,
  [OUTPUT_NAMES.alarmTopicArn]: `arn:aws:sns:us-west-2:123456789012:${stage}-alarms`,
  [OUTPUT_NAMES.dashboardUrl]: `https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards:name=${stage}`,
  [OUTPUT_NAMES.webhookUrl]: `https://${stage}.lambda-url.us-west-2.on.aws/`,
  ...Object.fromEntries(
    QUEUE_NAMES.flatMap((q) => [
      [queueUrlOutput(q), sqs(`${stage}-${q}`)],
      [dlqUrlOutput(q), sqs(`${stage}-${q}-dlq`)],
    ]),
  ),
});

const localStage = {
  region: "us-east-1",
  tableName: "stack-local",
  endpoints: { dynamodb: "http://127.0.0.1:8000" },
  credentials: { accessKeyId: "local-key-id", secretAccessKey: "local-secret-value" },
};

async function workspace() {
  const dir = await mkdtemp(join(tmpdir(), "ops-targets-"));
  const outputs = join(dir, "cdk-outputs.json");
  const config = join(dir, "ops.config.json");
  await writeFile(
    outputs,
    JSON.stringify({
      [stackNameOf("prod")]: outputsOf("prod"),
      [stackNameOf("staging")]: outputsOf("staging"),
      CDKToolkit: { BucketName: "cdk-assets" },
    }),
  );
  await writeFile(config, JSON.stringify({ stages: { local: localStage } }));
  return { dir, outputs, config };
}

describe("ops targets", () => {
  it("import writes the stage (others kept, no temp file left); show --stage resolves it; list names both", async () => {
    const { dir, outputs, config } = await workspace();
    const before = await readFile(config, "utf8");

    const dry = await ops([
      "targets",
      "import",
      "--outputs",
      outputs,
      "--stage",
      "prod",
      "--config",
      config,
      "--dry-run",
      "--json",
    ]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out[0] as string)).toMatchObject({
      ok: true,
      dryRun: true,
      stage: "prod",
      stackName: "RampErpSync-prod",
      action: "added",
      target: { name: "prod", tableName: "RampErpSync-prod-Table-XYZ" },
    });
    expect(await readFile(config, "utf8")).toBe(before);

    const imported = await ops([
      "targets",
      "import",
      "--outputs",
      outputs,
      "--stage",
      "prod",
      "--config",
      config,
      "--json",
    ]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out[0] as string)).toMatchObject({ ok: true, dryRun: false, action: "added" });
    expect((await readdir(dir)).sort()).toEqual(["cdk-outputs.json", "ops.config.json"]);
    const written = JSON.parse(await readFile(config, "utf8"));
    expect(Object.keys(written.stages)).toEqual(["local", "prod"]);
    expect(written.stages.local).toEqual(localStage);
    expect(written.stages.prod.name).toBe("prod");

    // The global --stage/--config, after the subcommand, as an operator types them.
    const shown = await ops(["targets", "show", "--stage", "prod", "--config", config, "--json"]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out[0] as string)).toEqual({
      name: "prod",
      region: "us-west-2",
      tableName: "RampErpSync-prod-Table-XYZ",
      queues: Object.fromEntries(
        QUEUE_NAMES.map((q) => [q, { url: sqs(`prod-${q}`), dlqUrl: sqs(`prod-${q}-dlq`) }]),
      ),
      links: {
        dashboardUrl:
          "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards:name=prod",
        alarmTopicArn: "arn:aws:sns:us-west-2:123456789012:prod-alarms",
        webhookUrl: "https://prod.lambda-url.us-west-2.on.aws/",
      },
      endpoints: null,
      journalRoot: null,
      credentials: null,
    });

    const lines = await ops(["--stage", "prod", "--config", config, "targets", "show"]);
    expect(lines.code).toBe(0);
    expect(lines.out).toContain("table: RampErpSync-prod-Table-XYZ");
    expect(lines.out).toContain(
      "dashboard: https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards:name=prod",
    );

    const listed = await ops(["targets", "list", "--config", config, "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out[0] as string)).toEqual({
      config,
      stages: [
        { stage: "local", region: "us-east-1", tableName: "stack-local", queues: [] },
        {
          stage: "prod",
          region: "us-west-2",
          tableName: "RampErpSync-prod-Table-XYZ",
          queues: [...QUEUE_NAMES],
        },
      ],
      invalid: [],
    });

    // Importing again replaces that stage only.
    const again = await ops([
      "targets",
      "import",
      "--outputs",
      outputs,
      "--stage",
      "prod",
      "--config",
      config,
    ]);
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/^replaced stage prod \(stack RampErpSync-prod\) in /);
  });

  it("creates the config when absent; refuses an unknown stage (exit 2, stacks listed) and writes nothing", async () => {
    const { dir, outputs } = await workspace();
    const fresh = join(dir, "new.config.json");
    const bad = await ops([
      "targets",
      "import",
      "--outputs",
      outputs,
      "--stage",
      "qa",
      "--config",
      fresh,
      "--json",
    ]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out[0] as string)).toMatchObject({
      ok: false,
      problems: [
        `${outputs} has no stack RampErpSync-qa for stage "qa" (stacks: RampErpSync-prod, RampErpSync-staging, CDKToolkit)`,
      ],
    });
    await expect(readFile(fresh, "utf8")).rejects.toThrow(/ENOENT/);

    const plain = await ops(["targets", "import", "--outputs", outputs, "--config", fresh]);
    expect(plain.code).toBe(2);
    expect(plain.err).toHaveLength(2);
    expect(plain.err[0]).toMatch(/^refused: .* holds 3 stacks and none is RampErpSync/);
    expect(plain.err[1]).toMatch(/^hint: /);

    const ok = await ops([
      "targets",
      "import",
      "--outputs",
      outputs,
      "--stage",
      "staging",
      "--config",
      fresh,
    ]);
    expect(ok.code).toBe(0);
    expect(Object.keys(JSON.parse(await readFile(fresh, "utf8")).stages)).toEqual(["staging"]);

    expect((await ops(["targets", "import", "--stage", "prod", "--config", fresh])).code).toBe(64);
    const missing = await ops(["targets", "import", "--outputs", join(dir, "nope.json"), "--config", fresh]);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^refused: cannot read .*nope\.json: no such file$/);
  });

  it("show never prints credentials; an unresolvable target is refused with its hint", async () => {
    const { config } = await workspace();
    const shown = await ops(["targets", "show", "--stage", "local", "--config", config]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain("credentials: static (emulator)");
    const json = await ops(["targets", "show", "--stage", "local", "--config", config, "--json"]);
    expect(JSON.parse(json.out[0] as string).credentials).toBe("static (emulator)");
    for (const text of [...shown.out, ...json.out]) {
      expect(text).not.toContain("local-secret-value");
      expect(text).not.toContain("local-key-id");
    }

    const none = await ops(["targets", "show", "--stage", "prod", "--config", config]);
    expect(none.code).toBe(2);
    expect(none.err).toEqual([`refused: ${config} has no stage "prod"`, "hint: known stages: local"]);
    const env = await ops(["targets", "show"]);
    expect(env.code).toBe(2);
    expect(env.err[0]).toBe("refused: TABLE_NAME is not set");
  });

  it("the real entry, spawned with an empty environment: import, then show --stage", async () => {
    const { outputs, config } = await workspace();
    const bin = join(process.cwd(), "ops", "bin.mjs");
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
    await run(
      process.execPath,
      [bin, "targets", "import", "--outputs", outputs, "--stage", "staging", "--config", config],
      { env },
    );
    const r = await run(
      process.execPath,
      [bin, "targets", "show", "--stage", "staging", "--config", config, "--json"],
      { env },
    );
    expect(JSON.parse(r.stdout)).toMatchObject({
      name: "staging",
      region: "us-west-2",
      tableName: "RampErpSync-staging-Table-XYZ",
      links: { alarmTopicArn: "arn:aws:sns:us-west-2:123456789012:staging-alarms" },
    });
  });
});
