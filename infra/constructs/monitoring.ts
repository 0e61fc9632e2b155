import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface MonitoringProps {
  key: kms.IKey;
  /** Subscribed by email (context `alarmEmail`); SNS sends a confirmation first. */
  alarmEmail?: string | undefined;
  /** An existing topic (context `alarmTopicArn`, e.g. a pager's) that receives every alarm too. */
  alarmTopicArn?: string | undefined;
}

/** Where alarms go: our encrypted topic (with its email subscription) and, optionally, an existing one. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  /** Every topic an alarm notifies. */
  readonly alarmTopics: sns.ITopic[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Alarms", { masterKey: props.key, enforceSSL: true });
    // CloudWatch publishes to a KMS-encrypted topic only if the key lets it (else alarms fail silently).
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.alarmTopics = [this.topic];
    if (props.alarmTopicArn)
      this.alarmTopics.push(sns.Topic.fromTopicArn(this, "ExistingAlarmTopic", props.alarmTopicArn));
  }
}
