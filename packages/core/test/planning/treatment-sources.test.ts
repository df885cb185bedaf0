import { beforeAll, describe, expect, it } from 'vitest';
import { computeFieldVolume, focalMetrics } from '../../src/acoustics/field-solver.js';
import { layeredMedium } from '../../src/acoustics/medium.js';
import { LABEL } from '../../src/case/structures.js';
import { InputError } from '../../src/errors.js';
import { type Vec3, createGrid, rasMmToVoxel } from '../../src/grid/grid3d.js';
import { getTissue } from '../../src/tissue/tissue-table.js';
import {
  type BeamSources,
  computeBeamSources,
  deviceTransducer,
  placeBeamPatch,
  treatmentBeamSources,
} from '../../src/planning/treatment-sources.js';
import { slabCase } from './beam-test-case.js';

const device = { preset: 'clinical-0.8mhz' };
const down: Vec3 = [0, -1, 0];

/** Patch voxel with the largest q, as an offset (m) from the focus voxel, in the patch's (here RAS) axes. */
function peakOffset(s: BeamSources['focal']): Vec3 {
  const { q, shape, centre } = s.source;
  let best = 0;
  for (let i = 1; i < q.length; i++) if (q[i] > q[best]) best = i;
  const i = best % shape[0];
  const j = Math.floor(best / shape[0]) % shape[1];
  const k = Math.floor(best / (shape[0] * shape[1]));
  return [(i - centre[0]) * s.spacing[0], (j - centre[1]) * s.spacing[1], (k - centre[2]) * s.spacing[2]];
}

function checkFinitePositive(q: Float32Array): void {
  let bad = 0;
  for (let i = 0; i < q.length; i++) if (!(Number.isFinite(q[i]) && q[i] >= 0)) bad++;
  expect(bad).toBe(0);
}

describe('computeBeamSources(input) on a slab patient, clinical-0.8mhz, focus 50 mm deep', () => {
  const c = slabCase();
  const focus: Vec3 = [0, -0.05, 0];
  let s: BeamSources;
  beforeAll(async () => {
    s = await computeBeamSources({ case: c, focus, beam: down, device, options: { pathOutsideFocal: true } });
  }, 60_000);

  it('finds the layers on the axis (skin 2, fat 12, muscle 8, uterus 18 mm, then fibroid; ±0.5 mm) and sets the water path to R − depth', () => {
    const names = s.layers.layers.map((l) => l.structure);
    expect(names).toEqual(['skin', 'fat', 'muscle', 'uterus', 'fibroid']);
    const expected = [2, 12, 8, 18, 10.5];
    s.layers.layers.forEach((l, i) => {
      expect(Math.abs(l.thickness * 1e3 - expected[i])).toBeLessThanOrEqual(0.5);
    });
    expect(Math.abs(s.layers.depthBelowSkin - 0.0505)).toBeLessThanOrEqual(0.5e-3);
    expect(s.waterPath).toBeCloseTo(0.15 - s.layers.depthBelowSkin, 12);
  });

  it('gives finite, non-negative q in both patches', () => {
    checkFinitePositive(s.focal.source.q);
    checkFinitePositive(s.path.source.q);
    expect(s.focal.source.referencePower).toBe(1);
    expect(s.focal.power).toBeGreaterThan(0);
    expect(s.path.power).toBeGreaterThan(s.focal.power);
    expect(s.focalFraction).toBeGreaterThan(0.2);
    expect(s.focalFraction).toBeLessThanOrEqual(1);
  });

  it('puts the focal peak within one fine voxel of focus + focal shift along the beam', () => {
    expect(s.metrics.focalShift).toBeLessThan(0); // towards the transducer
    expect(s.metrics.focalShift).toBeGreaterThan(-5e-3);
    const d = peakOffset(s.focal);
    const expected = [0, -s.metrics.focalShift, 0]; // beam −y: a shift towards the transducer is +y
    for (let a = 0; a < 3; a++) expect(Math.abs(d[a] - expected[a])).toBeLessThanOrEqual(s.focal.spacing[a] + 1e-12);
  });

  it('is symmetric about the beam axis (mirrors x → −x, z → −z and the swap x ↔ z agree to 1e-5 of the peak)', () => {
    const { q, shape, centre } = s.focal.source;
    const [nx, ny] = shape;
    let max = 0;
    for (const v of q) max = Math.max(max, v);
    let worst = 0;
    for (let k = 0; k < shape[2]; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const v = q[i + nx * (j + ny * k)];
          const mi = 2 * centre[0] - i;
          const mk = 2 * centre[2] - k;
          worst = Math.max(
            worst,
            Math.abs(v - q[mi + nx * (j + ny * k)]),
            Math.abs(v - q[i + nx * (j + ny * mk)]),
            Math.abs(v - q[k + nx * (j + ny * i)]),
          );
        }
    expect(worst / max).toBeLessThan(1e-5);
  });

  it('agrees with the volume angular spectrum (computeFieldVolume + focalMetrics): q within 2 % of the peak, peak pressure 1 %, focal shift 0.25 mm, −6 dB width and length 5 %', async () => {
    const t = deviceTransducer(device);
    const medium = layeredMedium([
      { tissue: getTissue('water'), thickness: s.waterPath },
      ...s.layers.layers.map((l) => ({ tissue: getTissue(l.structure), thickness: l.thickness })),
    ]);
    const h = 0.5e-3;
    const [nx, ny, nz] = s.focal.source.shape;
    const [ci, cj, ck] = s.focal.source.centre;
    // Transducer frame: x = RAS x, y = RAS z, z = R − RAS y offset (beam along −y).
    const grid = createGrid([nx, nz, ny], [h, h, h], [-ci * h, -ck * h, 0.15 - (ny - 1 - cj) * h]);
    const v = await computeFieldVolume({ transducer: t, medium }, 'asm', grid);
    const ref = focalMetrics({ transducer: t, medium }, v);
    expect(Math.abs(s.metrics.pressure / ref.pressure - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.metrics.focalShift - ref.focalShift)).toBeLessThan(0.25e-3);
    expect(Math.abs(s.metrics.width6dB / ref.width6dB - 1)).toBeLessThan(0.05);
    expect(Math.abs(s.metrics.length6dB / ref.length6dB - 1)).toBeLessThan(0.05);
    let max = 0;
    let worst = 0;
    const q = s.focal.source.q;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const a = q[i + nx * (j + ny * k)];
          const b = v.heatSource[i + nx * (k + nz * (ny - 1 - j))];
          max = Math.max(max, b);
          worst = Math.max(worst, Math.abs(a - b));
        }
    expect(worst / max).toBeLessThan(0.02);
  }, 60_000);

  it('deposits in the path patch the power the beam loses between skin and far plane: |Σ q·ΔV / absorbed − 1| < 1 %', () => {
    const b = s.powerBalance;
    expect(b.enteringSkin).toBeGreaterThan(0.95); // 1 W minus the water–skin reflection and water absorption
    expect(b.enteringSkin).toBeLessThan(1);
    expect(b.absorbed).toBeLessThanOrEqual(b.enteringSkin - b.leavingFarPlane + 1e-9);
    expect(b.absorbed).toBeGreaterThan(0.9 * (b.enteringSkin - b.leavingFarPlane));
    expect(b.deposited).toBe(s.path.power);
    expect(Math.abs(b.relativeError)).toBeLessThan(0.01);
  });

  it('averages Q over coarse voxels (energy-preserving): against 9³ samples per voxel the default (λ/2) path patch holds the same power within 0.1 % and every voxel within 6 % of the peak voxel; one point sample per voxel misses by > 50 %', async () => {
    const run = (sampleStep: number) => computeBeamSources({ case: c, focus, beam: down, device, options: { sampleStep } });
    const ref = await run(1540 / 0.8e6 / 8);
    const point = await run(2e-3);
    const dev = (x: BeamSources) => {
      let max = 0;
      let worst = 0;
      for (let i = 0; i < ref.path.source.q.length; i++) {
        max = Math.max(max, ref.path.source.q[i]);
        worst = Math.max(worst, Math.abs(x.path.source.q[i] - ref.path.source.q[i]));
      }
      return worst / max;
    };
    expect(Math.abs(s.path.power / ref.path.power - 1)).toBeLessThan(1e-3);
    expect(dev(s)).toBeLessThan(0.06);
    expect(dev(point)).toBeGreaterThan(0.5);
  }, 60_000);

  it('splits the heat without double counting: focal + pathOutsideFocal = path within 1 %; the focal box holds a minority of the 2× box', () => {
    const outside = s.pathOutsideFocal;
    expect(outside).toBeDefined();
    if (!outside) return;
    checkFinitePositive(outside.source.q);
    expect(Math.abs((s.focal.power + outside.power) / s.path.power - 1)).toBeLessThan(0.01);
    expect(s.focalFraction).toBeLessThan(0.7);
  });

  it('places a patch on a grid with its focus voxel on the voxel nearest the focus; refuses another spacing', () => {
    const fine = createGrid([80, 200, 80], [0.5e-3, 0.5e-3, 0.5e-3], [-0.02, -0.08, -0.02]);
    const p = placeBeamPatch(s.focal, fine, [0.0011, -0.0502, 0.0003]);
    const v = rasMmToVoxel(fine, 1.1, -50.2, 0.3);
    for (let a = 0; a < 3; a++) expect(p.offset[a] + p.centre[a]).toBe(Math.round(v[a]));
    expect(() => placeBeamPatch(s.path, fine, focus)).toThrow(InputError);
  });
});

describe('computeBeamSources with an oblique beam', () => {
  it('follows the beam: peak within one fine voxel of focus + shift·beam, layers stretched by 1/cos, power balance within 1 %', async () => {
    const c = slabCase();
    const n = Math.hypot(0.25, 1, 0.15);
    const beam: Vec3 = [0.25 / n, -1 / n, 0.15 / n];
    const s = await computeBeamSources({ case: c, focus: [0, -0.045, 0], beam, device });
    expect(Math.abs(s.layers.depthBelowSkin * (1 / n) - 0.0455)).toBeLessThan(0.6e-3);
    const d = peakOffset(s.focal);
    for (let a = 0; a < 3; a++) expect(Math.abs(d[a] - s.metrics.focalShift * beam[a])).toBeLessThanOrEqual(s.focal.spacing[a] + 1e-12);
    expect(Math.abs(s.powerBalance.relativeError)).toBeLessThan(0.01);
    checkFinitePositive(s.path.source.q);
  }, 60_000);
});

describe('treatmentBeamSources(case, plan)', () => {
  it('shares one computation between foci of one slice and computes another for a deeper slice', async () => {
    const c = slabCase();
    const son = (focus: [number, number, number], slice: number) => ({ focus, power: 300, exposure: 2, cooling: 4, slice });
    const plan = {
      device,
      placement: { beamDirection: down as [number, number, number] },
      sonications: [son([0, -0.05, 0], 0), son([0.004, -0.05, -0.003], 0), son([0, -0.0504, 0.006], 0), son([0, -0.056, 0], 1)],
    };
    const r = await treatmentBeamSources(c, plan);
    expect(r.computations).toBe(2);
    expect(Array.from(r.sourceOfSonication)).toEqual([0, 0, 0, 1]);
    expect(r.sources[0].focus).toEqual([0, -0.05, 0]);
    expect(r.worstDifference.depth).toBeLessThanOrEqual(3e-3);
    expect(r.pathShift[2]).toBeCloseTo(r.sources[0].layers.depthBelowSkin - 0.0509, 3);
    for (const s of r.sources) expect(Math.abs(s.powerBalance.relativeError)).toBeLessThan(0.01);
    // deeper focus: more tissue in front of it, lower focal pressure at 1 W
    expect(r.sources[1].metrics.pressure).toBeLessThan(r.sources[0].metrics.pressure);
  }, 60_000);

  it('names the bad sonication', async () => {
    const c = slabCase();
    const plan = {
      device,
      placement: { beamDirection: down as [number, number, number] },
      sonications: [
        { focus: [0, -0.05, 0] as [number, number, number], power: 300, exposure: 2, cooling: 4, slice: 0 },
        { focus: [0, 0.005, 0] as [number, number, number], power: 300, exposure: 2, cooling: 4, slice: 0 },
      ],
    };
    await expect(treatmentBeamSources(c, plan)).rejects.toThrow(/plan\.sonications\[1\]\.focus/);
  });
});

describe('computeBeamSources refuses what the model cannot do (InputError)', () => {
  const c = slabCase();
  const run = (focus: Vec3, extra: Record<string, unknown> = {}, cc = c) =>
    computeBeamSources({ case: cc, focus, beam: down, device, ...extra } as Parameters<typeof computeBeamSources>[0]);
  it('a focus outside the body or the image', async () => {
    await expect(run([0, 0.005, 0])).rejects.toThrow(/not inside the patient/);
    await expect(run([0, -0.5, 0])).rejects.toThrow(InputError);
  });
  it('bowel gas or bone on the beam axis', async () => {
    const gas = slabCase([{ label: LABEL['bowel-gas'], centre: [0, -30, 0], radius: 3 }]);
    await expect(run([0, -0.05, 0], {}, gas)).rejects.toThrow(/bowel-gas \(gas\)/);
    const bone = slabCase([{ label: LABEL.bone, centre: [0, -30, 0], radius: 3 }]);
    await expect(run([0, -0.05, 0], {}, bone)).rejects.toThrow(/crosses bone/);
  });
  it('a focus in the skin, too deep for the bowl, too shallow for the water bath', async () => {
    await expect(run([0, -0.0004, 0])).rejects.toThrow(/lies in the skin/);
    const small = { frequency: 0.8e6, radiusOfCurvature: 0.06, aperture: 0.06, holeDiameter: 0 };
    await expect(run([0, -0.05, 0], { device: small })).rejects.toThrow(/reaches at most/);
    await expect(run([0, -0.05, 0], { options: { maxWaterPath: 0.05 } })).rejects.toThrow(/water allows/);
  });
  it('a beam axis that leaves the image before the skin, a zero beam, a non-finite focus', async () => {
    await expect(run([0, -0.05, 0], {}, slabCase([], false))).rejects.toThrow(/leaves the image/);
    await expect(run([0, -0.05, 0], { beam: [0, 0, 0] })).rejects.toThrow(/beam/);
    await expect(run([0, Number.NaN, 0])).rejects.toThrow(InputError);
  });
});
