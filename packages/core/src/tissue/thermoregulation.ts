/**
 * Perfusion that rises with temperature (vasodilation, the body's defence against local heating), as a factor on a
 * tissue's resting perfusion. The curves are those of Lang, Erdmann & Seebass, "Impact of nonlinear heat transfer on
 * temperature control in regional hyperthermia", IEEE Trans Biomed Eng 1999;46(9):1129–1138, in kg/(m³·s):
 *   muscle W(T) = 0.45 + 3.55·exp(−(T − 45)²/12) for T ≤ 45 °C, 4.0 above (×8.6 of W(37) at 45 °C);
 *   fat    W(T) = 0.36 + 0.36·exp(−(T − 45)²/12) for T ≤ 45 °C, 0.72 above (×2.0).
 * We keep our own resting perfusion (tissue-table) and take the ratio W(T)/W(37) from these curves. Dead tissue
 * (the dose threshold) has no flow whatever its temperature.
 */
export interface PerfusionResponse {
  /** W(T)/W(37): 1 at 37 °C */
  factor(temperature: number): number;
  /** the largest factor at any temperature (for the explicit stability limit) */
  readonly maxFactor: number;
}

function langCurve(base: number, rise: number): PerfusionResponse {
  const w = (t: number) => (t <= 45 ? base + rise * Math.exp(-((t - 45) ** 2) / 12) : base + rise);
  const w37 = w(37);
  return { factor: (t) => w(t) / w37, maxFactor: (base + rise) / w37 };
}

/** The responses by tissue name (the tissue table's names). */
export const LANG_1999_PERFUSION: Readonly<Record<string, PerfusionResponse>> = {
  muscle: langCurve(0.45, 3.55),
  fat: langCurve(0.36, 0.36),
};
