/**
 * The shape of bench/results.json and of what a suite hands back. One file per run, so a
 * reader (the README's table, a later comparison) parses one document and knows which
 * machine, which mode and which suites produced every figure.
 */
import * as z from "zod";

export const FigureSchema = z.strictObject({
  /** Stable across runs (`<suite>.<what>`), so two results files can be compared figure by figure. */
  id: z.string().min(1),
  suite: z.string().min(1),
  label: z.string().min(1),
  value: z.number(),
  unit: z.string(),
  /** The least any correct implementation must spend (e.g. Ramp calls): lower is the goal. */
  floor: z.number().optional(),
  /** What a naive implementation spends or takes: the figure is compared against it. */
  baseline: z.number().optional(),
  /** value/floor when ratioOf is "floor", baseline/value when "baseline" (both: > 1 means worse/better). */
  ratio: z.number().optional(),
  ratioOf: z.enum(["floor", "baseline"]).optional(),
  goal: z.string().optional(),
  note: z.string().optional(),
});
export type Figure = z.infer<typeof FigureSchema>;

export const SuiteRecordSchema = z.strictObject({
  seconds: z.number(),
  detail: z.unknown(),
  /** Set when the suite threw: its figures are missing and the run exits 1. */
  error: z.string().optional(),
});
export type SuiteRecord = z.infer<typeof SuiteRecordSchema>;

export const ResultsSchema = z.strictObject({
  schema: z.literal(1),
  ranAt: z.iso.datetime(),
  node: z.string(),
  machine: z.strictObject({ cpus: z.number().int(), model: z.string(), totalMemMb: z.number() }),
  mode: z.enum(["full", "quick"]),
  seconds: z.number(),
  figures: z.array(FigureSchema),
  suites: z.record(z.string(), SuiteRecordSchema),
});
export type Results = z.infer<typeof ResultsSchema>;

export interface BenchContext {
  /** The CI variant: small N, a few minutes in all. */
  quick: boolean;
  /** The run's one DynamoDB Local; a suite creates its own uniquely named tables on it. */
  dynamoEndpoint: string;
  /** Progress for the person watching (stderr), never part of the results. */
  log(line: string): void;
}

export interface SuiteOutput {
  figures: Figure[];
  detail?: unknown;
}

/** What `bench/suites/<name>.ts` default-exports. */
export type Suite = (ctx: BenchContext) => Promise<SuiteOutput>;
