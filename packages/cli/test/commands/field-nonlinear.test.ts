import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-field-nl-'));
const scenario = join(dir, 'bowl.json');
// F-number 1.5 bowl at 1 MHz, 30 W, water with B/A given
writeFileSync(
  scenario,
  JSON.stringify({
    transducer: { frequency: 1e6, radiusOfCurvature: 0.06, aperture: 0.04, power: 30 },
    medium: { layers: [{ tissue: 'water', thickness: 0.04, nonlinearity: 5 }, { tissue: 'water' }] },
  }),
);

describe('fuas field --nonlinear', () => {
  it('adds harmonics and peak pressures to axis and focus, in Pa, with the heating ratio', () => {
    // one thread: the same JSON as the worker pool's (checked), without the workers' start-up
    const r = runFuas([
      'field',
      scenario,
      '--method',
      'asm',
      '--axis',
      '40:70:0.5',
      '--nonlinear',
      '--harmonics',
      '16',
      '--json',
      '--threads',
      '1',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.axis.harmonics).toHaveLength(61);
    expect(j.axis.harmonics[0]).toHaveLength(16);
    expect(j.axis.peakPositivePressure).toHaveLength(61);
    expect(j.axis.peakNegativePressure).toHaveLength(61);
    // the fundamental follows the linear field within 10 % near the focus; the second harmonic is there
    const i = j.axis.z.findIndex((z: number) => Math.abs(z - 0.057) < 1e-9);
    expect(Math.abs(j.axis.harmonics[i][0] / j.axis.pressure[i] - 1)).toBeLessThan(0.1);
    expect(j.axis.harmonics[i][1]).toBeGreaterThan(0.1 * j.axis.harmonics[i][0]);
    expect(j.focus.peakPositivePressure).toBeGreaterThan(j.focus.pressure);
    expect(j.focus.peakNegativePressure).toBeLessThan(0);
    expect(-j.focus.peakNegativePressure).toBeLessThan(j.focus.pressure);
    expect(j.focus.heatingRatio).toBeGreaterThan(1);
  });

  it('refuses --nonlinear with another method, with --linear, and --harmonics alone (exit 2)', () => {
    for (const args of [
      ['--method', 'oneil', '--nonlinear'],
      ['--nonlinear', '--linear'],
      ['--harmonics', '8'],
      ['--nonlinear', '--harmonics', '0'],
    ]) {
      const r = runFuas(['field', scenario, ...args, '--json']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/nonlinear|linear|harmonics/);
    }
  });
});
