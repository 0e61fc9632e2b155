/**
 * The control API under `/sandbox/…`: what users do in Ramp's UI (control-ui.ts) plus test
 * plumbing here (reset, seeding businesses and apps, counters, config, clock, webhook logs);
 * receipts and the file host in control-receipts.ts.
 * Never under `/developer/…`; no auth. Documented in README.md. Each call acts on the business
 * named by `?business_id=` (or `business_id` in the body), else on the default business.
 */
import { isoTime } from "./clock.js";
import { applyConfigPatch, type ConfigPatch } from "./config.js";
import {
  business,
  ControlError,
  type ControlHooks,
  type ControlReply,
  type ControlRequest,
  credentials,
  num,
  seedOptionsFrom,
} from "./control-common.js";
import { handleReceiptControl } from "./control-receipts.js";
import { handleUiAction } from "./control-ui.js";
import { childRng } from "./prng.js";
import { seedBusiness } from "./seed.js";
import { emptyCounters, registerBusiness, removeAllBusinesses, type SandboxState } from "./state.js";
import { handleSyncReport } from "./sync-report.js";

export { ControlError, credentials, seedOptionsFrom };

export function handleControl(sb: SandboxState, req: ControlRequest, hooks: ControlHooks): ControlReply {
  const ui = handleUiAction(sb, req) ?? handleReceiptControl(sb, req) ?? handleSyncReport(sb, req);
  if (ui) return ui;
  const { method, path, body } = req;
  const m = (verb: string, pattern: RegExp) => (method === verb ? pattern.exec(path) : null);
  let _g: RegExpExecArray | null;
  const done = (b: unknown, status = 200) => ({ status, body: b });

  if (m("GET", /^\/sandbox\/health$/)) return done({ ok: true, businesses: sb.businesses.size });

  if (m("POST", /^\/sandbox\/reset$/)) {
    const current = sb.businesses.get(sb.defaultBusinessId);
    const app = current?.apps[0];
    const opts = seedOptionsFrom({ ...body }, current?.seed ?? 1);
    opts.clientId ??= app?.clientId;
    opts.clientSecret ??= app?.clientSecret;
    removeAllBusinesses(sb);
    const biz = seedBusiness(opts, sb.clock.now());
    registerBusiness(sb, biz);
    sb.defaultBusinessId = biz.id;
    sb.counters = emptyCounters();
    return done(credentials(biz));
  }
  if (m("POST", /^\/sandbox\/businesses$/)) {
    const opts = seedOptionsFrom(body, sb.businesses.size + 1);
    const biz = seedBusiness(opts, sb.clock.now());
    if (sb.businesses.has(biz.id) || (opts.clientId && sb.apps.has(opts.clientId))) {
      throw new ControlError(409, "a business with this seed or client id already exists");
    }
    registerBusiness(sb, biz);
    return done(credentials(biz), 201);
  }
  if (m("GET", /^\/sandbox\/businesses$/)) {
    return done(
      [...sb.businesses.values()].map((b) => ({
        ...credentials(b),
        name: b.name,
        default: b.id === sb.defaultBusinessId,
      })),
    );
  }
  if (m("POST", /^\/sandbox\/apps$/)) {
    const biz = business(sb, req);
    const rng = childRng(sb.rng.int(0, 2 ** 31), "app");
    const scopes = Array.isArray(body.scopes) ? (body.scopes as string[]) : [];
    const app = {
      clientId: typeof body.client_id === "string" ? body.client_id : `sandbox_client_${rng.hex(8)}`,
      clientSecret:
        typeof body.client_secret === "string" ? body.client_secret : `sandbox_secret_${rng.hex(16)}`,
      scopes,
    };
    if (sb.apps.has(app.clientId)) throw new ControlError(409, `client id ${app.clientId} exists`);
    biz.apps.push(app);
    sb.apps.set(app.clientId, { app, businessId: biz.id });
    return done(
      { business_id: biz.id, client_id: app.clientId, client_secret: app.clientSecret, scopes },
      201,
    );
  }

  if (m("GET", /^\/sandbox\/stats$/)) return done(sb.counters);
  if (m("POST", /^\/sandbox\/stats\/reset$/)) {
    sb.counters = emptyCounters();
    return done(sb.counters);
  }
  if (m("GET", /^\/sandbox\/config$/)) return done(sb.config);
  if (m("PUT", /^\/sandbox\/config$/)) {
    applyConfigPatch(sb.config, body as ConfigPatch);
    if (body.rateLimit) sb.limiter.reset();
    return done(sb.config);
  }
  if (m("GET", /^\/sandbox\/webhooks\/deliveries$/)) return done(sb.webhooks.attempts);
  if (m("GET", /^\/sandbox\/webhooks$/)) {
    return done(
      business(sb, req).webhooks.map((w) => ({
        id: w.id,
        status: w.status,
        endpoint_url: w.endpointUrl,
        secret: w.secret,
        challenge: w.challenge,
      })),
    );
  }
  if (m("POST", /^\/sandbox\/clock$/)) {
    hooks.advanceClock(num(body.advance_ms, 0) as number);
    return done({ now: isoTime(sb.clock.now()) });
  }
  if (m("GET", /^\/sandbox\/clock$/)) return done({ now: isoTime(sb.clock.now()) });
  throw new ControlError(404, `no control endpoint ${method} ${path}`);
}
