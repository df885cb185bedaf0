/**
 * Funnel plot of a centre's mean against its number of cases (Spiegelhalter DJ, "Funnel plots for comparing
 * institutional performance", Stat Med 2005;24:1185–1202, section 3 and appendix, normal outcome): with target
 * θ and the SD σ of one case, a centre of n cases lies within the p-control limits θ ± z_p·σ/√n when it differs
 * from the target only by chance. Limits at 95 % (z = 1.960, "warning") and 99.8 % (z = 3.090, "alarm"), the
 * paper's two levels. θ and σ come from the cases of the centres shown (pooled), so one centre's data cannot be
 * recovered by subtracting the others from an overall figure. No over-dispersion adjustment (§ 5 of the paper):
 * with few centres its estimate would be unreliable; docs/records.md says so.
 */

/** Two-sided standard normal quantiles: 95 % and 99.8 % limits. */
export const Z95 = 1.959963984540054;
export const Z998 = 3.090232306167814;

export interface FunnelCentre {
  centre: string;
  /** cases with the indicator (observed NPV ratio) */
  n: number;
  mean: number;
  /** SD of the indicator within the centre (sample SD; null for n < 2) */
  sd: number | null;
}

export interface FunnelPoint {
  centre: string;
  n: number;
  mean: number;
  /** (mean − θ)·√n / σ */
  z: number;
  within95: boolean;
  within998: boolean;
}

export interface FunnelLimit {
  n: number;
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

export interface Funnel {
  /** θ, the cases' pooled mean */
  target: number;
  /** σ, the SD of one case about θ (all cases pooled) */
  sd: number;
  points: FunnelPoint[];
  /** the limits at n = 1 … nMax (every n up to 200, then about 200 log-spaced sizes: the plot's curves), bounded to the indicator's range [lo, hi] */
  limits: FunnelLimit[];
}

/** Limits at n cases (not clipped). */
export function funnelLimits(target: number, sd: number, n: number): FunnelLimit {
  const s = sd / Math.sqrt(n);
  return { n, lower95: target - Z95 * s, upper95: target + Z95 * s, lower998: target - Z998 * s, upper998: target + Z998 * s };
}

/**
 * The funnel of `centres` (each with n ≥ 1). θ = Σ nᵢ·meanᵢ / N; σ² = [Σ (nᵢ − 1)·sdᵢ² + Σ nᵢ·(meanᵢ − θ)²] / (N − 1),
 * the sample variance of all N cases. Null when fewer than 2 cases or σ = 0 (no spread: no limits).
 */
export function funnel(centres: readonly FunnelCentre[], range: [number, number] = [0, 1]): Funnel | null {
  const N = centres.reduce((a, c) => a + c.n, 0);
  if (N < 2) return null;
  const target = centres.reduce((a, c) => a + c.n * c.mean, 0) / N;
  let ss = 0;
  for (const c of centres) ss += (c.n - 1) * (c.sd ?? 0) ** 2 + c.n * (c.mean - target) ** 2;
  const sd = Math.sqrt(ss / (N - 1));
  if (!(sd > 0) || !Number.isFinite(sd)) return null;
  const clip = (v: number) => Math.min(range[1], Math.max(range[0], v));
  const points = centres.map((c) => {
    const z = ((c.mean - target) * Math.sqrt(c.n)) / sd;
    return { centre: c.centre, n: c.n, mean: c.mean, z, within95: Math.abs(z) <= Z95, within998: Math.abs(z) <= Z998 };
  });
  const nMax = Math.max(...centres.map((c) => c.n));
  const limits: FunnelLimit[] = [];
  for (const n of plotSizes(nMax)) {
    const l = funnelLimits(target, sd, n);
    limits.push({ n, lower95: clip(l.lower95), upper95: clip(l.upper95), lower998: clip(l.lower998), upper998: clip(l.upper998) });
  }
  return { target, sd, points, limits };
}

/** 1 … nMax, every integer up to 200 and about 200 log-spaced integers beyond (nMax included). */
function plotSizes(nMax: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= Math.min(nMax, 200); n++) out.push(n);
  if (nMax > 200) {
    const step = Math.log(nMax / 200) / 200;
    for (let i = 1; i <= 200; i++) {
      const n = Math.round(200 * Math.exp(step * i));
      if (n > out[out.length - 1]) out.push(n);
    }
    if (out[out.length - 1] !== nMax) out.push(nMax);
  }
  return out;
}
