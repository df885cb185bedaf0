/**
 * Heat source from sound, Q = 2 α_abs I = α_abs |p|² / (ρ c) in W/m³ (plane-wave intensity; α_abs in Np/m,
 * the absorbed part of the attenuation; shared/reference/formulas.md).
 */
export function heatSourceDensity(pressureAmplitude: number, absorptionNpPerM: number, density: number, soundSpeed: number): number {
  return (absorptionNpPerM * pressureAmplitude * pressureAmplitude) / (density * soundSpeed);
}
