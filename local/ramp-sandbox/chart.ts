/**
 * A chart of accounts as coding sees it: the choices a user can pick in Ramp's UI, already in the
 * selection shape objects carry. Two sources: the small built-in demo chart (seeded objects are
 * coded against it) and the chart an integration uploaded to the active connection.
 */
import type { Coa, Connection, Selection } from "./model.js";
import type { Rng } from "./prng.js";

export interface Choice {
  selection: Selection;
  /** Entity scoping (2026 `entity_remote_ids`); null = every entity. */
  entityRemoteIds: string[] | null;
  classification?: string;
}

export interface Chart {
  gl: Choice[];
  vendors: Choice[];
  dimensions: { fieldId: string; options: Choice[] }[];
  tax: Choice[];
}

const DEMO_PROVIDER = "Sandbox Demo ERP";

export function demoChart(rng: Rng): Chart {
  const glCat = {
    id: rng.uuid(),
    name: "GL Account",
    external_id: "gl_accounts",
    type: "GL_ACCOUNT" as const,
  };
  const vendorCat = { id: rng.uuid(), name: "Vendor", external_id: "vendors", type: "MERCHANT" as const };
  const deptCat = { id: rng.uuid(), name: "Department", external_id: "department", type: "OTHER" as const };
  const taxCat = { id: rng.uuid(), name: "Tax Code", external_id: "tax_code", type: "TAX_CODE" as const };
  const mk = (cat: Selection["category"], external_id: string, name: string, code = external_id): Choice => ({
    selection: {
      id: rng.uuid(),
      name,
      external_id,
      external_code: code,
      type: cat.type,
      category: cat,
      provider_name: DEMO_PROVIDER,
    },
    entityRemoteIds: null,
    classification: cat.type === "GL_ACCOUNT" ? "EXPENSE" : undefined,
  });
  return {
    gl: [
      ["6000", "Advertising"],
      ["6100", "Travel"],
      ["6200", "Meals & Entertainment"],
      ["6300", "Software Subscriptions"],
      ["6400", "Office Supplies"],
      ["6500", "Professional Fees"],
      ["6600", "Facilities"],
    ].map(([id, name]) => mk(glCat, id as string, name as string)),
    vendors: DEMO_MERCHANTS.map((m, i) => mk(vendorCat, `V-${String(100 + i).padStart(5, "0")}`, m)),
    dimensions: [
      {
        fieldId: deptCat.id,
        options: ["Engineering", "Sales", "Marketing", "G&A"].map((d, i) =>
          mk(deptCat, `DEPT-${(i + 1) * 10}`, d, String((i + 1) * 10)),
        ),
      },
    ],
    tax: [mk(taxCat, "TX-STD", "Standard", "STD"), mk(taxCat, "TX-EX", "Exempt", "EX")],
  };
}

export const DEMO_MERCHANTS = [
  "Northwind Cloud",
  "Blue Harbor Facilities",
  "Quillfeather Legal",
  "Cafe Lindenhof",
  "Skyline Airways",
  "Metro Office Supply",
  "Pinecrest Hotels",
  "Atlas Ads",
  "Brightline Rail",
  "Copper Kettle Catering",
  "Helix Analytics",
  "Summit Recruiting",
];

/**
 * The chart an integration uploaded to `conn`: active items only (hidden options are still valid
 * on old objects but users cannot pick them for new coding).
 */
export function chartFromConnection(conn: Connection, opts: { expenseOnly: boolean }): Chart {
  const coa: Coa = conn.coa;
  const provider = conn.name;
  const glCat = {
    id: coa.glCategoryId,
    name: "GL Account",
    external_id: "gl_accounts",
    type: "GL_ACCOUNT" as const,
  };
  const vendorCat = {
    id: coa.vendorCategoryId,
    name: "Vendor",
    external_id: "vendors",
    type: "MERCHANT" as const,
  };
  const usable = (r: { item: { isActive: boolean; visibility: string } }) =>
    r.item.isActive && r.item.visibility === "VISIBLE";
  const gl = coa.glAccounts
    .all()
    .filter(usable)
    .filter((r) => !opts.expenseOnly || r.item.extra.classification === "EXPENSE")
    .map((r) => ({
      selection: {
        id: r.item.ramp_id,
        name: r.item.name,
        external_id: r.item.id,
        external_code: r.item.code ?? r.item.id,
        type: "GL_ACCOUNT" as const,
        category: glCat,
        provider_name: provider,
      },
      entityRemoteIds: r.item.entityRemoteIds,
      classification: String(r.item.extra.classification ?? ""),
    }));
  const vendors = coa.vendors
    .all()
    .filter(usable)
    .map((r) => ({
      selection: {
        id: r.item.ramp_id,
        name: r.item.name,
        external_id: r.item.id,
        external_code: r.item.code ?? r.item.id,
        type: "MERCHANT" as const,
        category: vendorCat,
        provider_name: provider,
      },
      entityRemoteIds: r.item.entityRemoteIds,
    }));
  const dimensions = coa.fields
    .all()
    .filter((f) => f.field.isActive && f.field.inputType === "SINGLE_CHOICE")
    .map((f) => {
      const cat = {
        id: f.field.ramp_id,
        name: f.field.name,
        external_id: f.field.id,
        type: "OTHER" as const,
      };
      const options = coa.options
        .all()
        .filter((o) => o.item.extra.field_ramp_id === f.field.ramp_id && usable(o))
        .map((o) => ({
          selection: {
            id: o.item.ramp_id,
            name: o.item.name,
            external_id: o.item.id,
            external_code: o.item.code ?? o.item.id,
            type: "OTHER" as const,
            category: cat,
            provider_name: provider,
          },
          entityRemoteIds: o.item.entityRemoteIds,
        }));
      return { fieldId: f.field.ramp_id, options };
    })
    .filter((d) => d.options.length > 0);
  const taxField = coa.taxCodeField;
  const tax =
    taxField?.isActive === true
      ? coa.taxCodeOptions
          .all()
          .filter(usable)
          .map((o) => ({
            selection: {
              id: o.item.ramp_id,
              name: o.item.name,
              external_id: o.item.id,
              external_code: o.item.code ?? o.item.id,
              type: "TAX_CODE" as const,
              category: {
                id: taxField.ramp_id,
                name: taxField.name,
                external_id: "tax_code",
                type: "TAX_CODE" as const,
              },
              provider_name: provider,
            },
            entityRemoteIds: o.item.entityRemoteIds,
          }))
      : [];
  return { gl, vendors, dimensions, tax };
}

/** Whether an item scoped with `entity_remote_ids` may be used on an object of this entity. */
export function scopedTo(item: { entityRemoteIds: string[] | null }, entityRemoteId: string | null): boolean {
  const scope = item.entityRemoteIds;
  return scope === null || scope.length === 0 || (entityRemoteId !== null && scope.includes(entityRemoteId));
}

/** Choices usable for an object of an entity whose remote id is `entityRemoteId`. */
export function forEntity(choices: Choice[], entityRemoteId: string | null): Choice[] {
  return choices.filter((c) => scopedTo(c, entityRemoteId));
}
