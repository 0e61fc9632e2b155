/**
 * Tenant isolation inside shared functions. IAM lets each function read every
 * tenant's secrets of a kind (it serves every tenant), so a tenant must never
 * be pointed at another's: configuration for tenant X naming tenant B's secret
 * ids or journal is refused by the schema, by the store, and again where the
 * secret or journal is opened.
 */
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it, vi } from "vitest";
import { createTenantRampClients } from "../../lib/aws/tenant-ramp.js";
import { parseTenantConfig, type TenantConfig, type TenantConfigInput } from "../../lib/config/tenant.js";
import { TenantIsolationError } from "../../lib/config/tenant-secrets.js";
import { createErp } from "../../lib/erp/index.js";
import { createTenants } from "../../lib/store/tenants.js";
import { ownSecretsOnly } from "../../lib/webhook/tenant-guard.js";
import { demoCompanies } from "../../local/demo-journal.js";

const X = "tenant-x";
const B = "tenant-b";

/** Names its own Ramp secret explicitly (valid before and after names were derived); `over.ramp` is merged in. */
const base = (tenantId: string, over: Partial<TenantConfigInput> = {}): TenantConfigInput => ({
  tenantId,
  displayName: tenantId,
  erp: { kind: "journal", path: "books.journal" },
  companies: demoCompanies(),
  ...over,
  ramp: { remoteProviderName: "ERP", credentialsSecretId: `ramp-erp-sync/${tenantId}/ramp`, ...over.ramp },
});
const tryton = (passwordSecretId: string | undefined = `ramp-erp-sync/${X}/erp`) => ({
  kind: "tryton" as const,
  url: "https://erp.example.com",
  database: "db",
  username: "sync",
  ...(passwordSecretId ? { passwordSecretId } : {}),
});

describe("tenant configuration: secret names are derived from the tenant id", () => {
  it("derives every secret name when the document names none", () => {
    const { credentialsSecretId: _c, ...ramp } = base(X).ramp;
    const cfg = parseTenantConfig({ ...base(X, { erp: tryton(undefined) }), ramp });
    expect(cfg.ramp.credentialsSecretId).toBe("ramp-erp-sync/tenant-x/ramp");
    expect(cfg.erp.kind === "tryton" && cfg.erp.passwordSecretId).toBe("ramp-erp-sync/tenant-x/erp");
    expect(cfg.ramp.webhookSecretId).toBeNull();
  });

  it("accepts a document that repeats its own names", () => {
    const cfg = parseTenantConfig(
      base(X, {
        ramp: { remoteProviderName: "ERP", webhookSecretId: "ramp-erp-sync/tenant-x/webhook" },
        erp: tryton(),
      }),
    );
    expect(cfg.ramp.webhookSecretId).toBe("ramp-erp-sync/tenant-x/webhook");
  });

  it.each([
    [
      "ramp credentials",
      { ramp: { remoteProviderName: "E", credentialsSecretId: `ramp-erp-sync/${B}/ramp` } },
    ],
    ["webhook secrets", { ramp: { remoteProviderName: "E", webhookSecretId: `ramp-erp-sync/${B}/webhook` } }],
    ["ERP password", { erp: tryton(`ramp-erp-sync/${B}/erp`) }],
    ["any other name", { ramp: { remoteProviderName: "E", credentialsSecretId: "ramp/tenant-x" } }],
    [
      "another kind of its own",
      { ramp: { remoteProviderName: "E", credentialsSecretId: `ramp-erp-sync/${X}/erp` } },
    ],
  ] as Array<[string, Partial<TenantConfigInput>]>)(
    "refuses tenant X naming %s that are not its own",
    (_, over) => {
      expect(() => parseTenantConfig(base(X, over))).toThrow(
        /must be .{0,2}ramp-erp-sync\/tenant-x\/(ramp|erp|webhook).*is not tenant tenant-x's/,
      );
    },
  );

  it.each([
    `../${B}/books.journal`,
    `/var/journals/${B}/books.journal`,
    `sub/../../${B}/books.journal`,
    "./books.journal",
    "C:/journals/books.journal",
    "a\\..\\b.journal",
  ])("refuses the journal path %s (not inside the tenant's own directory)", (path) => {
    expect(() => parseTenantConfig(base(X, { erp: { kind: "journal", path } }))).toThrow(/journal path/);
  });
});

describe("the store: a tenant document is the tenant it is stored under", () => {
  const docWith = (item: Record<string, unknown>) =>
    ({ send: vi.fn(async () => ({ Item: item })) }) as unknown as DynamoDBDocumentClient;

  it("refuses a document under TENANT#X that says it is tenant B (it would get B's secrets)", async () => {
    const { version: _v, ...config } = parseTenantConfig(base(B));
    const tenants = createTenants({
      doc: docWith({ PK: `TENANT#${X}`, SK: "CONFIG", version: 1, config }),
      tableName: "t",
    });
    await expect(tenants.get(X)).rejects.toThrow(TenantIsolationError);
  });

  it("reads a tenant's own document", async () => {
    const { version: _v, ...config } = parseTenantConfig(base(X));
    const tenants = createTenants({
      doc: docWith({ PK: `TENANT#${X}`, SK: "CONFIG", version: 1, config }),
      tableName: "t",
    });
    expect((await tenants.get(X))?.tenantId).toBe(X);
  });
});

/** A configuration object built in code, past the schema (spreads, fixtures): the use sites check again. */
const forged = (cfg: TenantConfig, over: (c: TenantConfig) => TenantConfig) => over(structuredClone(cfg));

describe("where a shared function opens a tenant's secret or journal", () => {
  it("builds no Ramp client for tenant X with tenant B's credentials, and reads no secret", () => {
    const send = vi.fn();
    const rampFor = createTenantRampClients({
      store: { doc: { send: vi.fn() } as unknown as DynamoDBDocumentClient, tableName: "t" },
      secrets: { send } as unknown as SecretsManagerClient,
    });
    const bad = forged(parseTenantConfig(base(X)), (c) => ({
      ...c,
      ramp: { ...c.ramp, credentialsSecretId: `ramp-erp-sync/${B}/ramp` },
    }));
    expect(() => rampFor(bad)).toThrow(TenantIsolationError);
    expect(send).not.toHaveBeenCalled();
    expect(() => rampFor(parseTenantConfig(base(X)))).not.toThrow();
  });

  it("reads no ERP password of tenant B for tenant X", async () => {
    const readSecret = vi.fn(async () => JSON.stringify({ password: "pw" }));
    const bad = forged(parseTenantConfig(base(X, { erp: tryton() })), (c) => ({
      ...c,
      erp: {
        ...(c.erp as Extract<TenantConfig["erp"], { kind: "tryton" }>),
        passwordSecretId: `ramp-erp-sync/${B}/erp`,
      },
    }));
    await expect(createErp(bad, { readSecret })).rejects.toThrow(TenantIsolationError);
    expect(readSecret).not.toHaveBeenCalled();
  });

  it("opens tenant X's journal only inside <root>/tenant-x/, never B's", async () => {
    const root = await mkdtemp(join(tmpdir(), "journals-"));
    await mkdir(join(root, B), { recursive: true });
    await writeFile(join(root, B, "books.journal"), "");
    const withPath = (path: string) =>
      forged(parseTenantConfig(base(X)), (c) => ({ ...c, erp: { kind: "journal", path } }));

    for (const path of [`../${B}/books.journal`, join(root, B, "books.journal")]) {
      await expect(createErp(withPath(path), { journalRoot: root })).rejects.toThrow(TenantIsolationError);
    }
    // A symlink inside X's directory leading to B's books.
    await mkdir(join(root, X), { recursive: true });
    await symlink(join(root, B, "books.journal"), join(root, X, "books.journal"));
    await expect(createErp(withPath("books.journal"), { journalRoot: root })).rejects.toThrow(/symlink/);
    // X's directory itself a symlink to B's.
    const root2 = await mkdtemp(join(tmpdir(), "journals-"));
    await mkdir(join(root2, B));
    await symlink(join(root2, B), join(root2, X));
    await expect(createErp(withPath("books.journal"), { journalRoot: root2 })).rejects.toThrow(/symlink/);
    // No root configured: no journal at all rather than a path relative to wherever the process runs.
    await expect(createErp(withPath("books.journal"))).rejects.toThrow(/JOURNAL_ROOT/);
  });

  it("gives the webhook receiver only the requested tenant's own configuration and secret id", async () => {
    const own = parseTenantConfig(
      base(X, { ramp: { remoteProviderName: "E", webhookSecretId: `ramp-erp-sync/${X}/webhook` } }),
    );
    const lookup = (t: TenantConfig) => ownSecretsOnly({ get: async () => t });
    await expect(lookup(own).get(X)).resolves.toBe(own);
    await expect(lookup(own).get(B)).rejects.toThrow(TenantIsolationError);
    const bad = forged(own, (c) => ({
      ...c,
      ramp: { ...c.ramp, webhookSecretId: `ramp-erp-sync/${B}/webhook` },
    }));
    await expect(lookup(bad).get(X)).rejects.toThrow(TenantIsolationError);
  });
});
