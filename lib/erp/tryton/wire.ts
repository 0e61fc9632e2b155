/**
 * Tryton's JSON-RPC value tagging. Dates and decimals are not JSON types, so the
 * server wants (and sends back) objects with a `__class__` tag. Decimals travel
 * as strings both ways: a JSON float would lose exactness and Tryton refuses
 * floats with more digits than the field allows.
 */

export interface TaggedDate {
  __class__: "date";
  year: number;
  month: number;
  day: number;
}

export interface TaggedDecimal {
  __class__: "Decimal";
  decimal: string;
}

/** 'YYYY-MM-DD' → tagged date. */
export function tagDate(iso: string): TaggedDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new TypeError(`not an ISO date: "${iso}"`);
  return { __class__: "date", year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Decimal string ("12.34", "-0.50") → tagged decimal. */
export function tagDecimal(value: string): TaggedDecimal {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new TypeError(`not a decimal string: "${value}"`);
  return { __class__: "Decimal", decimal: value };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Tagged values from the server → plain JSON: Decimal → string (exact),
 * date → 'YYYY-MM-DD', datetime → ISO string, bytes → base64 string,
 * timedelta → seconds. Everything else passes through.
 */
export function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (value === null || typeof value !== "object") return value;
  const v = value as Record<string, unknown>;
  switch (v.__class__) {
    case "Decimal":
      return String(v.decimal);
    case "date":
      return `${pad(Number(v.year), 4)}-${pad(Number(v.month))}-${pad(Number(v.day))}`;
    case "datetime":
      return new Date(
        Date.UTC(
          Number(v.year),
          Number(v.month) - 1,
          Number(v.day),
          Number(v.hour ?? 0),
          Number(v.minute ?? 0),
          Number(v.second ?? 0),
          Math.floor(Number(v.microsecond ?? 0) / 1000),
        ),
      ).toISOString();
    case "bytes":
      return String(v.base64);
    case "timedelta":
      return Number(v.seconds);
    default:
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, untag(x)]));
  }
}

/** SQLite hands Boolean columns back as 0/1; computed booleans come as true/false. */
export const truthy = (v: unknown): boolean => v === true || v === 1 || v === "1";
