/** Custom fields and their options (REFERENCE §7.2, §7.3). */
import {
  type CoaPatch,
  CoaPatchSchema,
  type Field,
  type FieldInput,
  FieldInputSchema,
  type FieldOption,
  type FieldOptionInput,
  FieldOptionInputSchema,
  FieldOptionSchema,
  type FieldPatch,
  FieldPatchSchema,
  FieldSchema,
  OptionUploadResponseSchema,
} from "../schemas/accounting.js";
import { type CoaListFilter, coaQuery, connBody, enc, type RampCore, type UploadResult, V1 } from "./core.js";

export type FieldOptionFilter = CoaListFilter & { visibility?: "HIDDEN" | "VISIBLE" };

export interface CustomFieldsApi {
  listFields(filter?: CoaListFilter): AsyncGenerator<Field>;
  /** Idempotent on the remote `id` at Ramp: an existing field is returned, an inactive one reactivated. */
  createField(field: FieldInput): Promise<Field>;
  getField(rampId: string): Promise<Field>;
  patchField(rampId: string, patch: FieldPatch): Promise<Field>;
  deleteField(rampId: string): Promise<void>;
  listFieldOptions(fieldRampId: string, filter?: FieldOptionFilter): AsyncGenerator<FieldOption>;
  uploadFieldOptions(
    fieldRampId: string,
    options: readonly FieldOptionInput[],
    connectionId?: string,
  ): Promise<UploadResult<FieldOption>>;
  getFieldOption(rampId: string): Promise<FieldOption>;
  patchFieldOption(rampId: string, patch: CoaPatch): Promise<FieldOption>;
  deleteFieldOption(rampId: string): Promise<void>;
}

export function customFieldsApi({ get, send, del, list, uploadChunks }: RampCore): CustomFieldsApi {
  const fields = `${V1}/accounting/fields`;
  const options = `${V1}/accounting/field-options`;
  return {
    listFields(filter) {
      return list(fields, FieldSchema, (x) => x, coaQuery(filter));
    },
    createField(field) {
      return send("POST", fields, FieldInputSchema.parse(field), FieldSchema);
    },
    getField(rampId) {
      return get(`${fields}/${enc(rampId)}`, FieldSchema);
    },
    patchField(rampId, patch) {
      return send("PATCH", `${fields}/${enc(rampId)}`, FieldPatchSchema.parse(patch), FieldSchema);
    },
    deleteField(rampId) {
      return del(`${fields}/${enc(rampId)}`);
    },
    listFieldOptions(fieldRampId, filter) {
      const query = { field_id: fieldRampId, visibility: filter?.visibility, ...coaQuery(filter) };
      return list(options, FieldOptionSchema, (x): FieldOption => x, query);
    },
    uploadFieldOptions(fieldRampId, items, connectionId) {
      return uploadChunks(items, FieldOptionInputSchema, async (batch) => {
        const body = { field_id: fieldRampId, options: batch, ...connBody(connectionId) };
        const r = await send("POST", options, body, OptionUploadResponseSchema);
        return { items: r.options ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getFieldOption(rampId) {
      return get(`${options}/${enc(rampId)}`, FieldOptionSchema);
    },
    patchFieldOption(rampId, patch) {
      return send("PATCH", `${options}/${enc(rampId)}`, CoaPatchSchema.parse(patch), FieldOptionSchema);
    },
    deleteFieldOption(rampId) {
      return del(`${options}/${enc(rampId)}`);
    },
  };
}
