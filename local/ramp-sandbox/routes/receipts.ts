/**
 * `GET /receipts` and `GET /receipts/{receipt_id}`: Ramp's receipt list is per card transaction
 * (reimbursement receipts are reached by id from the reimbursement's `receipts`), deleted
 * receipts are gone, and each read mints a fresh pre-signed `receipt_url` (receipts.ts).
 */
import { notFound, validation } from "../errors.js";
import { ok, paginate, type Route, route, timeParam } from "../http.js";
import { receiptToApi } from "../receipts.js";

const V1 = "/developer/v1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const receiptRoutes: Route[] = [
  route("GET", `${V1}/receipts`, ["receipts:read"], (ctx) => {
    const q = ctx.query;
    const createdAfter = timeParam(q, "created_after");
    const createdBefore = timeParam(q, "created_before");
    const from = timeParam(q, "from_date");
    const to = timeParam(q, "to_date");
    const transactionId = q.get("transaction_id");
    if (transactionId !== null && !UUID.test(transactionId)) {
      throw validation("transaction_id must be a valid UUID", "transaction_id", ["Not a valid UUID."]);
    }
    const txns = ctx.biz.transactions;
    return paginate(
      ctx,
      ctx.biz.receipts,
      (r) => {
        if (r.deleted || r.transactionId === null) return false;
        if (transactionId !== null && r.transactionId !== transactionId) return false;
        if (createdAfter !== undefined && r.createdAt <= createdAfter) return false;
        if (createdBefore !== undefined && r.createdAt >= createdBefore) return false;
        if (from === undefined && to === undefined) return true;
        const t = txns.get(r.transactionId);
        if (!t) return false;
        return (from === undefined || t.userTime >= from) && (to === undefined || t.userTime <= to);
      },
      (r) => receiptToApi(ctx.sb, r),
    );
  }),
  route("GET", `${V1}/receipts/{receipt_id}`, ["receipts:read"], (ctx) => {
    const id = ctx.params.receipt_id as string;
    const r = ctx.biz.receipts.get(id);
    if (!r || r.deleted) throw notFound("Receipt", id);
    return ok(receiptToApi(ctx.sb, r));
  }),
];
