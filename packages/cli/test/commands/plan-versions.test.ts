import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

// Plan format v2 (issue 11): fuas simulate reads version 1 and version 2; a point's repeated shots written as one
// v2 sonication (shots, shotGap) are the same treatment as the v1 plan that lists every shot.
describe('fuas simulate reads plan versions 1 and 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuas-plan-versions-'));
  const caseDir = join(dir, 'case');
  const focus = [0, -0.0525, 0.0031]; // the 30 mm phantom fibroid's centre (fibroidCentersMm of its case.json)
  const shot = { focus, power: 400, exposure: 2, slice: 0, label: 'P1' };
  const head = { format: 'openfuas-plan', device: { preset: 'clinical-0.8mhz' } };
  const write = (name: string, plan: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(plan));
    return path;
  };
  const simulate = (path: string) => runFuas(['simulate', caseDir, path, '--json', '--no-near-field'], { timeout: 120_000 });

  beforeAll(() => {
    const r = runFuas(['case', 'phantom', '--fibroid-diameter', '30', '--voxel', '2', '--out', caseDir]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('a v1 plan and the v2 plan with shots give the same outcome', () => {
    const v1 = write('v1.json', {
      ...head,
      version: 1,
      sonications: [
        { ...shot, cooling: 1 },
        { ...shot, cooling: 5 },
      ],
    });
    const v2 = write('v2.json', {
      ...head,
      version: 2,
      sonications: [{ ...shot, cooling: 5, shots: 2, shotGap: 1, feedback: { rule: 'greyscale', maxEnergy: 7100 } }],
    });
    const a = simulate(v1);
    const b = simulate(v2);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const oa = JSON.parse(a.stdout);
    const ob = JSON.parse(b.stdout);
    expect(oa.sonications).toBe(2);
    expect(oa.energy).toBeCloseTo(1600, 9);
    expect(oa.ablatedVolume).toBeGreaterThan(0);
    for (const k of ['sonications', 'energy', 'treatmentTime', 'ablatedVolume', 'nonPerfusedVolume', 'npvRatio', 'peakTemperature'])
      expect(ob[k], k).toBe(oa[k]);
  });

  it('refuses a v1 plan with a v2 key and a v2 plan with an unknown key (exit 2, field named)', () => {
    const r1 = simulate(write('bad1.json', { ...head, version: 1, sonications: [{ ...shot, cooling: 5, shots: 2 }] }));
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/sonications\[0\]\.shots/);
    const r2 = simulate(write('bad2.json', { ...head, version: 2, sonications: [{ ...shot, cooling: 5, repeats: 2 }] }));
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/sonications\[0\]\.repeats: unknown key/);
    expect(r2.stdout).toBe('');
  });
}, 300_000);
