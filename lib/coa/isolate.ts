/**
 * Uploads one CoA batch so that one bad item never blocks the rest: Ramp
 * rejects a whole batch (all-or-nothing) when one item is invalid, so a
 * rejected batch is split — around the item Ramp names when its error names an
 * index (`gl_accounts[17]`), else in halves — until each bad item stands alone
 * and is reported with Ramp's own reason, while every good item lands.
 */
import { ErrorBodySchema, RampApiError } from "../ramp/errors.js";

export interface Rejection<T> {
  item: T;
  /** Ramp's message (error_v2.message), or ours for items refused before sending. */
  reason: string;
  code: string | null;
  traceId: string | null;
}

export interface IsolateResult<T, R> {
  landed: T[];
  /** What the upload calls returned for the landed items, in call order. */
  results: R[];
  rejected: Rejection<T>[];
  /** Upload calls made (each is one write call to Ramp). */
  calls: number;
}

/**
 * True when Ramp refused the items of this call rather than the call itself: a 422,
 * or a 400 that names an item. Any other failure (transport, 5xx after retries, a
 * 400 refusing the whole request such as a read-only connection) is thrown on: the
 * next push resumes from Ramp's lists.
 */
export function isItemRejection(err: unknown): err is RampApiError {
  if (!(err instanceof RampApiError)) return false;
  if (err.status === 422) return true;
  return err.status === 400 && rejectedIndex(err, Number.POSITIVE_INFINITY) !== null;
}

export function rampReason(err: RampApiError): string {
  const parsed = ErrorBodySchema.safeParse(err.body);
  return parsed.success && parsed.data.error_v2?.message ? parsed.data.error_v2.message : err.rampMessage;
}

/** The index of the one item Ramp's error names (`<list>[i]` in its message or field keys), if exactly one. */
export function rejectedIndex(err: RampApiError, batchLength: number): number | null {
  const parsed = ErrorBodySchema.safeParse(err.body);
  const v2 = parsed.success ? parsed.data.error_v2 : null;
  const texts = [v2?.message ?? ""];
  const info = v2?.additional_info;
  if (info && typeof info === "object") texts.push(...Object.keys(info));
  const found = new Set<number>();
  for (const t of texts) for (const m of t.matchAll(/\w\[(\d+)\]/g)) found.add(Number(m[1]));
  if (found.size !== 1) return null;
  const [i] = [...found];
  return i !== undefined && i < batchLength ? i : null;
}

export async function uploadIsolating<T, R>(
  items: readonly T[],
  upload: (batch: T[]) => Promise<R[]>,
): Promise<IsolateResult<T, R>> {
  const out: IsolateResult<T, R> = { landed: [], results: [], rejected: [], calls: 0 };
  const attempt = async (batch: T[]): Promise<void> => {
    if (batch.length === 0) return;
    out.calls++;
    try {
      out.results.push(...(await upload(batch)));
      out.landed.push(...batch);
      return;
    } catch (err) {
      if (!isItemRejection(err)) throw err;
      if (batch.length === 1) {
        out.rejected.push({
          item: batch[0] as T,
          reason: rampReason(err),
          code: err.code,
          traceId: err.traceId,
        });
        return;
      }
      const i = rejectedIndex(err, batch.length);
      if (i !== null) {
        await attempt(batch.slice(0, i));
        await attempt(batch.slice(i, i + 1));
        await attempt(batch.slice(i + 1));
      } else {
        const mid = Math.ceil(batch.length / 2);
        await attempt(batch.slice(0, mid));
        await attempt(batch.slice(mid));
      }
    }
  };
  await attempt([...items]);
  return out;
}
