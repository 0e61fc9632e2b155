/**
 * A pure evaluator of CloudWatch metric alarm rules, for tests that replay metric series
 * against the alarms the CDK stack synthesizes (read with `alarmRulesFromTemplate`).
 *
 * The evaluation follows the CloudWatch user guide, "Configuring how CloudWatch alarms treat missing
 * data" (alarms-and-missing-data.html), section "How alarm state is evaluated when data is missing".
 * No AWS call is made; one value per period goes in, a state comes out.
 */

export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";
export type MissingData = "missing" | "ignore" | "breaching" | "notBreaching";
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export type AlarmMetric =
  | { expression: string }
  | { metricName: string; namespace?: string; dimensions: Record<string, unknown>; statistic?: string };

export interface AlarmRule {
  /** The alarm's logical id in the template. */
  id: string;
  /** AlarmDescription, when it is a plain string (not an intrinsic). */
  description?: string;
  periodS: number;
  evaluationPeriods: number;
  /** Defaults to evaluationPeriods (an "N out of N" alarm), as CloudFormation does. */
  datapointsToAlarm: number;
  threshold: number;
  comparison: Comparison;
  /** Defaults to "missing", as CloudFormation does. */
  treatMissingData: MissingData;
  metric: AlarmMetric;
  /** AlarmActions as written in the template (ARNs or intrinsics). */
  actions: unknown[];
}

export type EvalRule = Pick<
  AlarmRule,
  "evaluationPeriods" | "datapointsToAlarm" | "threshold" | "comparison" | "treatMissingData"
>;

const COMPARISONS: readonly Comparison[] = [
  "GreaterThanThreshold",
  "GreaterThanOrEqualToThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
];
const MISSING_DATA: readonly MissingData[] = ["missing", "ignore", "breaching", "notBreaching"];

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Whether one datapoint breaches the rule's threshold. */
export function breaches(rule: Pick<AlarmRule, "threshold" | "comparison">, value: number): boolean {
  switch (rule.comparison) {
    case "GreaterThanThreshold":
      return value > rule.threshold;
    case "GreaterThanOrEqualToThreshold":
      return value >= rule.threshold;
    case "LessThanThreshold":
      return value < rule.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= rule.threshold;
  }
}

/**
 * How many periods CloudWatch looks back over. The user guide's worked examples (3 evaluation
 * periods, 5 datapoints retrieved) use N + 2; the real evaluation range depends on the period and
 * the metric's resolution, so this is the documented example's range, not a general rule.
 */
export function evaluationRange(rule: Pick<AlarmRule, "evaluationPeriods">): number {
  return rule.evaluationPeriods + 2;
}

function checkRule(rule: EvalRule): void {
  const { evaluationPeriods: n, datapointsToAlarm: m } = rule;
  if (!Number.isInteger(n) || n < 1) throw new Error(`alarm-eval: evaluationPeriods must be ≥ 1, got ${n}`);
  if (!Number.isInteger(m) || m < 1 || m > n) {
    throw new Error(`alarm-eval: datapointsToAlarm must be in 1..${n}, got ${m}`);
  }
}

/** The existing (non-missing) values inside the evaluation range, oldest first. */
function existingInRange(rule: EvalRule, points: ReadonlyArray<number | null>): number[] {
  return points.slice(-evaluationRange(rule)).filter((p): p is number => p !== null);
}

/**
 * The "# of missing data points" column of the user guide's tables: how many filled points the
 * evaluation needs, i.e. N minus the existing points in the range (0 when there are enough).
 */
export function missingToFill(rule: EvalRule, points: ReadonlyArray<number | null>): number {
  checkRule(rule);
  return Math.max(0, rule.evaluationPeriods - existingInRange(rule, points).length);
}

/**
 * The state after one evaluation. `points`: one value per period, oldest first, null = missing;
 * only the last N + 2 (see evaluationRange) are looked at. `current` is what "retain the current
 * state" (treatMissingData "ignore") returns.
 */
export function evaluate(
  rule: EvalRule,
  points: ReadonlyArray<number | null>,
  current: AlarmState,
): AlarmState {
  checkRule(rule);
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const existing = existingInRange(rule, points);
  const breaching = existing.filter((v) => breaches(rule, v)).length;

  // Enough real data in the range: the N most recent existing points decide, and the
  // missing-data setting plays no part (user guide: evaluation when data is missing).
  if (existing.length >= n) {
    const recent = existing.slice(-n);
    return recent.filter((v) => breaches(rule, v)).length >= m ? "ALARM" : "OK";
  }

  // Otherwise the gap is filled per treatMissingData, with as few filled points as possible:
  // the existing points plus (N - existing) filled ones.
  const toFill = n - existing.length;
  switch (rule.treatMissingData) {
    case "breaching":
      return breaching + toFill >= m ? "ALARM" : "OK";
    case "notBreaching":
      return breaching >= m ? "ALARM" : "OK";
    case "missing":
    case "ignore": {
      // The guide's tables give these outcomes for partial data: enough breaching real points
      // alarm; any real non-breaching point means OK; nothing to go on otherwise, where
      // "missing" reports INSUFFICIENT_DATA and "ignore" keeps the current state.
      if (breaching >= m) return "ALARM";
      if (existing.length > breaching) return "OK";
      return rule.treatMissingData === "missing" ? "INSUFFICIENT_DATA" : current;
    }
  }
}

/** The state after each period i, evaluating series[0..i], carrying the state forward. */
export function replay(
  rule: EvalRule,
  series: ReadonlyArray<number | null>,
  initial: AlarmState = "INSUFFICIENT_DATA",
): AlarmState[] {
  const states: AlarmState[] = [];
  let state = initial;
  for (let i = 0; i < series.length; i++) {
    state = evaluate(rule, series.slice(0, i + 1), state);
    states.push(state);
  }
  return states;
}

/** The index of the first period whose state is ALARM, or null if the series never alarms. */
export function firstAlarm(rule: EvalRule, series: ReadonlyArray<number | null>): number | null {
  const i = replay(rule, series).indexOf("ALARM");
  return i === -1 ? null : i;
}

/**
 * A multi time series alarm (a Metrics Insights query with GROUP BY): CloudWatch evaluates each
 * returned series (a contributor) on its own, and the alarm is in ALARM while any contributor is
 * (user guide, "Create a CloudWatch alarm based on a Metrics Insights query",
 * Create_Metrics_Insights_Alarm.html).
 */
export function replayContributors(
  rule: EvalRule,
  seriesByKey: Record<string, ReadonlyArray<number | null>>,
): {
  states: Record<string, AlarmState[]>;
  firstAlarm: Record<string, number | null>;
  anyAlarmAt: number | null;
} {
  const states: Record<string, AlarmState[]> = {};
  const first: Record<string, number | null> = {};
  let anyAlarmAt: number | null = null;
  for (const [key, series] of Object.entries(seriesByKey)) {
    const s = replay(rule, series);
    states[key] = s;
    const i = s.indexOf("ALARM");
    first[key] = i === -1 ? null : i;
    if (i !== -1 && (anyAlarmAt === null || i < anyAlarmAt)) anyAlarmAt = i;
  }
  return { states, firstAlarm: first, anyAlarmAt };
}

/**
 * Buckets raw samples (epoch ms) into `count` periods of `periodS` seconds starting at `startMs`,
 * reduced by `statistic`. Samples outside the window are dropped; a period without samples is
 * null (missing), including for SampleCount, since CloudWatch has no datapoint there either.
 *
 * A percentile (`p95`, `p99.9`…) is the nearest-rank one: the smallest sample with at least that
 * share of the bucket at or below it. CloudWatch's own percentiles are approximations of that
 * (user guide, "Percentiles"); tests should not sit on the edge between two ranks.
 */
export type PeriodStatistic = "Maximum" | "Minimum" | "Sum" | "SampleCount" | "Average" | `p${number}`;

type BasicStatistic = Exclude<PeriodStatistic, `p${number}`>;

// Reductions over a non-empty bucket (reduce, not spread, so large buckets do not hit the argument limit).
const REDUCE: Record<BasicStatistic, (b: number[]) => number> = {
  Maximum: (b) => b.reduce((a, v) => Math.max(a, v)),
  Minimum: (b) => b.reduce((a, v) => Math.min(a, v)),
  Sum: (b) => b.reduce((a, v) => a + v, 0),
  SampleCount: (b) => b.length,
  Average: (b) => b.reduce((a, v) => a + v, 0) / b.length,
};

function reducerOf(statistic: PeriodStatistic): (b: number[]) => number {
  if (!statistic.startsWith("p")) return REDUCE[statistic as BasicStatistic];
  const p = Number(statistic.slice(1));
  if (!(p > 0 && p <= 100)) throw new Error(`alarm-eval: percentile must be in (0, 100], got ${statistic}`);
  return (b) => {
    const sorted = [...b].sort((x, y) => x - y);
    return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1] as number;
  };
}

export function toPeriods(
  samples: ReadonlyArray<{ at: number; value: number }>,
  opts: { startMs: number; periodS: number; count: number; statistic: PeriodStatistic },
): Array<number | null> {
  const periodMs = opts.periodS * 1000;
  if (!(periodMs > 0)) throw new Error(`alarm-eval: periodS must be > 0, got ${opts.periodS}`);
  const reduce = reducerOf(opts.statistic);
  const buckets: number[][] = Array.from({ length: opts.count }, () => []);
  for (const s of samples) {
    const i = Math.floor((s.at - opts.startMs) / periodMs);
    if (i >= 0 && i < opts.count) buckets[i]!.push(s.value);
  }
  return buckets.map((b) => (b.length === 0 ? null : reduce(b)));
}

// ---------------------------------------------------------------------------------------------
// Reading rules from a synthesized template

interface TemplateResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
  Properties?: any;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A number as CloudFormation allows it: a JSON number or a numeric string. */
function num(id: string, field: string, v: unknown): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new Error(`alarm-eval: alarm ${id}: ${field} is not a plain number (${JSON.stringify(v)})`);
}

function dimensionsOf(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(v)) return out;
  // Values may be intrinsics ({ Ref }, { "Fn::GetAtt" }) that only resolve at deploy time: kept as-is.
  for (const d of v) if (isObject(d) && typeof d.Name === "string") out[d.Name] = d.Value;
  return out;
}

function metricStatOf(stat: Json): AlarmMetric {
  const metric = isObject(stat.Metric) ? stat.Metric : {};
  return {
    metricName: String(metric.MetricName),
    ...(typeof metric.Namespace === "string" ? { namespace: metric.Namespace } : {}),
    dimensions: dimensionsOf(metric.Dimensions),
    ...(typeof stat.Stat === "string" ? { statistic: stat.Stat } : {}),
  };
}

/** The metric and period of a `Metrics` array alarm: the one entry that returns data. */
function fromMetricsArray(id: string, metrics: unknown[]): { metric: AlarmMetric; periodS: number } {
  const entries = metrics.filter(isObject);
  const returned = entries.filter((e) => e.ReturnData === true);
  const notHidden = entries.filter((e) => e.ReturnData !== false);
  const chosen =
    returned.length === 1
      ? returned[0]
      : entries.length === 1
        ? entries[0]
        : returned.length === 0 && notHidden.length === 1
          ? notHidden[0]
          : undefined;
  if (!chosen) {
    throw new Error(
      `alarm-eval: alarm ${id}: cannot tell which of its ${entries.length} Metrics returns data`,
    );
  }
  const stat = isObject(chosen.MetricStat) ? chosen.MetricStat : undefined;
  let metric: AlarmMetric;
  if (typeof chosen.Expression === "string") metric = { expression: chosen.Expression };
  else if (stat) metric = metricStatOf(stat);
  else
    throw new Error(
      `alarm-eval: alarm ${id}: Metrics entry ${String(chosen.Id)} has no Expression or MetricStat`,
    );
  let period = chosen.Period ?? stat?.Period;
  if (period === undefined) {
    // A math expression over other entries carries no Period of its own (CDK leaves it out when the
    // expression has submetrics); the alarm then runs at its submetrics' period, which must all agree.
    const periods = new Set(
      entries.flatMap((e) =>
        isObject(e.MetricStat) && e.MetricStat.Period !== undefined ? [e.MetricStat.Period] : [],
      ),
    );
    if (periods.size === 1) period = [...periods][0];
  }
  if (period === undefined) {
    throw new Error(`alarm-eval: alarm ${id}: Metrics entry ${String(chosen.Id)} has no Period`);
  }
  return { metric, periodS: num(id, "Period", period) };
}

function ruleOf(id: string, p: Json): AlarmRule {
  if (p.ThresholdMetricId !== undefined || p.Threshold === undefined) {
    throw new Error(
      `alarm-eval: alarm ${id} has no static Threshold (anomaly detection or ThresholdMetricId); not supported`,
    );
  }
  const comparison = p.ComparisonOperator;
  if (!COMPARISONS.includes(comparison as Comparison)) {
    throw new Error(`alarm-eval: alarm ${id}: unsupported ComparisonOperator ${JSON.stringify(comparison)}`);
  }
  const treat = p.TreatMissingData ?? "missing";
  if (!MISSING_DATA.includes(treat as MissingData)) {
    throw new Error(`alarm-eval: alarm ${id}: unsupported TreatMissingData ${JSON.stringify(treat)}`);
  }

  let metric: AlarmMetric;
  let periodS: number;
  if (Array.isArray(p.Metrics)) {
    ({ metric, periodS } = fromMetricsArray(id, p.Metrics));
  } else if (typeof p.MetricName === "string") {
    const statistic = p.Statistic ?? p.ExtendedStatistic;
    metric = {
      metricName: p.MetricName,
      ...(typeof p.Namespace === "string" ? { namespace: p.Namespace } : {}),
      dimensions: dimensionsOf(p.Dimensions),
      ...(typeof statistic === "string" ? { statistic } : {}),
    };
    periodS = num(id, "Period", p.Period);
  } else {
    throw new Error(`alarm-eval: alarm ${id} has neither MetricName nor Metrics`);
  }

  const evaluationPeriods = num(id, "EvaluationPeriods", p.EvaluationPeriods);
  const datapointsToAlarm =
    p.DatapointsToAlarm === undefined ? evaluationPeriods : num(id, "DatapointsToAlarm", p.DatapointsToAlarm);
  const rule: AlarmRule = {
    id,
    ...(typeof p.AlarmDescription === "string" ? { description: p.AlarmDescription } : {}),
    periodS,
    evaluationPeriods,
    datapointsToAlarm,
    threshold: num(id, "Threshold", p.Threshold),
    comparison: comparison as Comparison,
    treatMissingData: treat as MissingData,
    metric,
    actions: Array.isArray(p.AlarmActions) ? [...p.AlarmActions] : [],
  };
  checkRule(rule);
  return rule;
}

/** Every AWS::CloudWatch::Alarm of a synthesized template, keyed by logical id. Throws on one it cannot read. */
export function alarmRulesFromTemplate(template: {
  Resources: Record<string, TemplateResource>;
}): Map<string, AlarmRule> {
  const rules = new Map<string, AlarmRule>();
  for (const [id, res] of Object.entries(template.Resources ?? {})) {
    if (res.Type !== "AWS::CloudWatch::Alarm") continue;
    if (!isObject(res.Properties)) throw new Error(`alarm-eval: alarm ${id} has no Properties`);
    rules.set(id, ruleOf(id, res.Properties));
  }
  return rules;
}
