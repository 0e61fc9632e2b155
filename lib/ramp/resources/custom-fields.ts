/** Custom fields and their options (docs/ramp-api.md §7.2, §7.3). */
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
import {
  type CoaListFilter,
  coaItems,
  coaQuery,
  connBody,
  type RampCore,
  type UploadResult,
  V1,
} from "./core.js";

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

export function customFieldsApi(core: RampCore): CustomFieldsApi {
  const fieldsBase = `${V1}/accounting/fields`;
  const optionsBase = `${V1}/accounting/field-options`;
  const fields = coaItems(core, fieldsBase, FieldSchema, FieldPatchSchema);
  const options = coaItems(core, optionsBase, FieldOptionSchema, CoaPatchSchema);
  return {
    listFields: (filter) => fields.list(coaQuery(filter)),
    createField: (field) => core.send("POST", fieldsBase, FieldInputSchema.parse(field), FieldSchema),
    getField: (rampId) => fields.get(rampId),
    patchField: fields.patch,
    deleteField: fields.remove,
    listFieldOptions: (fieldRampId, filter) =>
      options.list({ field_id: fieldRampId, visibility: filter?.visibility, ...coaQuery(filter) }),
    uploadFieldOptions(fieldRampId, items, connectionId) {
      return core.uploadChunks(items, FieldOptionInputSchema, async (batch) => {
        const body = { field_id: fieldRampId, options: batch, ...connBody(connectionId) };
        const r = await core.send("POST", optionsBase, body, OptionUploadResponseSchema);
        return { items: r.options ?? [], uploaded: r.uploaded ?? [] };
      });
    },
    getFieldOption: (rampId) => options.get(rampId),
    patchFieldOption: options.patch,
    deleteFieldOption: options.remove,
  };
}
