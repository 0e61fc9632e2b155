import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface SyncFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/syncer/handler.ts`. */
  entry: string;
  /** Exported handler name in the entry file. */
  handler?: string;
  timeout: Duration;
  memorySize?: number;
  environment: Record<string, string>;
}

/**
 * One Lambda the way every function of the service is built: Node.js 24 (the newest Lambda runtime) on ARM,
 * an ESM bundle with every dependency pinned by our lockfile (the runtime's own
 * SDK is not relied on), its own log group with a retention, active tracing.
 */
export class SyncFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: SyncFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new iam.Role(this, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    logGroup.grantWrite(role);
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
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "ramp-erp-sync",
        POWERTOOLS_METRICS_NAMESPACE: "RampErpSync",
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: "node24",
        minify: true,
        sourceMap: true,
        mainFields: ["module", "main"],
        // Bundle the AWS SDK too: the versions we test are the versions we run.
        externalModules: [],
        // ESM bundles of CommonJS dependencies need `require` in scope.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
  }
}
