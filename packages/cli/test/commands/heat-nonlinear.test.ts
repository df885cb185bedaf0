import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-heat-nl-'));
const scenario = join(dir, 'bowl.json');
// F-number 1.5 bowl at 1 MHz, 40 W, focus 2 cm deep in liver; a short sonication
writeFileSync(
  scenario,
  JSON.stringify({
    transducer: { frequency: 1e6, radiusOfCurvature: 0.06, aperture: 0.04, power: 40 },
    medium: { layers: [{ tissue: 'water', thickness: 0.04 }, { tissue: 'liver' }] },
    sonication: { duration: 0.1, cooling: 0 },
  }),
);

describe('fuas heat --nonlinear', () => {
  it('heats with the nonlinear source: more focal heating than the linear source, the same JSON shape', () => {
    const run = (extra: string[]) => {
      const r = runFuas(['heat', scenario, '--json', '--threads', '1', ...extra], { timeout: 240_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout);
    };
    const lin = run(['--linear']);
    const nl = run(['--nonlinear', '--harmonics', '16']);
    expect(Object.keys(nl).sort()).toEqual(Object.keys(lin).sort());
    const rise = (j: { peakTemperature: number }) => j.peakTemperature - 37;
    expect(rise(nl)).toBeGreaterThan(1.05 * rise(lin));
    // the source carries power of the same order (harmonics add absorption, shocks none at 40 W)
    expect(nl.absorbedPower / lin.absorbedPower).toBeGreaterThan(0.8);
    expect(nl.absorbedPower / lin.absorbedPower).toBeLessThan(2);
  }, 300_000);

  it('refuses --nonlinear with --linear (exit 2)', () => {
    const r = runFuas(['heat', scenario, '--nonlinear', '--linear', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/linear/);
  });
});
