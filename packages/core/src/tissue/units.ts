/**
 * Unit conversions at the edges: attenuation and perfusion as tables and papers state them → SI.
 * Source of the formulas: shared/reference/formulas.md and tissue-properties.md.
 */

/** Nepers per decibel (1 Np = 20/ln 10 dB ≈ 8.686 dB). */
export const NEPER_PER_DB = Math.LN10 / 20;

/**
 * Power-law attenuation α(f) = α0 · f_MHz^y in Np/m, from α0 in dB/cm/MHz^y:
 * α[Np/m] = α0 · f[MHz]^y · 100 / 8.686.
 */
export function attenuationNpPerM(alphaDbPerCmMHz: number, powerLawExponent: number, frequencyHz: number): number {
  return alphaDbPerCmMHz * (frequencyHz / 1e6) ** powerLawExponent * 100 * NEPER_PER_DB;
}

/** Inverse of attenuationNpPerM at one frequency: Np/m → dB/cm/MHz^y. */
export function attenuationDbPerCmMHz(alphaNpPerM: number, powerLawExponent: number, frequencyHz: number): number {
  return alphaNpPerM / (100 * NEPER_PER_DB * (frequencyHz / 1e6) ** powerLawExponent);
}

/**
 * Perfusion in ml/min/100 g (the physiology unit) → volumetric blood flow w_b in 1/s as it enters
 * Pennes' term ρ_b c_b w_b (T − T_a): w_b = perfusion / 6000 · ρ_tissue / ρ_blood
 * (shared/reference/tissue-properties.md).
 */
export function perfusionPerSecond(mlPerMinPer100g: number, tissueDensity: number, bloodDensity: number): number {
  return (mlPerMinPer100g / 6000) * (tissueDensity / bloodDensity);
}

/** Inverse of perfusionPerSecond. */
export function perfusionMlPerMinPer100g(perSecond: number, tissueDensity: number, bloodDensity: number): number {
  return (perSecond * 6000 * bloodDensity) / tissueDensity;
}
