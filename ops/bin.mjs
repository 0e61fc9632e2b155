#!/usr/bin/env node
// `npx ramp-erp-sync …`: the CLI is TypeScript run through tsx (a dependency), so the package needs no build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { register } = await import("tsx/esm/api");
register();
await import("./cli.ts");
