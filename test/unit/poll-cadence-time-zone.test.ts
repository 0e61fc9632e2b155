/**
 * The weekend cadence follows the tenant's own wall clock, DST included: the
 * UTC hours at which a Sydney or Los Angeles Saturday begins and its Monday
 * comes back, on the weekends the clocks change and on ordinary ones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateTenantDocument } from "../../lib/config/tenant-document.js";
import { formatInZone, isTimeZone, zonedTime } from "../../lib/domain/time-zone.js";
import { pollAllowanceMs } from "../../lib/health/signals.js";
import { isDue, isWeekend, pollIntervalMs } from "../../lib/poll/cadence.js";
import { tenant } from "./poll-support.js";

const H = 3_600_000;
const MIN = 60_000;
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

/** The weekend's first and last minute must be the weekend, the minutes just outside it not. */
function expectWeekend(tz: string, start: number, end: number) {
  expect(isWeekend(start - MIN, tz)).toBe(false);
  expect(isWeekend(start, tz)).toBe(true);
  expect(isWeekend(end - MIN, tz)).toBe(true);
  expect(isWeekend(end, tz)).toBe(false);
}

describe("weekend cadence in the tenant's time zone", () => {
  it("Sydney, an ordinary winter weekend (AEST, +10): Friday 14:00 UTC to Sunday 14:00 UTC", () => {
    // Saturday 2026-06-20 00:00 AEST = Friday 2026-06-19 14:00 UTC; Monday 00:00 AEST = Sunday 14:00 UTC.
    expectWeekend("Australia/Sydney", utc(2026, 6, 19, 14), utc(2026, 6, 21, 14));
    // Friday evening in UTC is already Saturday in Sydney, and Sunday afternoon UTC already Monday.
    expect(isWeekend(utc(2026, 6, 19, 20), "UTC")).toBe(false);
    expect(isWeekend(utc(2026, 6, 21, 15), "UTC")).toBe(true);
    expect(isWeekend(utc(2026, 6, 21, 15), "Australia/Sydney")).toBe(false);
  });

  it("Sydney, the weekend DST starts (first Sunday of October): 47 hours, Monday at 13:00 UTC", () => {
    // Saturday 2026-10-03 00:00 AEST (+10) = Friday 14:00 UTC; Sunday 02:00 AEST → 03:00 AEDT;
    // Monday 2026-10-05 00:00 AEDT (+11) = Sunday 2026-10-04 13:00 UTC.
    const start = utc(2026, 10, 2, 14);
    const end = utc(2026, 10, 4, 13);
    expectWeekend("Australia/Sydney", start, end);
    expect(end - start).toBe(47 * H);
  });

  it("Sydney, the weekend DST ends (first Sunday of April): 49 hours, Friday at 13:00 UTC", () => {
    // Saturday 2026-04-04 00:00 AEDT (+11) = Friday 13:00 UTC; Sunday 03:00 AEDT → 02:00 AEST;
    // Monday 2026-04-06 00:00 AEST (+10) = Sunday 2026-04-05 14:00 UTC.
    const start = utc(2026, 4, 3, 13);
    const end = utc(2026, 4, 5, 14);
    expectWeekend("Australia/Sydney", start, end);
    expect(end - start).toBe(49 * H);
  });

  it("Los Angeles, both DST weekends (second Sunday of March, first Sunday of November)", () => {
    // Saturday 2026-03-07 00:00 PST (-8) = 08:00 UTC; Monday 2026-03-09 00:00 PDT (-7) = 07:00 UTC.
    expectWeekend("America/Los_Angeles", utc(2026, 3, 7, 8), utc(2026, 3, 9, 7));
    // Saturday 2026-10-31 00:00 PDT (-7) = 07:00 UTC; Monday 2026-11-02 00:00 PST (-8) = 08:00 UTC.
    expectWeekend("America/Los_Angeles", utc(2026, 10, 31, 7), utc(2026, 11, 2, 8));
    // An ordinary summer one: Saturday 2026-06-20 00:00 PDT = 07:00 UTC.
    expectWeekend("America/Los_Angeles", utc(2026, 6, 20, 7), utc(2026, 6, 22, 7));
  });

  it("the interval and isDue follow the tenant's zone, not UTC", () => {
    const sydney = tenant({ timeZone: "Australia/Sydney" });
    const la = tenant({ timeZone: "America/Los_Angeles" });
    const fri2000utc = utc(2026, 6, 19, 20); // Saturday 06:00 in Sydney, Friday 13:00 in LA
    expect(pollIntervalMs(sydney.cadence, fri2000utc, sydney.timeZone)).toBe(12 * H);
    expect(pollIntervalMs(la.cadence, fri2000utc, la.timeZone)).toBe(2 * H);
    const last = fri2000utc - 3 * H;
    expect(isDue(sydney, last, fri2000utc, { toleranceMs: 0 })).toBe(false);
    expect(isDue(la, last, fri2000utc, { toleranceMs: 0 })).toBe(true);
    // The health signal's allowance (PollOverdue) uses the same clock: Sydney's Saturday allows 2 × 12 h.
    expect(pollAllowanceMs(sydney.cadence, last, fri2000utc, 0, sydney.timeZone)).toBe(24 * H);
    expect(pollAllowanceMs(la.cadence, last, fri2000utc, 0, la.timeZone)).toBe(4 * H);
  });

  it("a local Saturday begins and a local Monday ends it exactly at local midnight (property)", () => {
    const zones = fc.constantFrom(
      "Australia/Sydney",
      "America/Los_Angeles",
      "Europe/London",
      "Asia/Kolkata",
      "Pacific/Chatham",
      "UTC",
    );
    const minute = fc.integer({ min: utc(2024, 1, 1) / MIN, max: utc(2030, 12, 31) / MIN });
    fc.assert(
      fc.property(zones, minute, (tz, m) => {
        const t = m * MIN;
        const local = zonedTime(t, tz);
        // The weekday Intl gives agrees with the local calendar date…
        expect(new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay()).toBe(local.weekday);
        expect(isWeekend(t, tz)).toBe(local.weekday === 0 || local.weekday === 6);
        // …and the answer only ever flips where the local clock reads midnight.
        if (isWeekend(t, tz) !== isWeekend(t + MIN, tz)) {
          const next = zonedTime(t + MIN, tz);
          expect([next.hour, next.minute]).toEqual([0, 0]);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("tenant time zone setting", () => {
  it("defaults to UTC; an IANA name is kept; anything else is refused naming the value", () => {
    expect(tenant().timeZone).toBe("UTC");
    expect(tenant({ timeZone: "Australia/Sydney" }).timeZone).toBe("Australia/Sydney");
    expect(() => tenant({ timeZone: "+10:00" })).toThrow(/not an IANA time zone name/);
    const doc = { ...tenant(), timeZone: "Sydney" };
    const r = validateTenantDocument(doc);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toContain(
        `timeZone: "Sydney" is not an IANA time zone name (e.g. "Australia/Sydney", "America/Los_Angeles", "UTC")`,
      );
    expect(isTimeZone("America/Los_Angeles")).toBe(true);
    expect(isTimeZone("")).toBe(false);
  });

  it("instants are shown with the zone's offset then in force", () => {
    expect(formatInZone("2026-06-19T14:00:00.000Z", "Australia/Sydney")).toBe("2026-06-20T00:00:00+10:00");
    expect(formatInZone("2026-12-19T13:00:00.000Z", "Australia/Sydney")).toBe("2026-12-20T00:00:00+11:00");
    expect(formatInZone(utc(2026, 1, 15, 20), "America/Los_Angeles")).toBe("2026-01-15T12:00:00-08:00");
    expect(formatInZone(utc(2026, 1, 15, 20), "UTC")).toBe("2026-01-15T20:00:00Z");
    expect(formatInZone(utc(2026, 1, 15, 20), "Asia/Kolkata")).toBe("2026-01-16T01:30:00+05:30");
    expect(formatInZone(null, "UTC")).toBeNull();
    expect(formatInZone("not a date", "UTC")).toBe("not a date");
  });
});
