/**
 * A tenant's wall clock: IANA zone names checked with Intl, and an instant read
 * as that zone's local date, weekday and time. Always through Intl.DateTimeFormat
 * (the zone's rules at that instant), never a fixed offset: Sydney is +10 in June
 * and +11 in December, Los Angeles -8 in January and -7 in July. Pure.
 */

export const DEFAULT_TIME_ZONE = "UTC";

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per zone: building one costs far more than formatting, and the
 * schedule asks for every tenant every tick.
 */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a zone name this runtime's Intl knows ("Australia/Sydney", "UTC"; not "AEST" or "+10:00"). */
export function isTimeZone(name: string): boolean {
  if (!name || name !== name.trim()) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday, as Date#getUTCDay. */
  weekday: number;
  /** Minutes east of UTC in force at that instant (DST included). */
  offsetMinutes: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The local reading of instant `ms` in `timeZone`. */
export function zonedTime(ms: number, timeZone: string = DEFAULT_TIME_ZONE): ZonedTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const n = (k: string) => Number(parts[k]);
  const t = {
    year: n("year"),
    month: n("month"),
    day: n("day"),
    hour: n("hour"),
    minute: n("minute"),
    second: n("second"),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? Number.NaN,
  };
  // Intl gives no offset number; the wall clock read back as if UTC, minus the instant, is it.
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const offsetMinutes = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  return { ...t, offsetMinutes };
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");

/**
 * An instant as ISO 8601 with the zone's offset then in force
 * ("2026-10-03T09:00:00+10:00"; "…Z" in UTC): what the operator's customer's
 * clock showed, and still one exact instant. Null and unparsable input pass
 * through as given ("-" / the original text), so a display never throws.
 */
export function formatInZone(value: number | string | null | undefined, timeZone: string): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return String(value);
  const t = zonedTime(ms, timeZone);
  const off = t.offsetMinutes;
  const zone =
    timeZone === "UTC" && off === 0
      ? "Z"
      : `${off < 0 ? "-" : "+"}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${zone}`;
}
