import { InputError } from '../errors.js';
import type { BowlTransducer } from './bowl.js';

/**
 * Built-in transducers.
 *
 * - `clinical-0.8mhz`: representative of ultrasound-guided fibroid devices (the Chongqing Haifu JC200 family is
 *   described with a ~20 cm bowl, ~15 cm focal length, 0.8 MHz and a convex imaging probe in a central hole;
 *   Kennedy et al., Ultrasonics 2004;42:931–935 for the JC family; shared/reference/devices-and-protocol.md).
 *   0.8 MHz, R = 150 mm, aperture 200 mm, 60 mm central hole, driven at 300 W (low end of the 300–400 W used
 *   for fibroids). Not any vendor's exact geometry.
 * - `benchmark-500khz`: the focused-bowl source of the transcranial-ultrasound intercomparison benchmark
 *   (Aubry et al., JASA 152(2):1003–1019, 2022): R = 64 mm, aperture 64 mm, 500 kHz, no hole, driven at a
 *   source pressure of 60 kPa (u0 = 0.04 m/s in the benchmark's water, ρ = 1000, c = 1500).
 */
const PRESETS: Record<string, BowlTransducer> = {
  'clinical-0.8mhz': {
    name: 'clinical-0.8mhz',
    frequency: 0.8e6,
    radiusOfCurvature: 0.15,
    aperture: 0.2,
    holeDiameter: 0.06,
    drive: { power: 300 },
  },
  'benchmark-500khz': {
    name: 'benchmark-500khz',
    frequency: 0.5e6,
    radiusOfCurvature: 0.064,
    aperture: 0.064,
    holeDiameter: 0,
    drive: { surfacePressure: 60e3 },
  },
};

export function transducerPresetNames(): string[] {
  return Object.keys(PRESETS);
}

/** A preset by name; InputError listing the known ones otherwise. */
export function getTransducerPreset(name: string, field = 'transducer.preset'): BowlTransducer {
  const p = PRESETS[String(name).trim().toLowerCase()];
  if (!p) throw new InputError(field, `unknown preset "${name}"; known: ${transducerPresetNames().join(', ')}`);
  return p;
}
