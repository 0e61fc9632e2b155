/**
 * CoA snapshots: what coa-push last uploaded to Ramp per tenant and scope
 * (e.g. a company key), so the next run diffs against it. A chart with
 * thousands of accounts, vendors and options can exceed DynamoDB's 400 KB item
 * limit, so the JSON is gzip-compressed and split into binary chunks.
 *
 * Writes never leave a torn snapshot: the chunks of a new *generation* are
 * written first, then the header is switched to it (one conditional put), then
 * the old generation's chunks are deleted. A reader follows the header, so it
 * sees either the old or the new snapshot; a crash leaves at worst orphaned
 * chunks of an unused generation (they carry a TTL and expire).
 */
import { createHash, randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { systemClock } from "../domain/time.js";
import { putIf, unchangedSince } from "./conditional-write.js";
import { coaChunkSk, coaGenerationPrefix, coaHeaderSk, tenantPk } from "./keys.js";
import type { StoreDeps } from "./ledger.js";
import { queryPrefix } from "./query-prefix.js";
import { ttlSeconds } from "./ttl.js";

/** Well under the 400 KB item limit, leaving room for keys and attribute names. */
const COA_CHUNK_BYTES = 350_000;
/** Chunks written by a run that crashed before switching the header expire after this. */
const ORPHAN_TTL_MS = 7 * 24 * 3600_000;

const HeaderSchema = z.object({
  generation: z.string(),
  chunkCount: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  updatedAt: z.number().int(),
});

export type CoaSnapshots = ReturnType<typeof createCoaSnapshots>;

export function createCoaSnapshots(deps: StoreDeps) {
  const clock = deps.clock ?? systemClock;
  const { doc, tableName } = deps;

  async function readHeader(tenantId: string, scope: string) {
    const res = await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { PK: tenantPk(tenantId), SK: coaHeaderSk(scope) },
        ConsistentRead: true,
      }),
    );
    return res.Item ? HeaderSchema.parse(res.Item) : undefined;
  }

  async function chunksOf(tenantId: string, scope: string, generation: string) {
    const rows: Array<{ SK: string; data?: Uint8Array }> = [];
    for await (const row of queryPrefix(deps, tenantPk(tenantId), coaGenerationPrefix(scope, generation)))
      rows.push({ SK: String(row.SK), data: row.data as Uint8Array | undefined });
    return rows;
  }

  return {
    /** The last snapshot stored for tenant × scope, validated with `schema`; undefined if none. */
    async get<T>(tenantId: string, scope: string, schema: z.ZodType<T>): Promise<T | undefined> {
      const header = await readHeader(tenantId, scope);
      if (!header) return undefined;
      const rows = await chunksOf(tenantId, scope, header.generation);
      if (rows.length !== header.chunkCount) {
        throw new Error(
          `CoA snapshot ${tenantId}/${scope}: ${rows.length} of ${header.chunkCount} chunks present`,
        );
      }
      const zipped = Buffer.concat(rows.map((r) => Buffer.from(r.data ?? new Uint8Array())));
      if (createHash("sha256").update(zipped).digest("hex") !== header.sha256) {
        throw new Error(`CoA snapshot ${tenantId}/${scope}: checksum mismatch`);
      }
      return schema.parse(JSON.parse(gunzipSync(zipped).toString("utf8")));
    },

    /** Stores `snapshot` as the new current one; returns its compressed size and chunk count. */
    async put(
      tenantId: string,
      scope: string,
      snapshot: unknown,
    ): Promise<{ bytes: number; chunkCount: number }> {
      const now = clock();
      const zipped = gzipSync(Buffer.from(JSON.stringify(snapshot), "utf8"));
      const generation = `${now}-${randomUUID().slice(0, 8)}`;
      const chunkCount = Math.max(1, Math.ceil(zipped.length / COA_CHUNK_BYTES));
      for (let n = 0; n < chunkCount; n++) {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              PK: tenantPk(tenantId),
              SK: coaChunkSk(scope, generation, n),
              type: "coa-chunk",
              data: new Uint8Array(zipped.subarray(n * COA_CHUNK_BYTES, (n + 1) * COA_CHUNK_BYTES)),
              ttl: ttlSeconds(now + ORPHAN_TTL_MS),
            },
          }),
        );
      }
      // This read stays: the old generation's chunks are deleted below, so which
      // generation is replaced must be known before the switch, not after it.
      const previous = await readHeader(tenantId, scope);
      const switched = await putIf(doc, {
        TableName: tableName,
        Item: {
          PK: tenantPk(tenantId),
          SK: coaHeaderSk(scope),
          type: "coa",
          generation,
          chunkCount,
          bytes: zipped.length,
          sha256: createHash("sha256").update(zipped).digest("hex"),
          updatedAt: now,
        },
        // Two concurrent pushes: the header only moves from the generation we read.
        ...unchangedSince("generation", previous?.generation),
      });
      if (!switched.ok) throw new Error(`CoA snapshot ${tenantId}/${scope} changed concurrently`);
      // The new generation is live: remove its TTL so it never expires, then drop the old generation.
      for (const row of await chunksOf(tenantId, scope, generation)) {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { PK: tenantPk(tenantId), SK: row.SK, type: "coa-chunk", data: row.data },
          }),
        );
      }
      if (previous) {
        for (const row of await chunksOf(tenantId, scope, previous.generation)) {
          await doc.send(
            new DeleteCommand({ TableName: tableName, Key: { PK: tenantPk(tenantId), SK: row.SK } }),
          );
        }
      }
      return { bytes: zipped.length, chunkCount };
    },
  };
}
