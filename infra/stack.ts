import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import { DataTables } from "./constructs/data.js";
import { Monitoring } from "./constructs/monitoring.js";
import { WorkQueue } from "./constructs/queues.js";

/**
 * The whole service in one stack: data, queues, monitoring; the functions
 * (webhook, poller, syncer, coa-push) attach to these as they land.
 */
export class RampErpSyncStack extends Stack {
  readonly tables: DataTables;
  readonly work: WorkQueue;
  readonly priority: WorkQueue;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, "DataKey", {
      enableKeyRotation: true,
      description: "ramp-erp-sync: tables (incl. cached access tokens), queues, alarm topic",
    });
    this.tables = new DataTables(this, "Tables", { key });
    // Syncer timeout is 5 min at most; 6× per AWS guidance for SQS event sources.
    const queueProps = { key, visibilityTimeout: Duration.minutes(30), maxReceiveCount: 5 };
    this.work = new WorkQueue(this, "Work", queueProps);
    // Sync Button work has its own queue so it never waits behind a polling backlog.
    this.priority = new WorkQueue(this, "Priority", queueProps);
    this.monitoring = new Monitoring(this, "Monitoring", { key });
    this.monitoring.alarmOnDlq("Work", this.work.dlq);
    this.monitoring.alarmOnDlq("Priority", this.priority.dlq);
  }
}
