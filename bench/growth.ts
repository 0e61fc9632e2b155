/**
 * "How each grows": a least-squares line y = a + b·x through a series (e.g. Ramp calls or
 * wall ms at N = 100, 1,000, 10,000), so a figure can say what is fixed per drain (a) and
 * what each further object costs (b). Unweighted: with N spread over decades the largest N
 * dominates b, which is the per-object cost that matters at scale.
 */
export interface Point {
  x: number;
  y: number;
}

export interface Line {
  /** Intercept: the fixed part. */
  a: number;
  /** Slope: the part per unit of x. */
  b: number;
}

export function fitLine(points: readonly Point[]): Line {
  const n = points.length;
  const xs = new Set(points.map((p) => p.x));
  if (xs.size < 2) throw new Error(`a line needs at least two distinct x values, got ${xs.size}`);
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}
