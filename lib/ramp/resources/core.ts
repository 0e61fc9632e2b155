/**
 * What every resource module of the client builds on: the tenant's RampHttp and
 * the few call shapes the endpoints share (a GET, a write, a DELETE, a
 * normalised list, a chunked upload), plus the query builders of the CoA lists.
 */
import type { z } from "zod";
import type { Query, RampHttp } from "../http.js";
import { pageSchema } from "../schemas/common.js";
import { chunk } from "../sync-report.js";

/** Ramp's batch limit per CoA upload call (docs/ramp-api.md §7). */
export const COA_UPLOAD_MAX = 500;
export const V1 = "/developer/v1";
export const enc = encodeURIComponent;

export interface CoaListFilter {
  remoteId?: string;
  isActive?: boolean;
  code?: string;
  /** Targets an inactive connection (migration tool); default is the active one. */
  accountingConnectionId?: string;
  pageSize?: number;
  extra?: Query;
}

export interface UploadResult<T> {
  items: T[];
  /** Ramp ids of what was created, over all chunks. */
  uploaded: string[];
}

export interface RampCore {
  http: RampHttp;
  get<T>(path: string, schema: z.ZodType<T>, query?: Query): Promise<T>;
  send<T>(
    method: "POST" | "PATCH" | "PUT",
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    query?: Query,
  ): Promise<T>;
  del(path: string, query?: Query): Promise<void>;
  /** Every item of a paged list, each mapped (normalised) as it arrives. */
  list<W, T>(path: string, item: z.ZodType<W, unknown>, map: (w: W) => T, query: Query): AsyncGenerator<T>;
  /** Validates every item, then posts them in ≤ COA_UPLOAD_MAX chunks, in order. */
  uploadChunks<I, T>(
    items: readonly I[],
    input: z.ZodType<I>,
    build: (batch: I[]) => Promise<UploadResult<T>>,
  ): Promise<UploadResult<T>>;
}

export function createRampCore(http: RampHttp): RampCore {
  return {
    http,
    get: (path, schema, query) => http.request({ method: "GET", path, schema, query }),
    send: (method, path, body, schema, query) => http.request({ method, path, body, schema, query }),
    del: (path, query) => http.request({ method: "DELETE", path, query }).then(() => undefined),
    list<W, T>(path: string, item: z.ZodType<W, unknown>, map: (w: W) => T, query: Query) {
      const page = pageSchema(item) as unknown as z.ZodType<{
        data: W[];
        page?: { next?: string | null } | null;
      }>;
      return mapAsync(http.paginate(path, query, item as z.ZodType<W>, page), map);
    },
    async uploadChunks<I, T>(
      items: readonly I[],
      input: z.ZodType<I>,
      build: (batch: I[]) => Promise<UploadResult<T>>,
    ): Promise<UploadResult<T>> {
      const valid = items.map((i) => input.parse(i));
      const out: UploadResult<T> = { items: [], uploaded: [] };
      for (const batch of chunk(valid, COA_UPLOAD_MAX)) {
        const r = await build(batch);
        out.items.push(...r.items);
        out.uploaded.push(...r.uploaded);
      }
      return out;
    },
  };
}

/** The reads and single-item writes of one CoA list addressed by `ramp_id` under `base`. */
export function coaItems<T, P>(core: RampCore, base: string, item: z.ZodType<T>, patchBody: z.ZodType<P>) {
  const one = (rampId: string) => `${base}/${enc(rampId)}`;
  return {
    list: (query: Query): AsyncGenerator<T> => core.list(base, item, (x) => x, query),
    get: (rampId: string, query?: Query): Promise<T> => core.get(one(rampId), item, query),
    patch: (rampId: string, patch: P): Promise<T> =>
      core.send("PATCH", one(rampId), patchBody.parse(patch), item),
    remove: (rampId: string): Promise<void> => core.del(one(rampId)),
  };
}

export const coaQuery = (f: CoaListFilter = {}): Query => ({
  remote_id: f.remoteId,
  is_active: f.isActive,
  code: f.code,
  accounting_connection_id: f.accountingConnectionId,
  page_size: f.pageSize,
  ...f.extra,
});

/** The `accounting_connection_id` query of the single-connection reads. */
export const connQuery = (connectionId?: string): Query => ({ accounting_connection_id: connectionId });

/** The `accounting_connection_id` body member of an upload, present only when a connection is named. */
export const connBody = (connectionId?: string): { accounting_connection_id?: string } =>
  connectionId ? { accounting_connection_id: connectionId } : {};

async function* mapAsync<A, B>(source: AsyncGenerator<A>, map: (a: A) => B): AsyncGenerator<B> {
  for await (const a of source) yield map(a);
}
