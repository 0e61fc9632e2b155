import { describe, expect, it } from "vitest";
import {
  type AlarmState,
  alarmRulesFromTemplate,
  type Comparison,
  type EvalRule,
  evaluate,
  firstAlarm,
  type MissingData,
  missingToFill,
  type PeriodStatistic,
  replay,
  replayContributors,
  toPeriods,
} from "../support/alarm-eval.js";

/** Threshold 1, GreaterThanThreshold: "X" = 2 breaches, "0" = 0 does not, "-" = missing. */
function pts(s: string): Array<number | null> {
  return s.split(" ").map((c) => {
    if (c === "-") return null;
    if (c === "X") return 2;
    if (c === "0") return 0;
    throw new Error(`bad point ${c}`);
  });
}

function rule(
  m: number,
  n: number,
  treatMissingData: MissingData,
  comparison: Comparison = "GreaterThanThreshold",
) {
  return {
    evaluationPeriods: n,
    datapointsToAlarm: m,
    threshold: 1,
    comparison,
    treatMissingData,
  } satisfies EvalRule;
}

const RETAIN = "retain" as const;
type Expected = AlarmState | typeof RETAIN;
interface Row {
  points: string;
  toFill: number;
  missing: Expected;
  ignore: Expected;
  breaching: Expected;
  notBreaching: Expected;
}

// The two tables of the CloudWatch user guide, "Configuring how CloudWatch alarms treat missing data" →
// "How alarm state is evaluated when data is missing" (5 most recent points retrieved, N = 3).
const TABLES: Array<{ name: string; m: number; n: number; rows: Row[] }> = [
  {
    name: "datapoints to alarm 3, evaluation periods 3",
    m: 3,
    n: 3,
    rows: [
      { points: "0 - X - X", toFill: 0, missing: "OK", ignore: "OK", breaching: "OK", notBreaching: "OK" },
      { points: "0 - - - -", toFill: 2, missing: "OK", ignore: "OK", breaching: "OK", notBreaching: "OK" },
      {
        points: "- - - - -",
        toFill: 3,
        missing: "INSUFFICIENT_DATA",
        ignore: RETAIN,
        breaching: "ALARM",
        notBreaching: "OK",
      },
      {
        points: "0 X X - X",
        toFill: 0,
        missing: "ALARM",
        ignore: "ALARM",
        breaching: "ALARM",
        notBreaching: "ALARM",
      },
      {
        points: "- - - - X",
        toFill: 2,
        missing: "INSUFFICIENT_DATA",
        ignore: RETAIN,
        breaching: "ALARM",
        notBreaching: "OK",
      },
    ],
  },
  {
    name: "datapoints to alarm 2, evaluation periods 3",
    m: 2,
    n: 3,
    rows: [
      {
        points: "0 - X - X",
        toFill: 0,
        missing: "ALARM",
        ignore: "ALARM",
        breaching: "ALARM",
        notBreaching: "ALARM",
      },
      {
        points: "0 0 X 0 X",
        toFill: 0,
        missing: "ALARM",
        ignore: "ALARM",
        breaching: "ALARM",
        notBreaching: "ALARM",
      },
      { points: "0 - X - -", toFill: 1, missing: "OK", ignore: "OK", breaching: "ALARM", notBreaching: "OK" },
      { points: "- - - - 0", toFill: 2, missing: "OK", ignore: "OK", breaching: "ALARM", notBreaching: "OK" },
      {
        points: "- - - - X",
        toFill: 2,
        missing: "INSUFFICIENT_DATA",
        ignore: RETAIN,
        breaching: "ALARM",
        notBreaching: "OK",
      },
    ],
  },
];

const SETTINGS: MissingData[] = ["missing", "ignore", "breaching", "notBreaching"];
// Two different current states, so "retain" is told apart from a fixed answer.
const CURRENTS: AlarmState[] = ["OK", "ALARM"];

describe("evaluate: the user guide's missing-data tables", () => {
  for (const table of TABLES) {
    describe(table.name, () => {
      for (const row of table.rows) {
        it(`${row.points}: # missing to fill = ${row.toFill}`, () => {
          for (const setting of SETTINGS) {
            expect(missingToFill(rule(table.m, table.n, setting), pts(row.points))).toBe(row.toFill);
          }
        });
        for (const setting of SETTINGS) {
          for (const current of CURRENTS) {
            const want = row[setting];
            const expected = want === RETAIN ? current : want;
            it(`${row.points} | ${setting} | current ${current} → ${expected}`, () => {
              expect(evaluate(rule(table.m, table.n, setting), pts(row.points), current)).toBe(expected);
            });
          }
        }
      }
    });
  }
});

describe("evaluate: comparison operators", () => {
  const cases: Array<[Comparison, number, AlarmState]> = [
    ["GreaterThanThreshold", 2, "ALARM"],
    ["GreaterThanThreshold", 1, "OK"],
    ["GreaterThanThreshold", 0, "OK"],
    ["GreaterThanOrEqualToThreshold", 2, "ALARM"],
    ["GreaterThanOrEqualToThreshold", 1, "ALARM"],
    ["GreaterThanOrEqualToThreshold", 0, "OK"],
    ["LessThanThreshold", 2, "OK"],
    ["LessThanThreshold", 1, "OK"],
    ["LessThanThreshold", 0, "ALARM"],
    ["LessThanOrEqualToThreshold", 2, "OK"],
    ["LessThanOrEqualToThreshold", 1, "ALARM"],
    ["LessThanOrEqualToThreshold", 0, "ALARM"],
  ];
  for (const [comparison, value, expected] of cases) {
    it(`${comparison} 1, value ${value} → ${expected}`, () => {
      expect(evaluate(rule(1, 1, "missing", comparison), [value], "INSUFFICIENT_DATA")).toBe(expected);
    });
  }
});

describe("evaluate: the evaluation range is the last N + 2 points", () => {
  it("older breaching points do not count", () => {
    const r = rule(3, 3, "missing");
    // Three breaching points, then five missing: the range holds only missing points.
    expect(evaluate(r, pts("X X X - - - - -"), "OK")).toBe("INSUFFICIENT_DATA");
    expect(evaluate(rule(3, 3, "notBreaching"), pts("X X X - - - - -"), "ALARM")).toBe("OK");
    // Four non-breaching points in the range hide older breaching ones, even with enough data.
    expect(evaluate(r, pts("X X X X 0 0 0 0 X"), "ALARM")).toBe("OK");
  });

  it("a point N + 2 back counts, one N + 3 back does not", () => {
    const r = rule(1, 3, "notBreaching");
    expect(evaluate(r, pts("X - - - -"), "OK")).toBe("ALARM");
    expect(evaluate(r, pts("X - - - - -"), "OK")).toBe("OK");
  });

  it("with enough existing points, the N most recent existing ones decide", () => {
    // 4 existing points in the range: the oldest (X) is not among the 3 most recent.
    expect(evaluate(rule(3, 3, "breaching"), pts("X 0 - X X"), "OK")).toBe("OK");
    expect(evaluate(rule(3, 3, "breaching"), pts("0 X - X X"), "OK")).toBe("ALARM");
  });

  it("rejects datapointsToAlarm outside 1..N", () => {
    expect(() => evaluate(rule(4, 3, "missing"), [], "OK")).toThrow(/datapointsToAlarm/);
    expect(() => evaluate(rule(0, 3, "missing"), [], "OK")).toThrow(/datapointsToAlarm/);
  });
});

describe("replay / firstAlarm", () => {
  it("goes OK → ALARM → OK on a simple series", () => {
    const r = rule(2, 3, "notBreaching");
    const series = pts("0 0 X X 0 0 0");
    expect(replay(r, series)).toEqual(["OK", "OK", "OK", "ALARM", "ALARM", "OK", "OK"]);
    expect(firstAlarm(r, series)).toBe(3);
  });

  it("starts from the initial state, which ignore keeps while there is nothing to go on", () => {
    const ignore = rule(3, 3, "ignore");
    expect(replay(ignore, pts("- -"))).toEqual(["INSUFFICIENT_DATA", "INSUFFICIENT_DATA"]);
    expect(replay(ignore, pts("- -"), "OK")).toEqual(["OK", "OK"]);
    // After an alarm the data stops: ignore stays in ALARM, missing drops to INSUFFICIENT_DATA.
    const series = pts("X X X - - - - - -");
    expect(replay(ignore, series)).toEqual([
      "INSUFFICIENT_DATA",
      "INSUFFICIENT_DATA",
      "ALARM",
      "ALARM",
      "ALARM",
      "ALARM",
      "ALARM",
      "ALARM",
      "ALARM",
    ]);
    expect(replay(rule(3, 3, "missing"), series)).toEqual([
      "INSUFFICIENT_DATA",
      "INSUFFICIENT_DATA",
      "ALARM",
      "ALARM",
      "ALARM",
      "INSUFFICIENT_DATA",
      "INSUFFICIENT_DATA",
      "INSUFFICIENT_DATA",
      "INSUFFICIENT_DATA",
    ]);
  });

  it("firstAlarm is null for a series that never alarms", () => {
    expect(firstAlarm(rule(2, 3, "notBreaching"), pts("0 X 0 0 - X 0"))).toBeNull();
    expect(firstAlarm(rule(2, 3, "notBreaching"), [])).toBeNull();
  });
});

describe("replayContributors", () => {
  it("evaluates each contributor on its own; the alarm fires with the first one", () => {
    const r = rule(2, 3, "notBreaching");
    const out = replayContributors(r, {
      "tenant-a": pts("0 0 0 0 0 X X"),
      "tenant-b": pts("0 X X 0"),
      "tenant-c": pts("X 0 0 X 0 0 X"),
    });
    expect(out.firstAlarm).toEqual({ "tenant-a": 6, "tenant-b": 2, "tenant-c": null });
    expect(out.anyAlarmAt).toBe(2);
    expect(out.states["tenant-b"]).toEqual(["OK", "OK", "ALARM", "ALARM"]);
    expect(out.states["tenant-c"]).toEqual(replay(r, pts("X 0 0 X 0 0 X")));
  });

  it("breaches spread across contributors do not add up", () => {
    const r = rule(2, 3, "notBreaching");
    const out = replayContributors(r, { a: pts("X 0 0 0"), b: pts("0 0 X 0") });
    expect(out.anyAlarmAt).toBeNull();
    // The same points as one series would alarm.
    expect(firstAlarm(r, pts("X 0 X 0"))).toBe(2);
  });

  it("no contributors: never in ALARM", () => {
    expect(replayContributors(rule(1, 1, "missing"), {})).toEqual({
      states: {},
      firstAlarm: {},
      anyAlarmAt: null,
    });
  });
});

describe("toPeriods", () => {
  const startMs = Date.UTC(2025, 0, 1);
  const at = (s: number) => startMs + s * 1000;
  const samples = [
    { at: at(-1), value: 100 }, // before the window: dropped
    { at: at(0), value: 3 },
    { at: at(10), value: 1 },
    { at: at(59.999), value: 5 },
    { at: at(60), value: 7 }, // a period boundary opens the next period
    // period 2 (120..180 s) has no sample
    { at: at(200), value: 4 },
    { at: at(230), value: 2 },
    { at: at(240), value: 100 }, // after the window (4 periods of 60 s): dropped
  ];
  const cases: Array<[PeriodStatistic, Array<number | null>]> = [
    ["Maximum", [5, 7, null, 4]],
    ["Minimum", [1, 7, null, 2]],
    ["Sum", [9, 7, null, 6]],
    ["SampleCount", [3, 1, null, 2]],
    ["Average", [3, 7, null, 3]],
  ];
  for (const [statistic, expected] of cases) {
    it(statistic, () => {
      expect(toPeriods(samples, { startMs, periodS: 60, count: 4, statistic })).toEqual(expected);
    });
  }

  it("unordered samples land in the same buckets; no samples gives all-missing", () => {
    const shuffled = [...samples].reverse();
    expect(toPeriods(shuffled, { startMs, periodS: 60, count: 4, statistic: "Sum" })).toEqual([
      9,
      7,
      null,
      6,
    ]);
    expect(toPeriods([], { startMs, periodS: 300, count: 2, statistic: "SampleCount" })).toEqual([
      null,
      null,
    ]);
  });

  it("percentiles are nearest-rank within each period: one sample is its own p95, 5 % of outliers are not", () => {
    expect(toPeriods(samples, { startMs, periodS: 60, count: 4, statistic: "p50" })).toEqual([3, 7, null, 2]);
    expect(toPeriods(samples, { startMs, periodS: 60, count: 4, statistic: "p95" })).toEqual([5, 7, null, 4]);
    // 100 samples in one period, the slowest 5 far out: p95 is the 95th smallest, p96 the first outlier.
    const hundred = Array.from({ length: 100 }, (_, i) => ({ at: at(i), value: i < 95 ? i + 1 : 1_000 + i }));
    const one = (statistic: PeriodStatistic) =>
      toPeriods(hundred, { startMs, periodS: 600, count: 1, statistic })[0];
    expect(one("p95")).toBe(95);
    expect(one("p96")).toBe(1_095);
    expect(one("p100")).toBe(one("Maximum"));
    expect(() => one("p0")).toThrow(/percentile/);
    expect(() => one("p101")).toThrow(/percentile/);
  });

  it("feeds replay", () => {
    const series = toPeriods(samples, { startMs, periodS: 60, count: 4, statistic: "Maximum" });
    // Period 2 is missing but period 1 (7) is still in the range and is the most recent existing point.
    const states = replay({ ...rule(1, 1, "notBreaching"), threshold: 4.5 }, series);
    expect(states).toEqual(["ALARM", "ALARM", "ALARM", "OK"]);
  });
});

describe("alarmRulesFromTemplate", () => {
  const template = {
    Resources: {
      Topic: { Type: "AWS::SNS::Topic" },
      DlqNotEmpty: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          AlarmDescription: "Messages are waiting in the dead-letter queue",
          MetricName: "ApproximateNumberOfMessagesVisible",
          Namespace: "AWS/SQS",
          Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": ["Dlq", "QueueName"] } }],
          Statistic: "Maximum",
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: "GreaterThanThreshold",
          TreatMissingData: "notBreaching",
          AlarmActions: [{ Ref: "Topic" }],
        },
      },
      Backlog: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          AlarmDescription: { "Fn::Join": ["", ["Backlog in ", { Ref: "AWS::StackName" }]] },
          Metrics: [
            {
              Id: "expr_1",
              Expression: 'SELECT MAX(SyncReadyBacklog) FROM "RampErpSync" GROUP BY tenant',
              Label: "backlog",
              Period: 60,
              ReturnData: true,
            },
          ],
          EvaluationPeriods: 5,
          DatapointsToAlarm: 3,
          Threshold: 100,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
        },
      },
      P99Latency: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          Metrics: [
            {
              Id: "m1",
              MetricStat: {
                Metric: { MetricName: "Duration", Namespace: "AWS/Lambda", Dimensions: [] },
                Period: 120,
                Stat: "p99",
              },
            },
          ],
          EvaluationPeriods: "2",
          Threshold: "1500",
          ComparisonOperator: "LessThanThreshold",
          TreatMissingData: "ignore",
        },
      },
    },
  };

  it("reads single-metric and Metrics-array alarms, skipping other resources", () => {
    const rules = alarmRulesFromTemplate(template);
    expect([...rules.keys()]).toEqual(["DlqNotEmpty", "Backlog", "P99Latency"]);
    expect(rules.get("DlqNotEmpty")).toEqual({
      id: "DlqNotEmpty",
      description: "Messages are waiting in the dead-letter queue",
      periodS: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparison: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      metric: {
        metricName: "ApproximateNumberOfMessagesVisible",
        namespace: "AWS/SQS",
        dimensions: { QueueName: { "Fn::GetAtt": ["Dlq", "QueueName"] } },
        statistic: "Maximum",
      },
      actions: [{ Ref: "Topic" }],
    });
    expect(rules.get("Backlog")).toEqual({
      id: "Backlog",
      periodS: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: 100,
      comparison: "GreaterThanOrEqualToThreshold",
      treatMissingData: "missing",
      metric: { expression: 'SELECT MAX(SyncReadyBacklog) FROM "RampErpSync" GROUP BY tenant' },
      actions: [],
    });
    expect(rules.get("P99Latency")).toMatchObject({
      periodS: 120,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 1500,
      treatMissingData: "ignore",
      metric: { metricName: "Duration", namespace: "AWS/Lambda", dimensions: {}, statistic: "p99" },
    });
  });

  it("picks the entry that returns data in a metric math alarm", () => {
    const rules = alarmRulesFromTemplate({
      Resources: {
        ErrorRate: {
          Type: "AWS::CloudWatch::Alarm",
          Properties: {
            Metrics: [
              {
                Id: "errors",
                MetricStat: {
                  Metric: { MetricName: "Errors", Namespace: "AWS/Lambda" },
                  Period: 60,
                  Stat: "Sum",
                },
                ReturnData: false,
              },
              { Id: "rate", Expression: "errors / 60" },
            ],
            EvaluationPeriods: 3,
            Threshold: 1,
            ComparisonOperator: "GreaterThanThreshold",
          },
        },
      },
    });
    // The expression has no Period of its own: it runs at its submetrics' period.
    expect(rules.get("ErrorRate")).toMatchObject({ periodS: 60, metric: { expression: "errors / 60" } });
  });

  it("throws, naming the alarm, on an anomaly detection alarm", () => {
    const anomaly = {
      Resources: {
        Latency: {
          Type: "AWS::CloudWatch::Alarm",
          Properties: {
            Metrics: [
              {
                Id: "m1",
                MetricStat: {
                  Metric: { MetricName: "Duration", Namespace: "AWS/Lambda" },
                  Period: 60,
                  Stat: "Average",
                },
                ReturnData: true,
              },
              { Id: "ad1", Expression: "ANOMALY_DETECTION_BAND(m1, 2)" },
            ],
            ThresholdMetricId: "ad1",
            EvaluationPeriods: 1,
            ComparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
          },
        },
      },
    };
    expect(() => alarmRulesFromTemplate(anomaly)).toThrow(/Latency.*Threshold/);
  });

  it("throws on an alarm without a Threshold or a metric it can read", () => {
    const base = { EvaluationPeriods: 1, ComparisonOperator: "GreaterThanThreshold" };
    const noThreshold = { ...base, MetricName: "Errors", Period: 60 };
    const noMetric = { ...base, Threshold: 1 };
    const twoReturned = {
      ...base,
      Threshold: 1,
      Metrics: [
        { Id: "a", Expression: "1", Period: 60, ReturnData: true },
        { Id: "b", Expression: "2", Period: 60, ReturnData: true },
      ],
    };
    const wrap = (Properties: object) => ({
      Resources: { Bad: { Type: "AWS::CloudWatch::Alarm", Properties } },
    });
    expect(() => alarmRulesFromTemplate(wrap(noThreshold))).toThrow(/Bad.*Threshold/);
    expect(() => alarmRulesFromTemplate(wrap(noMetric))).toThrow(/Bad.*neither MetricName nor Metrics/);
    expect(() => alarmRulesFromTemplate(wrap(twoReturned))).toThrow(/Bad.*returns data/);
  });
});
