/**
 * The console's only script, served as /console/console.js (same origin, no CDN; the pages' CSP
 * allows nothing else). Every button calls the sandbox's control API (`/sandbox/…`) or a
 * `/console/api/…` route, so a click obeys the same rules as a test's call; the answer's error
 * message is shown as is. Text from answers is put in with textContent, never as markup.
 */
import { EXPORT_WARNING } from "./warnings.js";

export const CONSOLE_JS = `"use strict";
(() => {
  const biz = document.body.dataset.businessId || "";
  const withBiz = (p) => (biz ? p + (p.includes("?") ? "&" : "?") + "business_id=" + encodeURIComponent(biz) : p);
  const flashEl = document.getElementById("flash");
  const flash = (msg, bad) => {
    flashEl.textContent = msg;
    flashEl.className = bad ? "bad" : "ok";
  };
  const pending = sessionStorage.getItem("console-flash");
  if (pending) {
    sessionStorage.removeItem("console-flash");
    const [bad, msg] = JSON.parse(pending);
    flash(msg, bad);
  }
  const reloadWith = (msg) => {
    sessionStorage.setItem("console-flash", JSON.stringify([false, msg]));
    location.reload();
  };

  async function call(method, path, body) {
    const r = await fetch(withBiz(path), {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = text;
    try { json = JSON.parse(text); } catch {}
    if (!r.ok) {
      const m = (json && ((json.error_v2 && json.error_v2.message) || json.error)) || text || "HTTP " + r.status;
      throw new Error(typeof m === "string" ? m : JSON.stringify(m));
    }
    return json;
  }

  const selected = () => [...document.querySelectorAll("input[data-select]:checked")].map((i) => i.value);
  const idsFor = (el) => {
    const ids = el.dataset.id ? [el.dataset.id] : selected();
    if (ids.length === 0) throw new Error("Select objects first.");
    return ids;
  };

  function progressLine(p) {
    const pct = p.total === 0 ? 100 : Math.floor(((p.succeeded + p.failed) * 100) / p.total);
    const head = p.pending === 0 ? "Sync complete" : "Syncing";
    return [pct, head + ": " + pct + "% · " + p.succeeded + " synced, " + p.failed + " failed, " + p.pending + " pending of " + p.total];
  }

  function requestBlock(id) {
    let el = document.querySelector('.sync-request[data-sync-request-id="' + CSS.escape(id) + '"]');
    if (el) return el;
    el = document.createElement("div");
    el.className = "sync-request";
    el.dataset.syncRequestId = id;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = "Sync request " + id;
    const bar = document.createElement("progress");
    bar.max = 100;
    const summary = document.createElement("div");
    summary.className = "summary";
    el.append(meta, bar, summary);
    const list = document.getElementById("sync-requests");
    const empty = list.querySelector(".muted");
    if (empty) empty.remove();
    list.prepend(el);
    return el;
  }

  /** Re-reads this page and swaps in the named sections (the server's escaped markup), keeping the rest. */
  async function refresh(ids) {
    try {
      const r = await fetch(location.href);
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      for (const id of ids) {
        const fresh = doc.getElementById(id);
        const old = document.getElementById(id);
        if (fresh && old) old.replaceWith(document.importNode(fresh, true));
      }
    } catch {}
  }

  /** Polls one sync request until no row is pending: Ramp's live progress, then its summary. */
  async function watch(id) {
    const el = requestBlock(id);
    for (;;) {
      let p;
      try {
        p = await call("GET", "/sandbox/sync-requests/" + encodeURIComponent(id));
      } catch (e) {
        el.querySelector(".summary").textContent = "Progress unavailable: " + e.message;
        return;
      }
      const [pct, line] = progressLine(p);
      el.querySelector("progress").value = pct;
      el.querySelector(".summary").textContent = line;
      el.dataset.percent = String(pct);
      if (p.pending === 0) {
        await refresh(["counts", "error-count"]);
        el.dataset.state = "done";
        return;
      }
      el.dataset.state = "running";
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  const actions = {
    "mark-ready": async (el) => {
      const r = await call("POST", "/sandbox/mark-ready", { ids: idsFor(el) });
      return r.ids.length + " marked ready";
    },
    code: async () => {
      const r = await call("POST", "/sandbox/code", {});
      return "Coded: " + Object.entries(r.coded || {}).map(([k, v]) => k + " " + v).join(", ");
    },
    export: async (el) => {
      const ids = idsFor(el);
      if (!confirm(${JSON.stringify(EXPORT_WARNING)})) return null;
      const r = await call("POST", "/sandbox/export", { ids });
      return r.ids.length + " exported (marked synced in Ramp only)";
    },
    "add-receipt": async (el) => {
      const r = await call("POST", "/sandbox/receipts", { [el.dataset.owner]: el.dataset.id, content_type: "image/png" });
      return "Receipt " + r.id + " added";
    },
    "sync-all": async (el) => {
      const r = await call("POST", "/sandbox/sync-all", { kind: el.dataset.kind });
      flash("Sync requested: " + r.total + " " + el.dataset.kind);
      await watch(r.sync_request_id);
      return undefined;
    },
  };

  document.addEventListener("click", async (ev) => {
    const el = ev.target.closest("[data-action]");
    if (!el || el.disabled) return;
    ev.preventDefault();
    el.disabled = true;
    try {
      const msg = await actions[el.dataset.action](el);
      if (typeof msg === "string") reloadWith(msg);
    } catch (e) {
      flash(e.message, true);
    } finally {
      el.disabled = false;
    }
  });

  document.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (form.dataset.form !== "code-one") return;
    ev.preventDefault();
    try {
      const option = new FormData(form).get("option");
      await call("POST", "/console/api/codings", {
        object_id: form.dataset.id,
        selections: [{ accounting_field_option_id: option }],
      });
      reloadWith("Coding saved");
    } catch (e) {
      flash(e.message, true);
    }
  });

  const all = document.querySelector("input[data-select-all]");
  if (all) all.addEventListener("change", () => {
    for (const i of document.querySelectorAll("input[data-select]")) i.checked = all.checked;
  });
  for (const s of document.querySelectorAll("select[data-autosubmit]")) s.addEventListener("change", () => s.form.submit());
  // A reload during a sync keeps watching it.
  for (const el of document.querySelectorAll('.sync-request[data-state="running"]')) watch(el.dataset.syncRequestId);
})();
`;
