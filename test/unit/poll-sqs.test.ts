import type { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chunkForBatch,
  type OutgoingMessage,
  SQS_MAX_BYTES,
  SqsSendError,
  sendAllOrThrow,
  sendKeepingRefusals,
  sendMessageBatch,
} from "../../lib/aws/sqs.js";
import { isSqsSafe, sqsSafeJson } from "../../lib/sync/sqs-safe-json.js";

const msg = (id: string, bytes = 10): OutgoingMessage => ({ id, body: "x".repeat(bytes) });

/** A stand-in SQS that fails the listed entry ids a number of times, then accepts them. */
function fakeSqs(failures: Record<string, { times: number; senderFault?: boolean }> = {}) {
  const calls: string[][] = [];
  const left = new Map(Object.entries(failures).map(([id, f]) => [id, f.times]));
  return {
    calls,
    async send(cmd: SendMessageBatchCommand) {
      const entries = cmd.input.Entries ?? [];
      calls.push(entries.map((e) => e.Id as string));
      const Successful: { Id: string }[] = [];
      const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
      for (const e of entries) {
        const n = left.get(e.Id as string) ?? 0;
        if (n > 0) {
          left.set(e.Id as string, n - 1);
          const senderFault = failures[e.Id as string]?.senderFault ?? false;
          Failed.push({
            Id: e.Id as string,
            Code: senderFault ? "InvalidParameterValue" : "InternalError",
            SenderFault: senderFault,
          });
        } else Successful.push({ Id: e.Id as string });
      }
      return { Successful, Failed, $metadata: {} };
    },
  };
}

const noSleep = async () => {};

describe("SendMessageBatch chunking", () => {
  it("at most 10 entries per call, order kept", () => {
    const { chunks, oversized } = chunkForBatch(Array.from({ length: 23 }, (_, i) => msg(`m${i}`)));
    expect(chunks.map((c) => c.length)).toEqual([10, 10, 3]);
    expect(chunks.flat().map((m) => m.id)).toEqual(Array.from({ length: 23 }, (_, i) => `m${i}`));
    expect(oversized).toEqual([]);
  });

  it("a call never exceeds the byte limit; a message alone over it is set apart", () => {
    const big = 100 * 1024;
    const { chunks, oversized } = chunkForBatch([
      msg("a", big),
      msg("b", big),
      msg("c", big),
      msg("huge", SQS_MAX_BYTES + 1),
      msg("d", 5),
    ]);
    expect(chunks.map((c) => c.map((m) => m.id))).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    for (const c of chunks)
      expect(c.reduce((n, m) => n + Buffer.byteLength(m.body), 0)).toBeLessThanOrEqual(SQS_MAX_BYTES);
    expect(oversized.map((m) => m.id)).toEqual(["huge"]);
  });
});

describe("sendMessageBatch", () => {
  it("retries only the entries SQS failed on its side, and only those", async () => {
    const sqs = fakeSqs({ m3: { times: 2 } });
    const r = await sendMessageBatch(sqs, "q", [msg("m1"), msg("m2"), msg("m3")], { sleep: noSleep });
    expect(r.failed).toEqual([]);
    expect(r.sent.sort()).toEqual(["m1", "m2", "m3"]);
    expect(sqs.calls).toEqual([["m1", "m2", "m3"], ["m3"], ["m3"]]);
  });

  it("gives up after maxAttempts and never retries sender faults", async () => {
    const sqs = fakeSqs({ a: { times: 9 }, b: { times: 1, senderFault: true } });
    const r = await sendMessageBatch(sqs, "q", [msg("a"), msg("b"), msg("c")], {
      sleep: noSleep,
      maxAttempts: 3,
    });
    expect(r.sent).toEqual(["c"]);
    expect(r.failed.map((f) => [f.id, f.code, f.senderFault])).toEqual([
      ["b", "InvalidParameterValue", true],
      ["a", "InternalError", false],
    ]);
    expect(sqs.calls).toEqual([["a", "b", "c"], ["a"], ["a"]]);
    await expect(
      sendAllOrThrow(fakeSqs({ a: { times: 9 } }), "q", [msg("a")], { sleep: noSleep }),
    ).rejects.toBeInstanceOf(SqsSendError);
  });

  it("refuses duplicate entry ids before calling SQS", async () => {
    const sqs = fakeSqs();
    await expect(sendMessageBatch(sqs, "q", [msg("a"), msg("a")])).rejects.toThrow(/duplicate/);
    expect(sqs.calls).toEqual([]);
  });
});

/** SQS refusing a whole call (as for a character it will not take) whenever it holds a poisoned body. */
function wholeCallRefusingSqs(poison: (body: string) => boolean) {
  const calls: string[][] = [];
  return {
    calls,
    async send(cmd: SendMessageBatchCommand) {
      const entries = cmd.input.Entries ?? [];
      calls.push(entries.map((e) => e.Id as string));
      if (entries.some((e) => poison(e.MessageBody as string))) {
        throw Object.assign(new Error("Invalid characters found"), {
          name: "InvalidMessageContents",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      }
      return { Successful: entries.map((e) => ({ Id: e.Id as string })), Failed: [], $metadata: {} };
    },
  };
}

describe("refusals are split off, never sinking their neighbours", () => {
  it("a call refused as a whole for a sender fault is retried one entry at a time; only the culprit is refused", async () => {
    const sqs = wholeCallRefusingSqs((b) => b.includes("bad"));
    const messages = [msg("a"), { id: "b", body: "bad" }, msg("c")];
    const r = await sendMessageBatch(sqs, "q", messages, { sleep: noSleep });
    expect(r.sent.sort()).toEqual(["a", "c"]);
    expect(r.failed).toEqual([
      { id: "b", code: "InvalidMessageContents", message: "Invalid characters found", senderFault: true },
    ]);
    expect(sqs.calls).toEqual([["a", "b", "c"], ["a"], ["b"], ["c"]]);
  });

  it("sendKeepingRefusals hands sender-fault refusals back and throws for failures on SQS's side", async () => {
    const r = await sendKeepingRefusals(
      fakeSqs({ b: { times: 1, senderFault: true } }),
      "q",
      [msg("a"), msg("b")],
      {
        sleep: noSleep,
      },
    );
    expect(r.sent).toEqual(["a"]);
    expect(r.refused.map((f) => f.id)).toEqual(["b"]);
    await expect(
      sendKeepingRefusals(fakeSqs({ a: { times: 9 } }), "q", [msg("a")], { sleep: noSleep }),
    ).rejects.toBeInstanceOf(SqsSendError);
  });

  it("a whole-call failure that is not the sender's (throttling, server) is not split and propagates", async () => {
    const throttled = {
      async send() {
        throw Object.assign(new Error("slow down"), {
          name: "RequestThrottled",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
        });
      },
    };
    await expect(sendMessageBatch(throttled, "q", [msg("a"), msg("b")], { sleep: noSleep })).rejects.toThrow(
      "slow down",
    );
  });
});

describe("SQS-safe JSON bodies", () => {
  it("any text (noncharacters, lone surrogates, emoji, controls) round-trips through a body SQS and fauxqs accept", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), (a, b) => {
        const value = { memo: a, name: b, n: 1 };
        const body = sqsSafeJson(JSON.stringify(value));
        expect(isSqsSafe(body)).toBe(true);
        expect(JSON.parse(body)).toEqual(value);
      }),
      { numRuns: 300 },
    );
    // What fauxqs refuses and real SQS does not (an emoji), and what both refuse (U+FFFF), as raw text:
    expect(isSqsSafe("Receipt \u{1F9FE}")).toBe(false);
    expect(isSqsSafe(sqsSafeJson(JSON.stringify("Receipt \u{1F9FE}")))).toBe(true);
    expect(isSqsSafe(String.fromCharCode(0xffff))).toBe(false);
  });
});
