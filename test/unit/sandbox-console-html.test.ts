/**
 * The console's HTML helpers (local/ramp-sandbox/console/html.ts): interpolated values are escaped
 * for text and attributes alike, markup passes only as Html, and the Sync Button's percentage
 * reaches 100 only once no row is pending.
 */
import { describe, expect, it } from "vitest";
import { esc, Html, html } from "../../local/ramp-sandbox/console/html.js";
import { percentDone, progressText } from "../../local/ramp-sandbox/console/sync-progress.js";

describe("console html", () => {
  it("escapes every character that could open a tag, end an attribute or start a template", () => {
    expect(esc(`<a href="x" title='y'>&\`</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
    );
    expect(esc(null)).toBe("");
    expect(esc(42)).toBe("42");
  });

  it("html`` escapes values (and lists of values), keeps Html as is", () => {
    const name = `<script>alert(1)</script>`;
    const out = html`<td title="${name}">${name}</td>${[name, new Html("<b>ok</b>")]}`;
    expect(out.value).toBe(
      `<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>&lt;script&gt;alert(1)&lt;/script&gt;<b>ok</b>`,
    );
    expect(html`${false}${undefined}${null}`.value).toBe("");
  });

  it("progress: failed rows count as done, rounding down keeps 100% for a finished request", () => {
    expect(percentDone({ total: 3, pending: 1, succeeded: 1, failed: 1 })).toBe(66);
    expect(percentDone({ total: 3, pending: 0, succeeded: 2, failed: 1 })).toBe(100);
    expect(percentDone({ total: 0, pending: 0, succeeded: 0, failed: 0 })).toBe(100);
    expect(progressText({ total: 200, pending: 1, succeeded: 199, failed: 0 })).toBe(
      "Syncing: 99% · 199 synced, 0 failed, 1 pending of 200",
    );
  });
});
