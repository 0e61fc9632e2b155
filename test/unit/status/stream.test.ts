import { describe, expect, it } from "vitest";
import { KINDS } from "../../../lib/domain/kinds.js";
import { ledgerStreamOf } from "../../../lib/status/stream.js";
import { streamOf } from "../../../lib/store/ledger-item.js";

describe("ledgerStreamOf", () => {
  it("names the GSI1 stream the store indexes each kind under", () => {
    for (const kind of KINDS)
      expect({ kind, stream: ledgerStreamOf(kind) }).toEqual({ kind, stream: streamOf(kind) });
  });
});
