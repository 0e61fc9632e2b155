/** Request-body readers that answer 422 `DEVELOPER_7001` naming the offending field. */
import { validation } from "./errors.js";

export type Obj = Record<string, unknown>;

export function asObject(body: unknown, where = "body"): Obj {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw validation(`${where} must be a JSON object`, where, ["Invalid input type."]);
  }
  return body as Obj;
}

export function reqString(o: Obj, name: string, where = name): string {
  const v = o[name];
  if (typeof v !== "string" || v.length === 0)
    throw validation(`${where}: missing or not a non-empty string`, where, [
      "Missing data for required field.",
    ]);
  return v;
}

export function optString(o: Obj, name: string, where = name): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw validation(`${where}: not a string`, where, ["Not a valid string."]);
  return v;
}

export function optBool(o: Obj, name: string, where = name): boolean | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw validation(`${where}: not a boolean`, where, ["Not a valid boolean."]);
  return v;
}

export function optStringArray(o: Obj, name: string, where = name): string[] | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw validation(`${where}: not a list of strings`, where, ["Not a valid list."]);
  }
  return v as string[];
}

/** A batch list of `min..max` items (CoA uploads 1–500, sync reports 1–5,000). */
export function batch(o: Obj, name: string, min: number, max: number): unknown[] {
  const v = o[name];
  if (!Array.isArray(v))
    throw validation(`${name}: missing or not a list`, name, ["Missing data for required field."]);
  if (v.length < min || v.length > max) {
    throw validation(`${name}: must contain between ${min} and ${max} items`, name, [
      `Length must be between ${min} and ${max}.`,
    ]);
  }
  return v;
}
