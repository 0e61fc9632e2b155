import { describe, expect, it } from "vitest";
import { EnvError, envOnce, loadEnv, SyncerEnvSchema, WebhookEnvSchema } from "../../lib/config/env.js";

const webhookEnv = {
  TABLE_NAME: "main",
  POLL_JOBS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123/poll-jobs",
  BUTTON_JOBS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123/button-jobs",
};

describe("loadEnv", () => {
  it("parses a complete environment and fills defaults", () => {
    const env = loadEnv(WebhookEnvSchema, { ...webhookEnv, LOG_LEVEL: "debug" });
    expect(env).toMatchObject({
      TABLE_NAME: "main",
      LOG_LEVEL: "DEBUG",
      POWERTOOLS_SERVICE_NAME: "ramp-erp-sync",
    });
  });

  it("names every missing and every malformed variable, without echoing values", () => {
    const { TABLE_NAME: _t, ...rest } = webhookEnv;
    let error: unknown;
    try {
      loadEnv(WebhookEnvSchema, {
        ...rest,
        POLL_JOBS_QUEUE_URL: "secret-not-a-url",
        AWS_ENDPOINT_URL_DYNAMODB: "nope",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvError);
    const e = error as EnvError;
    expect(e.variables.sort()).toEqual(["AWS_ENDPOINT_URL_DYNAMODB", "POLL_JOBS_QUEUE_URL", "TABLE_NAME"]);
    expect(e.message).toMatch(/TABLE_NAME is missing/);
    expect(e.message).toMatch(/POLL_JOBS_QUEUE_URL is malformed/);
    expect(e.message).not.toContain("secret-not-a-url");
  });

  it("rejects empty values and coerces numbers", () => {
    expect(() => loadEnv(SyncerEnvSchema, { TABLE_NAME: " " })).toThrow(/TABLE_NAME is malformed/);
    expect(loadEnv(SyncerEnvSchema, { TABLE_NAME: "t", LEASE_MS: "90000" }).LEASE_MS).toBe(90_000);
    expect(() => loadEnv(SyncerEnvSchema, { TABLE_NAME: "t", LEASE_MS: "soon" })).toThrow(/LEASE_MS/);
  });
});

describe("envOnce", () => {
  it("parses once (cold start) and returns the same object afterwards", () => {
    let reads = 0;
    const env = envOnce(WebhookEnvSchema, () => {
      reads++;
      return webhookEnv;
    });
    const first = env();
    expect(env()).toBe(first);
    expect(reads).toBe(1);
  });

  it("keeps failing with the naming error until the environment is fixed", () => {
    const env = envOnce(WebhookEnvSchema, () => ({}));
    expect(() => env()).toThrow(/POLL_JOBS_QUEUE_URL is missing/);
    expect(() => env()).toThrow(EnvError);
  });
});
