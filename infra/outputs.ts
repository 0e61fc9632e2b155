/**
 * The stack's outputs by name: what an operator and the ops CLI need to reach a
 * deployment (`cdk deploy --outputs-file` writes them; `ramp-erp-sync targets
 * import` turns that file into an ops.config.json stage). Pure data, no CDK
 * import, so the CLI reads the same names the stack (infra/stack.ts) writes;
 * test/unit/stack-outputs.test.ts pins both sides.
 */
import { MANIFEST, type QueueName } from "./functions.js";

export const OUTPUT_NAMES = {
  region: "Region",
  tableName: "TableName",
  alarmTopicArn: "AlarmTopicArn",
  dashboardUrl: "DashboardUrl",
  webhookUrl: "WebhookUrl",
} as const;

/** `WorkQueueUrl`, `PollJobsQueueUrl`… (the queue's construct id from the manifest). */
export const queueUrlOutput = (q: QueueName): string => `${MANIFEST.queues[q].id}QueueUrl`;
/** `WorkDlqUrl`, `PollJobsDlqUrl`… */
export const dlqUrlOutput = (q: QueueName): string => `${MANIFEST.queues[q].id}DlqUrl`;

/** The CloudFormation stack of one stage: `RampErpSync` (no stage) or `RampErpSync-<stage>`. */
export const stackNameOf = (stage?: string): string => (stage ? `RampErpSync-${stage}` : "RampErpSync");
