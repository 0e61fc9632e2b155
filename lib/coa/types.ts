/**
 * The chart-of-accounts planner's view of both sides. Desired = what the ERP has
 * (lib/erp/port CodingSurface, turned into upload shapes); current = what Ramp has
 * (the connection's lists). Items are matched by remote id, never by name.
 */
import type { GlClassification } from "../erp/port.js";

export type Visibility = "VISIBLE" | "HIDDEN";

/** One item as Ramp holds it (any CoA list). */
export interface RampCoaItem {
  rampId: string;
  remoteId: string;
  name: string;
  code: string | null;
  isActive: boolean;
  /** Field options only. */
  visibility?: Visibility;
  entityRemoteIds?: string[] | null;
  /** Tax rates only: decimal string; tax code options only: associated rate remote ids. */
  rate?: string | null;
  taxRateRemoteIds?: string[];
}

export interface RampField {
  rampId: string;
  remoteId: string;
  name: string;
  isActive: boolean;
  options: RampCoaItem[];
}

export interface RampSurface {
  glAccounts: RampCoaItem[];
  fields: RampField[];
  vendors: RampCoaItem[];
  taxRates: RampCoaItem[];
  /** The single tax-code field, when one exists. */
  taxCodeField: { name: string } | null;
  taxCodeOptions: RampCoaItem[];
  /** Ramp (bill-pay) vendors and their accounting-vendor link. */
  rampVendors: RampVendorRef[];
}

/** A Ramp (bill-pay) vendor as vendor matching sees it (lib/coa/vendor-match.ts). */
export interface RampVendorRef {
  id: string;
  name: string;
  accountingVendorRemoteId: string | null;
  /** Ramp's legal name, when it differs from the trading name. */
  nameLegal?: string | null;
  /** The id the vendor carries from another system; compared with the ERP vendor code. */
  externalVendorId?: string | null;
  /** false: deactivated in Ramp — never linked, never listed (absent: active). */
  isActive?: boolean;
}

/** A link a person decided with `ops vendors link` (lib/store/vendor-links.ts); it wins over matching. */
export interface ManualVendorLink {
  rampVendorId: string;
  accountingVendorRemoteId: string;
}

export interface DesiredGlAccount {
  remoteId: string;
  name: string;
  code: string | null;
  classification: GlClassification;
  entityRemoteIds: string[] | null;
}
export interface DesiredOption {
  remoteId: string;
  value: string;
  code: string | null;
  entityRemoteIds: string[] | null;
}
export interface DesiredField {
  remoteId: string;
  name: string;
  options: DesiredOption[];
}
export interface DesiredVendor {
  remoteId: string;
  name: string;
  code: string | null;
  entityRemoteIds: string[] | null;
}
export interface DesiredTaxRate {
  remoteId: string;
  name: string;
  rate: string;
  /** Remote id of the GL account the tax posts to (resolved to a Ramp id at upload time). */
  glAccountRemoteId: string | null;
}
export interface DesiredTaxCode {
  remoteId: string;
  name: string;
  taxRateRemoteIds: string[];
  entityRemoteIds: string[] | null;
}

export interface DesiredSurface {
  glAccounts: DesiredGlAccount[];
  fields: DesiredField[];
  vendors: DesiredVendor[];
  taxRates: DesiredTaxRate[];
  taxCodes: DesiredTaxCode[];
  /** Name of the tax-code field to create when tax codes exist. */
  taxCodeFieldName: string;
}

/** What coa-push last uploaded: only items we pushed are ever removed from Ramp. */
export interface PushSnapshot {
  glAccounts: string[];
  fieldOptions: Record<string, string[]>;
  vendors: string[];
  taxRates: string[];
  taxCodes: string[];
}

export type CoaList =
  | "gl_accounts"
  | "fields"
  | "vendors"
  | "field_options"
  | "tax_rates"
  | "tax_code_options";

/**
 * One step of a push, in execution order. Creations reference fields and GL
 * accounts by remote id: the executor resolves Ramp ids (they may be created
 * earlier in the same push).
 */
export type CoaOperation =
  | { op: "create_gl_accounts"; items: DesiredGlAccount[] }
  | { op: "create_field"; field: { remoteId: string; name: string } }
  | { op: "create_field_options"; fieldRemoteId: string; items: DesiredOption[] }
  | { op: "create_vendors"; items: DesiredVendor[] }
  | { op: "create_tax_rates"; items: DesiredTaxRate[] }
  | { op: "create_tax_code_field"; name: string }
  | { op: "create_tax_code_options"; items: DesiredTaxCode[] }
  | { op: "update"; list: CoaList; rampId: string; remoteId: string; patch: Record<string, unknown> }
  | { op: "reactivate"; list: CoaList; rampId: string; remoteId: string }
  | { op: "delete"; list: CoaList; rampId: string; remoteId: string }
  | { op: "set_visibility"; rampId: string; remoteId: string; visibility: Visibility }
  | { op: "link_vendor"; rampVendorId: string; accountingVendorRemoteId: string };

export type FieldRemoval = "hide-options" | "delete";

export interface PlanOptions {
  /** Options gone from the ERP: hide (history stays syncable; the default) or delete. */
  optionRemoval: "hide" | "delete";
  /**
   * A custom field gone from the ERP: keep it with every option HIDDEN (the default: coded
   * history stays syncable, nothing new can be coded) or DELETE it (`is_active: false`; the
   * guide: existing codings are kept but can no longer be synced). Either is undone when the
   * field returns: its options are made VISIBLE again, or the field is POSTed with the same id.
   */
  fieldRemoval?: FieldRemoval;
  /** Ramp's batch limit per upload call. */
  chunkSize: number;
}
