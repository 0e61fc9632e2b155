/**
 * Building figures: one maker per suite so ids are `<suite>.<id>` everywhere, the ratio is
 * computed one way (value/floor: how far above the floor, 1 is the best; baseline/value:
 * how many times better than the naive baseline), and values are rounded once so the
 * JSON and the table agree.
 */
import type { Figure } from "./schema.js";

type Extra = Pick<Figure, "floor" | "baseline" | "goal" | "note">;

/** 3 significant decimals for small values, whole numbers from 100 up: enough to compare runs. */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x);
  if (abs >= 1) return Math.round(x * 100) / 100;
  return Number(x.toPrecision(3));
}

export type FigureMaker = (id: string, label: string, value: number, unit: string, extra?: Extra) => Figure;

export function figureMaker(suite: string): FigureMaker {
  return (id, label, value, unit, extra = {}) => {
    const figure: Figure = { id: `${suite}.${id}`, suite, label, value: roundFigure(value), unit };
    if (extra.floor !== undefined) {
      figure.floor = roundFigure(extra.floor);
      if (extra.floor > 0) {
        figure.ratio = roundFigure(value / extra.floor);
        figure.ratioOf = "floor";
      }
    } else if (extra.baseline !== undefined) {
      figure.baseline = roundFigure(extra.baseline);
      if (value > 0) {
        figure.ratio = roundFigure(extra.baseline / value);
        figure.ratioOf = "baseline";
      }
    }
    if (extra.goal !== undefined) figure.goal = extra.goal;
    if (extra.note !== undefined) figure.note = extra.note;
    return figure;
  };
}
