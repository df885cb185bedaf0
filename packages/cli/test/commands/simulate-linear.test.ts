import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePhantom, labelCentroid } from '@openfuas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

// One 0.5 s shot of 400 W at the phantom's fibroid centroid: the nonlinear heat source by default (heating ratio > 1.1
// there), the linear one with --linear.
describe('fuas simulate --linear', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuas-linear-'));
  const caseDir = join(dir, 'case');
  const planPath = join(dir, 'plan.json');

  beforeAll(() => {
    const r = runFuas(['case', 'phantom', '--out', caseDir]);
    expect(r.status, r.stderr).toBe(0);
    const c = generatePhantom();
    const focus = labelCentroid(c, c.structures.find((s) => s.name === c.target)!.label);
    const sonications = [{ focus, power: 400, exposure: 0.5, cooling: 1, slice: 0 }];
    writeFileSync(planPath, JSON.stringify({ format: 'openfuas-plan', version: 1, device: { preset: 'clinical-0.8mhz' }, sonications }));
  });

  it('heats with the nonlinear source where it matters and with the linear one when asked (the outcome JSON keeps its keys)', () => {
    const run = (extra: string[]) => runFuas(['simulate', caseDir, planPath, '--json', '--no-near-field', ...extra], { timeout: 180_000 });
    const lin = run(['--linear']);
    expect(lin.status, lin.stderr).toBe(0);
    expect(lin.stderr).toContain('heat source: linear (--linear)');
    const nl = run([]);
    expect(nl.status, nl.stderr).toBe(0);
    expect(nl.stderr).toMatch(/heat source: nonlinear for 1 of 1 beam\(s\) \(focal heating ratio 1\.[1-9]/);
    const a = JSON.parse(lin.stdout);
    const b = JSON.parse(nl.stdout);
    // (both boil at the focus within the shot: the temperature caps at 100 °C; the heat sources themselves are
    // compared in core test/planning/nonlinear-sources.test.ts)
    expect(b.energy).toBe(a.energy);
    // the JSON contract keeps its keys; the flag is named in the provenance
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  }, 400_000);
});
