import { describe, expect, it } from "vitest";
import { isDue, isWeekend, pollIntervalMs } from "../../lib/poll/cadence.js";
import { tenant } from "./poll-support.js";

const H = 3_600_000;
// 2026-06-17 is a Wednesday, 2026-06-20 a Saturday.
const WED_NOON = Date.UTC(2026, 5, 17, 12, 0, 0);
const SAT_NOON = Date.UTC(2026, 5, 20, 12, 0, 0);

describe("poll cadence", () => {
  const t = tenant(); // defaults: weekday 2 h, weekend 12 h

  it("polls a tenant that was never polled", () => {
    expect(isDue(t, null, WED_NOON)).toBe(true);
    expect(isDue(t, null, SAT_NOON)).toBe(true);
  });

  it("weekdays: due every 2 h by default", () => {
    expect(isDue(t, WED_NOON - 1 * H, WED_NOON, { toleranceMs: 0 })).toBe(false);
    expect(isDue(t, WED_NOON - 2 * H + 1, WED_NOON, { toleranceMs: 0 })).toBe(false);
    expect(isDue(t, WED_NOON - 2 * H, WED_NOON, { toleranceMs: 0 })).toBe(true);
  });

  it("weekends: due every 12 h by default", () => {
    expect(isDue(t, SAT_NOON - 2 * H, SAT_NOON, { toleranceMs: 0 })).toBe(false);
    expect(isDue(t, SAT_NOON - 11 * H, SAT_NOON, { toleranceMs: 0 })).toBe(false);
    expect(isDue(t, SAT_NOON - 12 * H, SAT_NOON, { toleranceMs: 0 })).toBe(true);
  });

  it("per-tenant overrides replace the defaults", () => {
    const fast = tenant({ cadence: { weekdayHours: 1, weekendHours: 6 } });
    expect(isDue(fast, WED_NOON - 1 * H, WED_NOON, { toleranceMs: 0 })).toBe(true);
    expect(isDue(fast, SAT_NOON - 6 * H, SAT_NOON, { toleranceMs: 0 })).toBe(true);
    expect(isDue(fast, SAT_NOON - 5 * H, SAT_NOON, { toleranceMs: 0 })).toBe(false);
    const slow = tenant({ cadence: { weekdayHours: 4 } });
    expect(isDue(slow, WED_NOON - 3 * H, WED_NOON, { toleranceMs: 0 })).toBe(false);
    expect(isDue(slow, WED_NOON - 4 * H, WED_NOON, { toleranceMs: 0 })).toBe(true);
  });

  it("a dispatch a few seconds after a tick is due again on the tick one interval later", () => {
    const last = WED_NOON - 2 * H + 3_000; // dispatched at 10:00:03
    expect(isDue(t, last, WED_NOON)).toBe(true); // default tolerance 5 min
    expect(isDue(t, last, WED_NOON, { toleranceMs: 0 })).toBe(false);
  });

  it("disabled tenants are never due; a marker from the future does not stall polling", () => {
    expect(isDue(tenant({ enabled: false }), null, WED_NOON)).toBe(false);
    expect(isDue(t, WED_NOON + H, WED_NOON)).toBe(true);
  });

  it("weekend is decided in UTC unless the tenant names a time zone", () => {
    const friLateUtc = Date.UTC(2026, 5, 19, 22, 0, 0); // Friday 22:00 UTC = Saturday 00:00 in Berlin (CEST, +02:00)
    expect(isWeekend(friLateUtc)).toBe(false);
    expect(isWeekend(friLateUtc, "Europe/Berlin")).toBe(true);
    expect(pollIntervalMs(t.cadence, friLateUtc)).toBe(2 * H);
    expect(pollIntervalMs(t.cadence, friLateUtc, "Europe/Berlin")).toBe(12 * H);
    const berlin = tenant({ timeZone: "Europe/Berlin" });
    expect(isDue(berlin, friLateUtc - 3 * H, friLateUtc, { toleranceMs: 0 })).toBe(false);
    expect(isDue(t, friLateUtc - 3 * H, friLateUtc, { toleranceMs: 0 })).toBe(true);
    expect(isWeekend(SAT_NOON)).toBe(true);
    expect(isWeekend(Date.UTC(2026, 5, 21, 23, 59))).toBe(true); // Sunday
    expect(isWeekend(Date.UTC(2026, 5, 22, 0, 0))).toBe(false); // Monday
  });
});
