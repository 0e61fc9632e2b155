import { DeleteMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, it } from "vitest";
import { redriveDlq } from "../../lib/aws/dlq.js";
import { eventSourceMapping } from "../../local/runtime/event-source-mapping.js";
import { receiveAllVisible, sendBodies, useLocalSqs } from "../support/sqs-local.js";

describe.concurrent("DLQ redrive (receive from the DLQ, send back to the source, delete)", () => {
  const sqs = useLocalSqs();

  it("moves poison messages back once the cause is fixed, and the mapping then processes them", async ({
    expect,
  }) => {
    const q = await sqs().createQueue("redrive-std", { visibilityTimeoutS: 1, dlq: { maxReceiveCount: 1 } });
    const dlqUrl = q.dlq!.url;
    const client = sqs().client();
    const bodies = ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12"];
    await sendBodies(client, q.url, bodies);
    await client.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: "with-attrs",
        MessageAttributes: { tenant: { DataType: "String", StringValue: "t-9" } },
      }),
    );
    let broken = true;
    const processed: { body: string; tenant: string | undefined }[] = [];
    const mapping = eventSourceMapping({
      client,
      queueUrl: q.url,
      batchSize: 10,
      functionTimeoutMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event) => {
        if (broken) throw new Error("downstream broken");
        for (const r of event.Records) {
          processed.push({ body: r.body, tenant: r.messageAttributes.tenant?.stringValue });
        }
      },
    });
    await mapping.start();
    try {
      await mapping.drain();
      expect(await sqs().depth(dlqUrl)).toMatchObject({ visible: 13 });
      expect(processed).toEqual([]);

      broken = false;
      const result = await redriveDlq({ client, dlqUrl, targetUrl: q.url });
      expect(result).toEqual({ moved: 13, failed: 0 });
      await mapping.drain();
    } finally {
      await mapping.stop();
    }
    expect(processed.map((p) => p.body).sort()).toEqual([...bodies, "with-attrs"].sort());
    expect(processed.find((p) => p.body === "with-attrs")?.tenant).toBe("t-9");
    expect(await sqs().depth(dlqUrl)).toMatchObject({ total: 0 });
  });

  it("stops after maxMessages, leaving the rest in the DLQ", async ({ expect }) => {
    const q = await sqs().createQueue("redrive-max", { dlq: { maxReceiveCount: 1 } });
    const client = sqs().client();
    await sendBodies(client, q.dlq!.url, ["a", "b", "c", "d", "e"]);
    expect(await redriveDlq({ client, dlqUrl: q.dlq!.url, targetUrl: q.url, maxMessages: 3 })).toEqual({
      moved: 3,
      failed: 0,
    });
    expect((await receiveAllVisible(client, q.url)).length).toBe(3);
    expect(await sqs().depth(q.dlq!.url)).toMatchObject({ visible: 2, inFlight: 0 });
  });

  it("keeps FIFO message groups when moving back to a FIFO source", async ({ expect }) => {
    const q = await sqs().createQueue("redrive-fifo", { fifo: true, dlq: { maxReceiveCount: 1 } });
    expect(q.url.endsWith("redrive-fifo.fifo")).toBe(true);
    expect(q.dlq!.url.endsWith("redrive-fifo-dlq.fifo")).toBe(true);
    const client = sqs().client();
    await sendBodies(client, q.dlq!.url, ["g1-a", "g2-a", "g1-b"], (body, i) => ({
      MessageGroupId: body.slice(0, 2),
      MessageDeduplicationId: `d-${i}`,
    }));
    expect(await redriveDlq({ client, dlqUrl: q.dlq!.url, targetUrl: q.url })).toEqual({
      moved: 3,
      failed: 0,
    });
    // FIFO: one message per group per receive, group locked while in flight; read each group in order.
    const seen: { body?: string; group?: string }[] = [];
    for (let round = 0; round < 3; round++) {
      for (const m of await receiveAllVisible(client, q.url)) {
        seen.push({ body: m.Body, group: m.Attributes?.MessageGroupId });
        await client.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    expect(seen.filter((s) => s.group === "g1").map((s) => s.body)).toEqual(["g1-a", "g1-b"]);
    expect(seen.filter((s) => s.group === "g2").map((s) => s.body)).toEqual(["g2-a"]);
  });
});
