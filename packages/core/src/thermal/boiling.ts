import { InputError, requireFinite } from '../errors.js';
import { sharedFloat32, sharedFloat64 } from '../parallel/parallel-executor.js';
import { BOILING_TEMPERATURE } from './thermal-dose.js';

/**
 * Boiling of tissue water by the enthalpy method, as an operator-split step after each heat-equation step.
 *
 * A voxel's enthalpy per volume is H = ρC·T + φ·ρ·w·L, with φ the fraction of its water already vaporised, w the
 * water mass fraction of the tissue and L the latent heat. Above the boiling temperature T_b the sensible excess
 * ρC(T − T_b) goes into vaporisation (T held at T_b) until the voxel's water is gone (φ = 1, then it heats
 * again); below T_b vapour condenses and gives its heat back (T raised towards T_b while φ > 0). The projection
 * conserves H exactly, so the energy budget closes with the latent term (`latentEnergy`).
 *
 * Vapour is what the sound sees: a voxel counts as holding a bubble while its vapour void fraction is at least
 * half (vapour is ~1,600 times less dense than water, so that is φ ≈ 10⁻³: boiling onset for all practical
 * purposes). The hyperechoic "greyscale" mark of the B-mode image follows the bubbles and fades after the vapour
 * has condensed, as the gas left in the tissue dissolves (`fadeTime`).
 */

/** Latent heat of vaporisation of water at 100 °C, J/kg (IAPWS-IF97 steam tables: 2256.4 kJ/kg). */
export const WATER_LATENT_HEAT = 2.2564e6;
/** Density of saturated steam at 100 °C, kg/m³ (IAPWS-IF97: 0.5975). */
export const STEAM_DENSITY = 0.5975;
/** Density of liquid water at 100 °C, kg/m³ (IAPWS-IF97: 958.4). */
export const WATER_DENSITY_AT_BOILING = 958.4;
/**
 * Time constant of the fading of the hyperechoic region once bubbles stop forming, s. After HIFU exposures of ex vivo
 * porcine muscle the hyperechoic spots faded and the echo-derived attenuation change settled within ≈ 10 min
 * ("Estimating dynamic changes of tissue attenuation coefficient during HIFU treatment", J Ther Ultrasound 2013;1:14);
 * an exponential that has fallen to e⁻³ ≈ 5 % at 10 min has τ = 200 s. Hyperecho marks bubbles (cavitation and
 * boiling), not the lesion (Rabkin BA, Zderic V, Vaezy S. Ultrasound Med Biol 2005;31:947–956).
 */
export const GREYSCALE_FADE_TIME = 200;
/** Vapour void fraction at which a voxel counts as holding a bubble (reflects and shields the beam). */
export const BUBBLE_VOID_FRACTION = 0.5;

/**
 * Water mass fraction of tissues by name. Lean soft tissue ≈ 0.75 and adipose tissue 0.10–0.40 (mid-range 0.25):
 * Institute of Medicine, Dietary Reference Intakes for Water (National Academies Press 2005, ch. 4 p. 75), which
 * agrees with the compilation of Woodard HQ & White DR, Br J Radiol 1986;59:1209–1218 (skeletal muscle 0.79,
 * skin 0.65, adipose 0.15–0.40, cortical bone 0.12). Names not listed get the lean value.
 */
export const TISSUE_WATER_CONTENT: Readonly<Record<string, number>> = {
  water: 1,
  urine: 1,
  fat: 0.25,
  skin: 0.65,
  muscle: 0.79,
  bone: 0.12,
};
export const LEAN_TISSUE_WATER_CONTENT = 0.75;

/** Water mass fraction of a tissue (TISSUE_WATER_CONTENT, else the lean-tissue value). */
export function waterContentOf(name: string): number {
  return TISSUE_WATER_CONTENT[name] ?? LEAN_TISSUE_WATER_CONTENT;
}

/** Options of the boiling model (defaults: the constants above). */
export interface BoilingOptions {
  /** °C (default 100) */
  temperature?: number;
  /** J/kg (default WATER_LATENT_HEAT) */
  latentHeat?: number;
  /** s (default GREYSCALE_FADE_TIME) */
  fadeTime?: number;
  /** water mass fraction per material index (default waterContentOf(material name)) */
  waterContent?: readonly number[];
}

/**
 * The enthalpy projection of one voxel: temperature T (°C) and vaporised fraction φ are replaced by the pair of the same
 * enthalpy ρC·T + φ·cap that lies on the phase path (T = T_b while 0 < φ < 1; cap = ρ·w·L, the latent heat of all the
 * voxel's water per volume). Writes the new φ to `phi[0]` and returns the new T.
 */
export function enthalpyProjection(T: number, phi: number, Tb: number, rhoC: number, cap: number, out: Float64Array): number {
  if (T > Tb) {
    out[0] = phi;
    if (cap <= 0 || phi >= 1) return T;
    const excess = rhoC * (T - Tb);
    const room = (1 - phi) * cap;
    if (excess <= room) {
      out[0] = phi + excess / cap;
      return Tb;
    }
    out[0] = 1;
    return Tb + (excess - room) / rhoC;
  }
  if (phi > 0) {
    // condensation gives the latent heat back
    const deficit = rhoC * (Tb - T);
    const held = phi * cap;
    if (deficit >= held) {
      out[0] = 0;
      return T + held / rhoC;
    }
    out[0] = phi - deficit / cap;
    return Tb;
  }
  out[0] = phi;
  return T;
}

/** Per-material constants the step needs. */
export interface BoilingMaterials {
  /** ρC per material, J/m³/K */
  readonly rhoC: ArrayLike<number>;
  /** ρ·w·L per material: latent heat of all the voxel's water, J/m³ */
  readonly latentCapacity: ArrayLike<number>;
  /** φ at which the void fraction reaches BUBBLE_VOID_FRACTION, per material (Infinity where there is no water) */
  readonly bubbleVapour: ArrayLike<number>;
}

/** Latent capacity and bubble threshold of each material from its density, heat capacity and water content. */
export function boilingMaterials(
  materials: ReadonlyArray<{ name: string; density: number; specificHeat: number }>,
  options: BoilingOptions = {},
): BoilingMaterials {
  const L = requireFinite('boiling.latentHeat', options.latentHeat ?? WATER_LATENT_HEAT, 'positive');
  const rhoC: number[] = [];
  const latentCapacity: number[] = [];
  const bubbleVapour: number[] = [];
  materials.forEach((m, a) => {
    const w = options.waterContent?.[a] ?? waterContentOf(m.name);
    if (!(w >= 0 && w <= 1)) throw new InputError(`boiling.waterContent[${a}]`, `must be in [0, 1], got ${w}`);
    rhoC.push(m.density * m.specificHeat);
    latentCapacity.push(m.density * w * L);
    // void fraction β = Vv/(Vv + Vrest), Vv = φ·w·ρ/ρ_steam, Vrest ≈ 1 − w·ρ·φ/ρ_water: β = ½ ⇔ φ·wρ(1/ρ_s + 1/ρ_w) = 1
    bubbleVapour.push(w > 0 ? 1 / (w * m.density * (1 / STEAM_DENSITY + 1 / WATER_DENSITY_AT_BOILING)) : Number.POSITIVE_INFINITY);
  });
  return { rhoC, latentCapacity, bubbleVapour };
}

/**
 * Boiling state of a grid: vaporised fraction per voxel, the greyscale (bubble echo) level per voxel, onset time.
 * `project` is the enthalpy step; `fade` ages the greyscale.
 */
export class BoilingState {
  /** fraction of each voxel's water vaporised, [0, 1] (Float64: the enthalpy balance closes to round-off) */
  readonly vapour: Float64Array;
  /** hyperechoic level, 1 while a bubble is present, fading with `fadeTime` after (0 never boiled) */
  readonly greyscale: Float32Array;
  /** first time a bubble formed, s (null: none yet) */
  onset: number | null = null;
  /** first time a voxel reached the boiling temperature, s (null: none yet) */
  boilingOnset: number | null = null;
  readonly temperature: number;
  readonly fadeTime: number;
  private readonly materials: BoilingMaterials;
  private readonly scratch = new Float64Array(1);
  /** voxels with φ > 0 or greyscale > 0, kept small so that the fade and queries touch only them */
  private readonly active = new Set<number>();

  constructor(voxels: number, materials: BoilingMaterials, options: BoilingOptions = {}) {
    this.vapour = sharedFloat64(voxels);
    this.greyscale = sharedFloat32(voxels);
    this.materials = materials;
    this.temperature = requireFinite('boiling.temperature', options.temperature ?? BOILING_TEMPERATURE);
    this.fadeTime = requireFinite('boiling.fadeTime', options.fadeTime ?? GREYSCALE_FADE_TIME, 'positive');
  }

  /**
   * Enthalpy projection of T (°C, in place) after a step that ended at `time` s, `labels` giving each voxel's
   * material. Returns true when the set of bubble voxels changed (the beam must be
   * shielded anew). Only voxels at or above T_b or holding vapour are touched.
   */
  project(T: Float64Array, labels: ArrayLike<number>, time: number): boolean {
    const Tb = this.temperature;
    const { rhoC, latentCapacity, bubbleVapour } = this.materials;
    const phi = this.vapour;
    const grey = this.greyscale;
    let changed = false;
    // hot voxels: scan (cheap compare); vapour voxels are in `active`
    const next = this.scratch;
    for (let i = 0; i < T.length; i++) {
      if (T[i] <= Tb) continue;
      if (this.boilingOnset === null) this.boilingOnset = time;
      const a = labels[i];
      T[i] = enthalpyProjection(T[i], phi[i], Tb, rhoC[a], latentCapacity[a], next);
      phi[i] = next[0];
      this.active.add(i);
    }
    for (const i of this.active) {
      const a = labels[i];
      if (phi[i] > 0 && T[i] < Tb) {
        T[i] = enthalpyProjection(T[i], phi[i], Tb, rhoC[a], latentCapacity[a], next);
        phi[i] = next[0];
      }
      const bubble = phi[i] >= bubbleVapour[a];
      if (bubble && grey[i] < 1) {
        if (grey[i] < 0.5) changed = true;
        grey[i] = 1;
        if (this.onset === null) this.onset = time;
      }
    }
    return changed;
  }

  /** Ages the greyscale over `dt` s where no bubble is present; true when a voxel fell below ½ (shielding changed). */
  fade(dt: number, labels: ArrayLike<number>): boolean {
    const k = Math.exp(-dt / this.fadeTime);
    const { bubbleVapour } = this.materials;
    let changed = false;
    for (const i of this.active) {
      if (this.vapour[i] >= bubbleVapour[labels[i]]) continue;
      const g = this.greyscale[i];
      const next = g * k;
      if (g >= 0.5 && next < 0.5) changed = true;
      this.greyscale[i] = next;
      if (next < 1e-3 && this.vapour[i] === 0) {
        this.greyscale[i] = 0;
        this.active.delete(i);
      }
    }
    return changed;
  }

  /** Latent heat held by the vapour now, J/m³ summed over voxels (multiply by the voxel volume for J). */
  latentEnergyDensity(labels: ArrayLike<number>): number {
    let s = 0;
    for (const i of this.active) s += this.vapour[i] * this.materials.latentCapacity[labels[i]];
    return s;
  }

  /** Voxels whose greyscale is at least `level` (default ½): the hyperechoic region. */
  greyscaleVoxels(level = 0.5): number[] {
    const out: number[] = [];
    for (const i of this.active) if (this.greyscale[i] >= level) out.push(i);
    return out.sort((a, b) => a - b);
  }
}
