/** Tax (beta): tax rates, the single tax-code field, its options (docs/ramp-api.md §7.5). */
import * as z from "zod";
import {
  type TaxCodeField,
  TaxCodeFieldSchema,
  type TaxCodeOption,
  type TaxCodeOptionInput,
  TaxCodeOptionInputSchema,
  type TaxCodeOptionPatch,
  TaxCodeOptionPatchSchema,
  TaxCodeOptionSchema,
  type TaxRate,
  type TaxRateInput,
  TaxRateInputSchema,
  type TaxRatePatch,
  TaxRatePatchSchema,
  TaxRateSchema,
} from "../schemas/accounting.js";
import { type CoaListFilter, coaQuery, connBody, connQuery, enc, type RampCore, V1 } from "./core.js";

export interface TaxApi {
  listTaxRates(connectionId?: string): AsyncGenerator<TaxRate>;
  uploadTaxRates(rates: readonly TaxRateInput[], connectionId?: string): Promise<void>;
  /** PATCH `/accounting/tax/rates/{tax_rate_id}` (the rate's `ramp_id`). */
  patchTaxRate(rampId: string, patch: TaxRatePatch): Promise<void>;
  /** DELETE `/accounting/tax/rates/{tax_rate_id}`: a soft delete, undone by `patchTaxRate(id, { reactivate: true })`. */
  deleteTaxRate(rampId: string): Promise<void>;
  createTaxCodeField(name: string, connectionId?: string): Promise<TaxCodeField>;
  getTaxCodeField(connectionId?: string): Promise<TaxCodeField>;
  deleteTaxCodeField(connectionId?: string): Promise<void>;
  listTaxCodeOptions(filter?: CoaListFilter): AsyncGenerator<TaxCodeOption>;
  uploadTaxCodeOptions(options: readonly TaxCodeOptionInput[], connectionId?: string): Promise<void>;
  /** PATCH `/accounting/tax/code/options/{option_id}` (the option's `ramp_id`). */
  patchTaxCodeOption(rampId: string, patch: TaxCodeOptionPatch): Promise<void>;
  /** DELETE `/accounting/tax/code/options/{option_id}`: a soft delete. */
  deleteTaxCodeOption(rampId: string): Promise<void>;
}

export function taxApi({ get, send, del, list, uploadChunks }: RampCore): TaxApi {
  const rates = `${V1}/accounting/tax/rates`;
  const code = `${V1}/accounting/tax/code`;
  const options = `${V1}/accounting/tax/code/options`;
  // Tax write responses are undocumented ([U]): nothing in them is relied on.
  const post = (path: string, body: unknown) =>
    send("POST", path, body, z.unknown()).then(() => ({ items: [], uploaded: [] }));
  const patch = (path: string, body: unknown) => send("PATCH", path, body, z.unknown()).then(() => undefined);
  return {
    listTaxRates(connectionId) {
      return list(rates, TaxRateSchema, (x) => x, connQuery(connectionId));
    },
    async uploadTaxRates(items, connectionId) {
      await uploadChunks(items, TaxRateInputSchema, (tax_rates) =>
        post(rates, { tax_rates, ...connBody(connectionId) }),
      );
    },
    patchTaxRate(rampId, body) {
      return patch(`${rates}/${enc(rampId)}`, TaxRatePatchSchema.parse(body));
    },
    deleteTaxRate(rampId) {
      return del(`${rates}/${enc(rampId)}`);
    },
    createTaxCodeField(name, connectionId) {
      const body = { name: z.string().min(1).parse(name), ...connBody(connectionId) };
      return send("POST", code, body, TaxCodeFieldSchema);
    },
    getTaxCodeField(connectionId) {
      return get(code, TaxCodeFieldSchema, connQuery(connectionId));
    },
    deleteTaxCodeField(connectionId) {
      return del(code, connQuery(connectionId));
    },
    listTaxCodeOptions(filter) {
      return list(options, TaxCodeOptionSchema, (x) => x, coaQuery(filter));
    },
    async uploadTaxCodeOptions(items, connectionId) {
      await uploadChunks(items, TaxCodeOptionInputSchema, (batch) =>
        post(options, { options: batch, ...connBody(connectionId) }),
      );
    },
    patchTaxCodeOption(rampId, body) {
      return patch(`${options}/${enc(rampId)}`, TaxCodeOptionPatchSchema.parse(body));
    },
    deleteTaxCodeOption(rampId) {
      return del(`${options}/${enc(rampId)}`);
    },
  };
}
