/** Ramp (bill-pay) vendors, their credits, and the business's entities (docs/ramp-api.md §9). */
import type { Query } from "../http.js";
import type { RampEntity, RampVendorCredit } from "../model.js";
import { toEntity, toVendorCredit } from "../normalise.js";
import {
  EntitySchema,
  type RampVendor,
  type RampVendorPatch,
  RampVendorPatchSchema,
  RampVendorSchema,
  VendorCreditSchema,
} from "../schemas/objects.js";
import { enc, type RampCore, V1 } from "./core.js";

export interface VendorCreditFilter {
  entityId?: string;
  vendorId?: string;
  extra?: Query;
}

export interface VendorsApi {
  listVendors(extra?: Query): AsyncGenerator<RampVendor>;
  /** Links a Ramp (bill-pay) vendor to an accounting vendor by its remote id. */
  patchVendor(vendorId: string, patch: RampVendorPatch): Promise<RampVendor>;
  listVendorCredits(filter?: VendorCreditFilter): AsyncGenerator<RampVendorCredit>;
  getVendorCredit(id: string): Promise<RampVendorCredit>;
  listEntities(extra?: Query): AsyncGenerator<RampEntity>;
}

export function vendorsApi({ get, send, list }: RampCore): VendorsApi {
  const vendors = `${V1}/vendors`;
  return {
    listVendors(extra) {
      return list(vendors, RampVendorSchema, (x) => x, { ...extra });
    },
    patchVendor(vendorId, patch) {
      return send(
        "PATCH",
        `${vendors}/${enc(vendorId)}`,
        RampVendorPatchSchema.parse(patch),
        RampVendorSchema,
      );
    },
    listVendorCredits(filter) {
      const path = filter?.vendorId ? `${vendors}/${enc(filter.vendorId)}/credits` : `${vendors}/credits`;
      return list(path, VendorCreditSchema, toVendorCredit, {
        entity_id: filter?.entityId,
        ...filter?.extra,
      });
    },
    async getVendorCredit(id) {
      return toVendorCredit(await get(`${vendors}/credits/${enc(id)}`, VendorCreditSchema));
    },
    listEntities(extra) {
      return list(`${V1}/entities`, EntitySchema, toEntity, { ...extra });
    },
  };
}
