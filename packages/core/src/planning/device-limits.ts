import { InputError } from '../errors.js';

/**
 * What a device may be asked to do. For the ultrasound-guided fibroid device class: acoustic power 300–400 W,
 * some series up to 420–520 W; point exposures of 1–5 s (shared/reference/devices-and-protocol.md).
 */
export interface DeviceLimits {
  /** W */
  minPower: number;
  /** W */
  maxPower: number;
  /** s */
  minExposure: number;
  /** s */
  maxExposure: number;
  /** s, shortest pause between sonications (mechanical move of the focus) */
  minCooling: number;
}

const CLINICAL: DeviceLimits = { minPower: 50, maxPower: 520, minExposure: 0.5, maxExposure: 5, minCooling: 1 };
// The benchmark bowl is a laboratory source (Aubry et al. 2022), far smaller; limits scaled to its area.
const BENCHMARK: DeviceLimits = { minPower: 0.1, maxPower: 100, minExposure: 0.1, maxExposure: 60, minCooling: 0 };

/** Limits of a preset, or the clinical class for a custom geometry. */
export function deviceLimits(device: { preset: string } | object): DeviceLimits {
  if ('preset' in device && device.preset === 'benchmark-500khz') return BENCHMARK;
  return CLINICAL;
}

/** Throws InputError naming the sonication field that is outside the device's limits. */
export function checkSonicationLimits(limits: DeviceLimits, s: { power: number; exposure: number; cooling: number }, field: string): void {
  if (s.power < limits.minPower || s.power > limits.maxPower) {
    throw new InputError(`${field}.power`, `${s.power} W is outside the device's range ${limits.minPower}–${limits.maxPower} W`);
  }
  if (s.exposure < limits.minExposure || s.exposure > limits.maxExposure) {
    throw new InputError(
      `${field}.exposure`,
      `${s.exposure} s is outside the device's range ${limits.minExposure}–${limits.maxExposure} s`,
    );
  }
  if (s.cooling < limits.minCooling) {
    throw new InputError(`${field}.cooling`, `${s.cooling} s is shorter than the device's minimum pause of ${limits.minCooling} s`);
  }
}
