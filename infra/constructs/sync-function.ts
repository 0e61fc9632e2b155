import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { type BundleSettings, bundleEnvironment, cdkBundling } from "../bundling.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface SyncFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/syncer/handler.ts`. */
  entry: string;
  /** Exported handler name in the entry file. */
  handler?: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
  /** Source maps shipped and loaded (CDK context `sourceMaps`, infra/bundling.ts); off by default. */
  bundle?: BundleSettings;
}

/** What every function's environment holds besides its manifest bindings (and the bench loads bundles with). */
export const FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: "ramp-erp-sync",
  POWERTOOLS_METRICS_NAMESPACE: "RampErpSync",
  // X-Ray metadata bypasses the logger's redaction: an error message that echoes a secret
  // must not reach a trace. Errors are in the (redacted) logs; traces keep timings and faults.
  POWERTOOLS_TRACER_CAPTURE_ERROR: "false",
};

/**
 * One Lambda the way every function of the service is built: Node.js 24 (the newest Lambda runtime) on ARM,
 * an ESM bundle with every dependency pinned by our lockfile (the runtime's own
 * SDK is not relied on; built as infra/bundling.ts says, no source map unless asked for),
 * its own log group with a retention, active tracing.
 */
export class SyncFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    super(scope, id);
    const bundle = props.bundle ?? { sourceMaps: false };
    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    this.role = role;
    logGroup.grantWrite(role);
    // X-Ray accepts no resource but `*`. CDK would put that statement into the role's default
    // policy, where acknowledging `Resource::*` would also hide any later `*` grant (a planted
    // GetSecretValue on `*` passed that way). So tracing is switched on below, at the L1, and its
    // one statement lives in a policy of its own that carries the only `Resource::*` acknowledgement.
    const tracing = new iam.Policy(this, "Tracing", {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        }),
      ],
    });
    Validations.of(tracing).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "X-Ray PutTraceSegments/PutTelemetryRecords accept no resource but *; this policy holds nothing else.",
    });
    this.fn = new nodejs.NodejsFunction(this, "Fn", {
      role,
      entry: `${ROOT}${props.entry}`,
      handler: props.handler ?? "handler",
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      logGroup,
      environment: {
        ...bundleEnvironment(bundle),
        ...FUNCTION_ENVIRONMENT,
        ...props.environment,
      },
      bundling: cdkBundling(bundle),
    });
    // Active tracing (see the Tracing policy above); Lambda checks the role may write traces at create time.
    (this.fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    this.fn.node.addDependency(tracing);
  }
}
