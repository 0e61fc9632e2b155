/**
 * Reads Ramp's official OpenAPI 3.0 document (from ../shared, never copied into the repo) and
 * turns its schemas into JSON Schema that ajv validates:
 * - `nullable: true` becomes "or null";
 * - `oneOf` becomes `anyOf`: the 2025 document's unions are not mutually exclusive (e.g. the bill
 *   payment `details` variants have no required distinguishing property, and `GET /connection`'s
 *   `AccountingProvider | ApiEmptyResponse` both accept any object), so a strict oneOf rejects
 *   every valid payload;
 * - the spec's own `decimal` string format is registered.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const SPEC_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/ramp-api/openapi/developer-api.2025-08.json",
);

export const specPresent = existsSync(SPEC_PATH);

type Json = Record<string, unknown>;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "nullable" || k === "discriminator" || k === "example" || k === "readOnly" || k === "writeOnly")
      continue;
    out[k === "oneOf" ? "anyOf" : k] = convert(v);
  }
  if ((node as Json).nullable === true) {
    if (typeof out.type === "string" && !out.allOf && !out.anyOf) {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

export interface Spec {
  doc: { paths: Record<string, Record<string, Json>> };
  /** Validator for the JSON response of `METHOD path-template` with that status, or null if the spec has none. */
  validator(method: string, path: string, status: number): ValidateFunction | null;
}

export function loadSpec(): Spec {
  const doc = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as Spec["doc"] & { components: Json };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("decimal", /^-?\d+(\.\d+)?$/);
  ajv.addSchema({ $id: "ramp", components: convert(doc.components) });
  const cache = new Map<string, ValidateFunction | null>();
  return {
    doc,
    validator(method, path, status) {
      const key = `${method} ${path} ${status}`;
      if (cache.has(key)) return cache.get(key) ?? null;
      const op = doc.paths[path]?.[method.toLowerCase()] as Json | undefined;
      const responses = (op?.responses ?? {}) as Record<
        string,
        { content?: Record<string, { schema?: Json }> }
      >;
      const schema = responses[String(status)]?.content?.["application/json"]?.schema;
      const fn = schema
        ? ajv.compile(
            JSON.parse(
              JSON.stringify(convert(schema)).replaceAll('"#/components/', '"ramp#/components/'),
            ) as Json,
          )
        : null;
      cache.set(key, fn);
      return fn;
    },
  };
}
