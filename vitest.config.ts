import { defineConfig } from "vitest/config";

/**
 * Projects: `npm test` runs unit + integration + sandbox (fast, no Tryton);
 * `npm run test:erp` needs a live trytond; `npm run test:e2e` runs the end-to-end suites;
 * `npm run test:chaos` the kill-based chaos suites (journal and the live Tryton).
 */
export default defineConfig({
  test: {
    // The SDK's notice that releases after January 2027 need Node 22 (CI runs Node 20), once per worker.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/support/global-dynamo.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: "sandbox", include: ["test/sandbox/**/*.test.ts"], testTimeout: 30_000 } },
      {
        test: {
          name: "erp",
          include: ["test/erp/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Kill-based chaos (test/chaos): the real handlers in child processes, SIGKILLed at aimed windows.
          name: "chaos",
          include: ["test/chaos/**/*.test.ts"],
          globalSetup: ["test/support/global-dynamo.ts"],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // The journal and the Tryton suite run side by side: each waits on its children most of the time.
          fileParallelism: true,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-dynamo.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
