/**
 * Conditional transitions in one round trip: the allowed prior states are the
 * write's ConditionExpression, so DynamoDB decides atomically and no read comes
 * first. A write whose condition does not hold is an expected outcome (another
 * worker won, the lease is someone else's), returned as `{ ok: false }` rather
 * than thrown; anything else (throttling, validation) still throws.
 *
 * With `current: true` a failed condition also brings back the item as it
 * stood (ReturnValuesOnConditionCheckFailure), so a caller that must explain
 * the refusal (which version won, which bill a transaction is linked to) needs
 * no second read.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { isConditionalCheckFailed } from "./conditional.js";

export type Item = Record<string, unknown>;

export type Transition<T = Item> =
  | { ok: true; item: T }
  /** `current`: the item when the condition failed, if asked for and if it exists. */
  | { ok: false; reason: "condition"; current?: Item };

type Doc = Pick<DynamoDBDocumentClient, "send">;
/** Every transition names the prior states it allows: an unconditional write is not one. */
type Conditioned<I> = Omit<I, "ConditionExpression" | "ReturnValuesOnConditionCheckFailure"> & {
  ConditionExpression: string;
};
interface Options {
  current?: boolean;
}

/** Puts `input.Item` if the condition holds; `item` is what was written. */
export function putIf(doc: Doc, input: Conditioned<PutCommandInput>, opts: Options = {}) {
  return attempt(opts, async () => {
    await doc.send(new PutCommand({ ...input, ...returnCurrent(opts) }));
    return input.Item as Item;
  });
}

/** Applies the update if the condition holds; `item` is the whole item after it. */
export function updateIf(doc: Doc, input: Conditioned<UpdateCommandInput>, opts: Options = {}) {
  return attempt(opts, async () => {
    const res = await doc.send(
      new UpdateCommand({ ...input, ReturnValues: "ALL_NEW", ...returnCurrent(opts) }),
    );
    return (res.Attributes ?? {}) as Item;
  });
}

/** Deletes if the condition holds; `item` is what was deleted (undefined when there was nothing). */
export function deleteIf(doc: Doc, input: Conditioned<DeleteCommandInput>, opts: Options = {}) {
  return attempt(opts, async () => {
    const res = await doc.send(
      new DeleteCommand({ ...input, ReturnValues: "ALL_OLD", ...returnCurrent(opts) }),
    );
    return res.Attributes as Item | undefined;
  });
}

const returnCurrent = (opts: Options) =>
  opts.current ? { ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const } : {};

async function attempt<T>(opts: Options, write: () => Promise<T>): Promise<Transition<T>> {
  try {
    return { ok: true, item: await write() };
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    // The document client does not unmarshall an error's Item: it is still in DynamoDB's wire form.
    const raw = opts.current ? (err as { Item?: Record<string, AttributeValue> }).Item : undefined;
    return raw
      ? { ok: false, reason: "condition", current: unmarshall(raw) }
      : { ok: false, reason: "condition" };
  }
}

/**
 * The optimistic-concurrency condition: `attribute` still holds the value the
 * change was computed from, or, with no prior value, the item does not exist yet.
 */
export function unchangedSince(attribute: string, prior: string | number | undefined) {
  return prior === undefined
    ? { ConditionExpression: "attribute_not_exists(PK)" }
    : {
        ConditionExpression: "#prior = :prior",
        ExpressionAttributeNames: { "#prior": attribute },
        ExpressionAttributeValues: { ":prior": prior },
      };
}
