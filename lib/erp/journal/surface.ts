/**
 * The journal's coding surface as the port describes it: companies, GL accounts
 * (classified by their hledger type, or their top-level name), the dimension
 * fields and options, payees as vendors per company, taxes as rates and codes.
 */
import type { CodingSurface, GlClassification } from "../port.js";
import { splitRemoteId } from "../remote-id.js";
import type { JournalAccount, JournalIndex } from "./parse.js";
import { fieldRemoteId, optionRemoteId, taxCodeRemoteId, taxRateRemoteId, vendorRemoteId } from "./syntax.js";

const TYPE_CLASS: Record<string, GlClassification> = {
  A: "ASSET",
  C: "ASSET",
  L: "LIABILITY",
  E: "EQUITY",
  V: "EQUITY",
  R: "REVENUE",
  X: "EXPENSE",
};

export function classify(acc: JournalAccount): GlClassification {
  if (acc.rampClass === "CREDCARD") return "CREDCARD";
  const byType = acc.type ? TYPE_CLASS[acc.type] : undefined;
  if (byType) return byType;
  // hledger's own fallback: the top-level name inside the company tree
  const top = (splitRemoteId(acc.name)?.local ?? "").split(":")[0]?.toLowerCase() ?? "";
  if (top.startsWith("asset")) return "ASSET";
  if (top.startsWith("liabilit")) return "LIABILITY";
  if (top.startsWith("equity")) return "EQUITY";
  if (top.startsWith("revenue") || top.startsWith("income")) return "REVENUE";
  if (top.startsWith("expense")) return "EXPENSE";
  return "UNKNOWN";
}

export function surfaceOf(ix: JournalIndex): CodingSurface {
  const companies = [...ix.companies.values()];
  return {
    companies: companies.map((c) => ({ key: c.key, erpId: c.key, name: c.name, currency: c.currency })),
    glAccounts: [...ix.accounts.values()]
      .filter((a) => ix.companies.has(a.companyKey))
      .map((a) => ({
        remoteId: a.name,
        companyKey: a.companyKey,
        code: a.code,
        name: a.name.slice(a.companyKey.length + 1),
        classification: classify(a),
        active: !a.inactive,
      })),
    fields: [...ix.fields.entries()].map(([key, name]) => ({
      remoteId: fieldRemoteId(key),
      name,
      options: [...ix.options.values()]
        .filter((o) => o.fieldKey === key && ix.companies.has(o.companyKey))
        .map((o) => ({
          remoteId: optionRemoteId(o.companyKey, key, o.value),
          companyKey: o.companyKey,
          value: o.value,
          code: o.code,
          active: !o.inactive,
        })),
    })),
    vendors: [...ix.payees.values()]
      .filter((p) => !p.internal)
      .flatMap((p) =>
        companies
          .filter((c) => p.companyKey === null || p.companyKey === c.key)
          .map((c) => ({
            remoteId: vendorRemoteId(c.key, p.name),
            companyKey: c.key,
            name: p.name,
            code: p.code,
            active: true,
          })),
      ),
    taxRates: [...ix.taxes.values()].map((t) => ({
      remoteId: taxRateRemoteId(t.companyKey, t.code),
      companyKey: t.companyKey,
      name: t.name,
      rate: t.rate,
      glAccountRemoteId: t.account,
      active: true,
    })),
    taxCodes: [...ix.taxes.values()].map((t) => ({
      remoteId: taxCodeRemoteId(t.companyKey, t.code),
      companyKey: t.companyKey,
      name: t.name,
      taxRateRemoteIds: [taxRateRemoteId(t.companyKey, t.code)],
      active: true,
    })),
  };
}
