import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { alarmContextFrom } from "./alarm-settings.js";
import { bundleContextFrom } from "./bundling.js";
import { stackNameOf } from "./outputs.js";
import { RampErpSyncStack } from "./stack.js";

/**
 * `npx cdk synth|deploy`: the stack with cdk-nag's AWS Solutions checks; any finding fails synth.
 * Context (README "Deploy"): `stage` (stack RampErpSync-<stage>), `region` (else the CLI's
 * default region), `alarmEmail`, `alarmTopicArn`, `alarmThresholds` (JSON), `sourceMaps` (off).
 */
export function buildApp(app = new App()): { app: App; stack: RampErpSyncStack } {
  const get = (key: string) => app.node.tryGetContext(key) as unknown;
  const stage = typeof get("stage") === "string" && get("stage") !== "" ? String(get("stage")) : undefined;
  if (stage !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(stage))
    throw new Error(`context stage "${stage}": letters, digits and "-", starting with a letter`);
  const region = typeof get("region") === "string" ? String(get("region")) : process.env.CDK_DEFAULT_REGION;
  const stack = new RampErpSyncStack(app, stackNameOf(stage), {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    alarms: alarmContextFrom(get),
    bundle: bundleContextFrom(get),
    description: `ramp-erp-sync${stage ? ` (${stage})` : ""}: two-way sync between Ramp and ERPs`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
