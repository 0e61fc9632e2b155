/**
 * Issue 6's headline end-to-end test against the live Tryton (two companies:
 * Acme Corp USD, Acme Europe EUR). The database persists between runs, so the
 * sandbox is seeded differently every run (fresh Ramp ids) and every figure is
 * read back from this run's references only.
 */
import { randomInt } from "node:crypto";
import { drainSuite } from "./support/drain-suite.js";
import { trytonSide } from "./support/tryton-side.js";

// DRAIN_SEED replays a reported run (the seed is in the suite's title).
const seed = Number(process.env.DRAIN_SEED) || randomInt(1, 2 ** 31 - 1);
drainSuite("Tryton", trytonSide, seed);
