/**
 * The plain table `npm run bench` prints: one row per figure, columns aligned with spaces
 * (readable in a CI log, pasteable into the README). Numbers are grouped by thousands.
 */
import type { Figure } from "./schema.js";

const HEADER = ["figure", "value", "floor/baseline", "ratio", "goal"] as const;

export function formatNumber(x: number): string {
  return x.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

function row(f: Figure): string[] {
  const against =
    f.floor !== undefined
      ? `floor ${formatNumber(f.floor)}`
      : f.baseline !== undefined
        ? `baseline ${formatNumber(f.baseline)}`
        : "";
  const unit = f.unit ? ` ${f.unit}` : "";
  return [
    f.label,
    `${formatNumber(f.value)}${unit}`,
    against,
    f.ratio !== undefined ? `${formatNumber(f.ratio)}×` : "",
    f.goal ?? "",
  ];
}

export function formatTable(figures: readonly Figure[]): string {
  const rows = [[...HEADER], ...figures.map(row)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const rule = widths.map((w) => "-".repeat(w));
  return [rows[0] ?? [], rule, ...rows.slice(1)]
    .map((r) =>
      r
        // The value column is right-aligned so digits line up; the rest read left to right.
        .map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
