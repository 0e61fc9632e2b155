/**
 * Vendor matching (lib/coa/vendor-match.ts): the rules by example, then the properties a
 * finance user relies on — one accounting vendor ↔ at most one Ramp vendor, and no decoy
 * ever turns an ambiguous vendor into a link.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RampVendorRef } from "../../lib/coa/types.js";
import { type AccountingVendorRef, matchVendors, type VendorMatch } from "../../lib/coa/vendor-match.js";
import { normaliseVendorName } from "../../lib/coa/vendor-name.js";

const rv = (id: string, name: string, over: Partial<RampVendorRef> = {}): RampVendorRef => ({
  id,
  name,
  accountingVendorRemoteId: null,
  ...over,
});
const av = (remoteId: string, name: string, code: string | null = null): AccountingVendorRef => ({
  remoteId,
  name,
  code,
});
const reasons = (m: VendorMatch) =>
  Object.fromEntries(
    m.unlinked.map((u) => [u.rampVendorId, [u.reason, u.candidates.map((c) => c.remoteId)]]),
  );

describe("normaliseVendorName", () => {
  it.each([
    ["Acme, Inc.", "acme"],
    ["ACME Inc", "acme"],
    ["  Acmé   Incorporated ", "acme"],
    ["Globex GmbH & Co. KG", "globex"],
    ["Initech S.A.", "initech"],
    ["Hooli Pty. Ltd.", "hooli"],
    ["O'Neil & Sons", "oneil sons"],
    ["Company", "company"],
  ])("%s → %s", (name, want) => expect(normaliseVendorName(name)).toBe(want));
});

describe("matchVendors", () => {
  const accounting = [
    av("a:acme", "Acme Inc."),
    av("a:globex", "Globex"),
    av("a:initech", "Initech LLC"),
    av("a:umbrella", "Umbrella Holdings", "V-77"),
    av("a:stark-us", "Stark"),
    av("a:stark-eu", "Stark GmbH"),
  ];

  it("links by code, then by name or legal name, and says why the rest stay unlinked", () => {
    const m = matchVendors({
      accountingVendors: accounting,
      manualLinks: [],
      rampVendors: [
        rv("r-acme", "ACME, Inc"),
        rv("r-globex", "Globex Trading", { nameLegal: "Globex GmbH" }),
        rv("r-initech-1", "Initech"),
        rv("r-initech-2", "INITECH"),
        rv("r-umbrella", "Umbrella Corp EU", { externalVendorId: "V-77" }),
        rv("r-stark", "Stark Industries", { nameLegal: "Stark" }),
        rv("r-nobody", "Nobody Ltd"),
        rv("r-kept", "Acme", { accountingVendorRemoteId: "elsewhere" }),
        rv("r-off", "Globex", { isActive: false }),
      ],
    });
    expect(m.links).toEqual([
      { rampVendorId: "r-acme", accountingVendorRemoteId: "a:acme", by: "name" },
      { rampVendorId: "r-globex", accountingVendorRemoteId: "a:globex", by: "name" },
      { rampVendorId: "r-umbrella", accountingVendorRemoteId: "a:umbrella", by: "code" },
    ]);
    expect(reasons(m)).toEqual({
      "r-initech-1": ["ambiguous", ["a:initech"]],
      "r-initech-2": ["ambiguous", ["a:initech"]],
      "r-stark": ["ambiguous", ["a:stark-us", "a:stark-eu"]],
      "r-nobody": ["no-candidate", []],
    });
    expect(m.unlinked.find((u) => u.rampVendorId === "r-initech-1")?.rivals).toEqual(["r-initech-2"]);
  });

  it("a code match wins over a name match; a code matching nothing falls back to names", () => {
    const m = matchVendors({
      accountingVendors: [av("a:1", "Umbrella", "U-1"), av("a:2", "Umbrella Two", "U-2")],
      manualLinks: [],
      rampVendors: [
        rv("r1", "Umbrella", { externalVendorId: "U-2" }),
        rv("r2", "Umbrella", { externalVendorId: "?" }),
      ],
    });
    expect(m.links).toEqual([
      { rampVendorId: "r1", accountingVendorRemoteId: "a:2", by: "code" },
      { rampVendorId: "r2", accountingVendorRemoteId: "a:1", by: "name" },
    ]);
  });

  it("keeps Ramp's links, lets a manual link win, and never links an accounting vendor twice", () => {
    const m = matchVendors({
      accountingVendors: accounting,
      manualLinks: [
        { rampVendorId: "r-initech-2", accountingVendorRemoteId: "a:initech" },
        { rampVendorId: "r-late", accountingVendorRemoteId: "a:acme" },
        { rampVendorId: "r-gone", accountingVendorRemoteId: "a:left-the-erp" },
      ],
      rampVendors: [
        rv("r-acme", "Acme", { accountingVendorRemoteId: "a:acme" }),
        rv("r-initech-1", "Initech"),
        rv("r-initech-2", "Initech"),
        rv("r-late", "Late Co"),
        rv("r-gone", "Globex"),
      ],
    });
    expect(m.links).toEqual([
      { rampVendorId: "r-initech-2", accountingVendorRemoteId: "a:initech", by: "manual" },
      { rampVendorId: "r-gone", accountingVendorRemoteId: "a:globex", by: "name" },
    ]);
    expect(reasons(m)).toEqual({
      "r-late": ["accounting-vendor-taken", ["a:acme"]],
      "r-initech-1": ["accounting-vendor-taken", ["a:initech"]],
    });
  });
});

describe("matchVendors properties", () => {
  // Few names and codes, so collisions (the interesting cases) are common.
  const name = fc.constantFrom(
    "Acme",
    "ACME, Inc.",
    "Globex",
    "Globex GmbH",
    "Initech",
    "Hooli Ltd",
    "Vandelay",
  );
  const code = fc.option(fc.constantFrom("C1", "C2", "C3"), { nil: null });
  const accountingVendors = fc.uniqueArray(
    fc.record({ remoteId: fc.constantFrom("a1", "a2", "a3", "a4", "a5", "a6"), name, code }),
    { selector: (v) => v.remoteId, maxLength: 6 },
  );
  const rampVendors = fc.uniqueArray(
    fc.record({
      id: fc.constantFrom("r1", "r2", "r3", "r4", "r5", "r6", "r7"),
      name,
      nameLegal: fc.option(name, { nil: null }),
      externalVendorId: code,
      accountingVendorRemoteId: fc.option(fc.constantFrom("a1", "a2", "x9"), { nil: null, freq: 3 }),
    }),
    { selector: (v) => v.id, maxLength: 7 },
  );
  const manualLinks = fc.array(
    fc.record({
      rampVendorId: fc.constantFrom("r1", "r2", "r3"),
      accountingVendorRemoteId: fc.constantFrom("a1", "a3"),
    }),
    { maxLength: 2 },
  );
  const world = fc.record({ accountingVendors, rampVendors, manualLinks });

  it("never links one accounting vendor to two Ramp vendors, nor a Ramp vendor twice", () => {
    fc.assert(
      fc.property(world, (w) => {
        const m = matchVendors(w);
        // Ramp's own links may already share one (its data, not ours); ours never add to one.
        const held = new Set<string | null>(w.rampVendors.map((v) => v.accountingVendorRemoteId));
        const ours = m.links.map((l) => l.accountingVendorRemoteId);
        expect(new Set(ours).size).toBe(ours.length);
        expect(ours.filter((a) => held.has(a))).toEqual([]);
        const linked = m.links.map((l) => l.rampVendorId);
        expect(new Set(linked).size).toBe(linked.length);
        // Every unlinked active Ramp vendor is either linked now or listed with a reason.
        const pending = w.rampVendors.filter((v) => !v.accountingVendorRemoteId).map((v) => v.id);
        expect([...linked, ...m.unlinked.map((u) => u.rampVendorId)].sort()).toEqual(pending.sort());
      }),
    );
  });

  it("adding a decoy (a Ramp or an accounting vendor) never turns an ambiguous vendor into a link", () => {
    const decoy = fc.oneof(
      fc.record({ kind: fc.constant("ramp" as const), name, externalVendorId: code }),
      // A look-alike name only: an accounting vendor whose code matches is evidence, not a decoy.
      fc.record({ kind: fc.constant("accounting" as const), name, code: fc.constant(null) }),
    );
    fc.assert(
      fc.property(world, decoy, (w, d) => {
        const before = matchVendors(w);
        const after = matchVendors(
          d.kind === "ramp"
            ? {
                ...w,
                rampVendors: [
                  ...w.rampVendors,
                  rv("decoy", d.name, { externalVendorId: d.externalVendorId }),
                ],
              }
            : { ...w, accountingVendors: [...w.accountingVendors, av("decoy", d.name, d.code)] },
        );
        const nowLinked = new Set(after.links.map((l) => l.rampVendorId));
        for (const u of before.unlinked)
          if (u.reason === "ambiguous") expect(nowLinked.has(u.rampVendorId)).toBe(false);
      }),
    );
  });
});
