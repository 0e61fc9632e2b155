import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";

describe("sandbox CLI", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGTERM");
  });

  it("prints exactly one JSON line with url and credentials when ready, and serves the API", async () => {
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "local/ramp-sandbox/cli.ts",
        "--port",
        "0",
        "--seed",
        "7",
        "--transactions",
        "12",
        "--bills",
        "4",
        "--client-id",
        "cli_client",
        "--client-secret",
        "cli_secret",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const stdout = child.stdout;
    if (!stdout) throw new Error("no stdout");
    const lines = createInterface({ input: stdout });
    const first = await new Promise<string>((resolve) => lines.once("line", resolve));
    const ready = JSON.parse(first) as Record<string, string>;
    expect(Object.keys(ready).sort()).toEqual(["business_id", "client_id", "client_secret", "url"]);
    expect(ready).toMatchObject({ client_id: "cli_client", client_secret: "cli_secret" });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = await fetch(`${ready.url}/developer/v1/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("cli_client:cli_secret").toString("base64")}` },
      body: "grant_type=client_credentials&scope=transactions:read",
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const page = await fetch(`${ready.url}/developer/v1/transactions?page_size=100`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    const body = (await page.json()) as { data: unknown[] };
    expect(body.data.length).toBeGreaterThanOrEqual(12);
    const more: string[] = [];
    lines.on("line", (l) => more.push(l));
    await new Promise((r) => setTimeout(r, 50));
    expect(more).toEqual([]);
  });

  const run = (...argv: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "local/ramp-sandbox/cli.ts", ...argv], {
      encoding: "utf8",
      timeout: 60_000,
    });

  it("--help lists the flags and exits 0 without starting a server", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--port <n>");
    expect(r.stdout).toContain("--transactions <n>");
    expect(r.stdout).not.toContain("listening");
  });

  it("a bad flag value is refused naming the flag, no stack trace, exit 2", () => {
    const r = run("--transactions", "abc");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--transactions");
    expect(r.stderr).toContain('"abc"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
    const unknown = run("--transaction", "5");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--transaction'");
  });
});
