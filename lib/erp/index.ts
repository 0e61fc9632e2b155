/**
 * Picks the ERP adapter a tenant is configured for. The Tryton password lives in
 * Secrets Manager; the caller hands in how to read it, so this module stays free
 * of AWS clients and tests can pass a stub.
 */
import type { TenantConfig } from "../config/tenant.js";
import { assertTenantSecretId } from "../config/tenant-secrets.js";
import { registerSecret } from "../domain/redact.js";
import type { ErpCrashHook } from "./crash-points.js";
import { createJournalErp } from "./journal/adapter.js";
import { resolveTenantJournal } from "./journal-file.js";
import type { ErpPort } from "./port.js";
import { TrytonErp } from "./tryton/index.js";

export interface ErpFactoryDeps {
  /** Reads `{ "password": "…" }` (or a plain string) from the secret id; needed for Tryton only. */
  readSecret?: (secretId: string) => Promise<string>;
  fetch?: typeof fetch;
  /** Kill tests only (test/chaos): a hook inside multi-step ERP writes. */
  crash?: ErpCrashHook;
  /** The deployment's journal directory (JOURNAL_ROOT); a journal tenant's file is confined to `<root>/<tenantId>/`. */
  journalRoot?: string;
}

export async function createErp(tenant: TenantConfig, deps: ErpFactoryDeps = {}): Promise<ErpPort> {
  const erp = tenant.erp;
  switch (erp.kind) {
    case "journal": {
      if (!deps.journalRoot) {
        throw new Error(
          `tenant ${tenant.tenantId}: JOURNAL_ROOT is not configured (journals live in <JOURNAL_ROOT>/<tenantId>/)`,
        );
      }
      return createJournalErp(
        await resolveTenantJournal(deps.journalRoot, tenant.tenantId, erp.path),
        deps.crash ? { crash: deps.crash } : {},
      );
    }
    case "tryton": {
      if (!deps.readSecret)
        throw new Error(`tenant ${tenant.tenantId}: a secret reader is needed for Tryton`);
      // IAM lets the function read every tenant's ERP password: only this tenant's is read.
      const raw = await deps.readSecret(assertTenantSecretId(tenant.tenantId, "erp", erp.passwordSecretId));
      const password = passwordOf(raw);
      registerSecret(password);
      return new TrytonErp(
        {
          url: erp.url,
          database: erp.database,
          username: erp.username,
          password,
          timeoutMs: erp.timeoutMs,
          companies: tenant.companies.map((c) => ({ key: c.key, erpCompanyId: c.erpCompanyId })),
        },
        { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.crash ? { crash: deps.crash } : {}) },
      );
    }
  }
}

/** Secrets hold `{ "password": "…" }`; a bare string is accepted for local setups. */
function passwordOf(secret: string): string {
  try {
    const parsed: unknown = JSON.parse(secret);
    if (parsed && typeof parsed === "object" && "password" in parsed && typeof parsed.password === "string") {
      return parsed.password;
    }
  } catch {
    // not JSON: the secret is the password itself
  }
  return secret;
}

export { createJournalErp, JournalErp } from "./journal/adapter.js";
