import { InputError } from '../errors.js';
import { type Tissue, absorptionOf } from '../tissue/tissue-table.js';
import { attenuationNpPerM } from '../tissue/units.js';

/** One planar layer normal to the beam axis, between zStart and zEnd (m from the bowl apex; zEnd = Infinity for the last). */
export interface MediumLayer {
  readonly tissue: Tissue;
  /** m */
  readonly zStart: number;
  /** m (Infinity for the last layer) */
  readonly zEnd: number;
}

/**
 * The propagation medium in the transducer frame: planar layers stacked along +z from the bowl apex
 * (a homogeneous medium is one layer from 0 to Infinity). The transducer sits in the first layer.
 */
export interface LayeredMedium {
  readonly layers: readonly MediumLayer[];
}

/** Acoustic constants of a tissue at one frequency, SI. */
export interface LayerAcoustics {
  /** kg/m³ */
  readonly density: number;
  /** m/s */
  readonly soundSpeed: number;
  /** real wavenumber ω/c, rad/m */
  readonly wavenumber: number;
  /** amplitude attenuation α, Np/m */
  readonly attenuationNpPerM: number;
  /** absorbed part of α (heats), Np/m */
  readonly absorptionNpPerM: number;
}

/** A one-layer medium of one tissue. */
export function homogeneousMedium(tissue: Tissue): LayeredMedium {
  return { layers: [{ tissue, zStart: 0, zEnd: Number.POSITIVE_INFINITY }] };
}

/**
 * Builds a layered medium from tissues and thicknesses (m) along +z from the apex; the last layer is unbounded
 * (its thickness, if given, is ignored).
 */
export function layeredMedium(layers: ReadonlyArray<{ tissue: Tissue; thickness?: number }>): LayeredMedium {
  if (layers.length === 0) throw new InputError('medium.layers', 'must hold at least one layer');
  let z = 0;
  const out: MediumLayer[] = [];
  layers.forEach((l, i) => {
    const last = i === layers.length - 1;
    const t = last ? Number.POSITIVE_INFINITY : (l.thickness as number);
    if (!last && !(Number.isFinite(t) && t > 0)) throw new InputError(`medium.layers[${i}].thickness`, `must be > 0 m, got ${l.thickness}`);
    out.push({ tissue: l.tissue, zStart: z, zEnd: z + t });
    z += t;
  });
  return { layers: out };
}

/** Index of the layer holding z (points before the apex belong to the first layer). */
export function layerIndexAt(medium: LayeredMedium, z: number): number {
  const layers = medium.layers;
  for (let i = 0; i < layers.length - 1; i++) if (z < layers[i].zEnd) return i;
  return layers.length - 1;
}

/** Density, speed, wavenumber and attenuation/absorption (Np/m, power law α0 f^y) of a tissue at `frequency` Hz. */
export function layerAcoustics(tissue: Tissue, frequency: number): LayerAcoustics {
  return {
    density: tissue.density,
    soundSpeed: tissue.soundSpeed,
    wavenumber: (2 * Math.PI * frequency) / tissue.soundSpeed,
    attenuationNpPerM: attenuationNpPerM(tissue.attenuationDbPerCmMHz, tissue.powerLawExponent, frequency),
    absorptionNpPerM: attenuationNpPerM(absorptionOf(tissue), tissue.powerLawExponent, frequency),
  };
}

/** True when the medium is one layer. */
export function isHomogeneous(medium: LayeredMedium): boolean {
  return medium.layers.length === 1;
}
