import { describe, expect, it } from 'vitest';
import {
  InputError,
  attenuationDbPerCmMHz,
  attenuationNpPerM,
  diffusivity,
  getTissue,
  perfusionMlPerMinPer100g,
  perfusionPerSecond,
  tissueNames,
  validateTissue,
  withOverrides,
} from '../../src/index.js';

describe('tissue table', () => {
  it('holds the reference rows (shared/reference/tissue-properties.md)', () => {
    const muscle = getTissue('muscle');
    expect(muscle.density).toBe(1090);
    expect(muscle.soundSpeed).toBe(1588);
    expect(muscle.attenuationDbPerCmMHz).toBe(1.1);
    expect(getTissue('water').soundSpeed).toBe(1524);
    expect(getTissue('Leiomyoma').name).toBe('fibroid');
    for (const n of ['water', 'skin', 'fat', 'muscle', 'uterus', 'endometrium', 'fibroid', 'bowel', 'bowel-gas', 'bone', 'bladder']) {
      expect(tissueNames()).toContain(n);
    }
  });

  it('rejects an unknown tissue with the list of known ones', () => {
    expect(() => getTissue('brain')).toThrow(InputError);
    expect(() => getTissue('brain')).toThrow(/unknown tissue "brain".*muscle/);
  });

  it('converts dB/cm/MHz^y to Np/m: 1 dB/cm at 1 MHz is 11.513 Np/m', () => {
    expect(attenuationNpPerM(1, 1, 1e6)).toBeCloseTo(100 / 8.685889638, 6);
    // y = 2 at 2 MHz multiplies by 4
    expect(attenuationNpPerM(0.5, 2, 2e6)).toBeCloseTo(2 * 11.512925465, 6);
    expect(attenuationDbPerCmMHz(attenuationNpPerM(0.63, 1.1, 0.8e6), 1.1, 0.8e6)).toBeCloseTo(0.63, 12);
  });

  it('converts perfusion ml/min/100 g to 1/s and back', () => {
    expect(perfusionPerSecond(60, 1050, 1050)).toBeCloseTo(0.01, 12);
    expect(perfusionMlPerMinPer100g(perfusionPerSecond(17, 1075, 1050), 1075, 1050)).toBeCloseTo(17, 10);
    expect(getTissue('liver').perfusion).toBeCloseTo((100 / 6000) * (1079 / 1050), 12);
  });

  it('validates custom tissues and overrides', () => {
    expect(() => validateTissue({ density: 1000, soundSpeed: -1, attenuationDbPerCmMHz: 0, powerLawExponent: 1 })).toThrow(/soundSpeed/);
    expect(() => withOverrides(getTissue('fibroid'), { perfusion: Number.NaN })).toThrow(/fibroid\.perfusion/);
    const f = withOverrides(getTissue('fibroid'), { attenuationDbPerCmMHz: 0.9 });
    expect(f.attenuationDbPerCmMHz).toBe(0.9);
    expect(diffusivity(getTissue('water'))).toBeCloseTo(0.61 / (993 * 4180), 15);
  });
});
