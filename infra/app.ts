import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { RampErpSyncStack } from "./stack.js";

/** `npx cdk synth`: the stack with cdk-nag's AWS Solutions checks; any finding fails synth. */
export function buildApp(app = new App()): { app: App; stack: RampErpSyncStack } {
  const stack = new RampErpSyncStack(app, "RampErpSync", {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
