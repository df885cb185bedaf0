import { describe, expect, it } from 'vitest';
import { MEASURED_WALL_STATISTICS, MEASURED_WALL_STATISTICS_SD } from '../../src/acoustics/wall-aberration.js';
import { type Case, structureLabels } from '../../src/case/case.js';
import { generatePhantom } from '../../src/case/phantom.js';
import { LABEL, STANDARD_STRUCTURES } from '../../src/case/structures.js';
import { decodeCaseFiles, encodeCaseFiles, parseCaseManifest } from '../../src/case/case-files.js';
import { FormatError, InputError } from '../../src/errors.js';
import { createGrid } from '../../src/grid/grid3d.js';
import { getTissue } from '../../src/tissue/tissue-table.js';
import { labelCentroid } from '../../src/planning/auto-plan.js';
import { beamAxisLayers } from '../../src/planning/beam-layers.js';
import { type BeamSourceOptions, computeBeamSources } from '../../src/planning/treatment-sources.js';
import { beamWallScreen, wallAberrationModel } from '../../src/planning/wall-aberration-from-case.js';
import {
  ABERRATION_STRENGTHS,
  acousticAberrationSweep,
  outcomeAberrationSweep,
  withWallAberration,
} from '../../src/planning/wall-aberration-sweep.js';

/**
 * A laterally layered "patient", 1 mm voxels, RAS: water for y > 0, skin 2 mm, fat, muscle 8 mm, uterus 10 mm,
 * fibroid to y = −110 mm; `fatMm(x)` the fat thickness at x (mm), so an interface step or tilt is one argument;
 * with `wallEndMm` the muscle ends at that depth everywhere (only the fat–muscle interface moves).
 */
function wallCase(fatMm: (x: number) => number, wallEndMm?: number): Pick<Case, 'grid' | 'labels' | 'structures' | 'tissueOverrides'> {
  const shape: [number, number, number] = [61, 121, 61];
  const grid = createGrid(shape, [0.001, 0.001, 0.001], [-0.03, -0.11, -0.03]);
  const labels = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++)
      for (let i = 0; i < shape[0]; i++) {
        const x = i - 30;
        const d = -(j - 110) + 0.5; // depth below the skin plane y = 0.5 mm
        const fat = fatMm(x);
        let l: number;
        if (d < 0) l = LABEL.water;
        else if (d < 2) l = LABEL.skin;
        else if (d < 2 + fat) l = LABEL.fat;
        else if (d < (wallEndMm ?? 10 + fat)) l = LABEL.muscle;
        else if (d < (wallEndMm ?? 10 + fat) + 10) l = LABEL.uterus;
        else l = LABEL.fibroid;
        labels[i + shape[0] * (j + shape[1] * k)] = l;
      }
  return { grid, labels, structures: [...STANDARD_STRUCTURES], tissueOverrides: {} };
}

// A 1 MHz bowl (R 100 mm, aperture 80 mm) keeps the tests fast; the treatment-sized focal box (±3 × ±8 mm).
const device = { frequency: 1e6, radiusOfCurvature: 0.1, aperture: 0.08, holeDiameter: 0 } as never;
const beam: [number, number, number] = [0, -1, 0];
const focus: [number, number, number] = [0, -0.055, 0];
const boxes: BeamSourceOptions = { focalHalfWidth: 3e-3, focalHalfLength: 8e-3 };

function screenCase(c: ReturnType<typeof wallCase>) {
  const structures: Record<string, number> = {};
  for (const s of c.structures) structures[s.name] = s.label;
  return {
    grid: c.grid,
    labels: c.labels,
    structures,
    tissueOf: (name: string) => getTissue(c.structures.find((s) => s.name === name)?.tissue ?? name),
    coupling: getTissue('water'),
  };
}

describe('wall aberration from the case', () => {
  it('off (absent, 0, false, strength 0) gives the flat-layer beam bit for bit', async () => {
    for (const off of [undefined, 0, false, { strength: 0 }] as const) expect(wallAberrationModel(off)).toBeNull();
    const c = wallCase(() => 12);
    const ref = await computeBeamSources({ case: c, focus, beam, device, options: boxes });
    expect(ref.wallAberration).toBeUndefined();
    const off = await computeBeamSources({
      case: { ...c, wallAberration: { seed: 3 } },
      focus,
      beam,
      device,
      options: { ...boxes, wallAberration: 0 },
    });
    const viaCase = await computeBeamSources({ case: { ...c, wallAberration: { strength: 0 } }, focus, beam, device, options: boxes });
    for (const b of [off, viaCase]) {
      expect(b.focal.source.q).toEqual(ref.focal.source.q);
      expect(b.path.source.q).toEqual(ref.path.source.q);
      expect(b.metrics).toEqual(ref.metrics);
    }
  });

  it('a fat–muscle interface 2 mm deeper on one side delays those rays by 2 mm × (1/c_fat − 1/c_muscle) = 129 ns (±3 %); flat layers add none', () => {
    const model = wallAberrationModel({ statistics: { delayRms: 0, energyLevelRmsDb: 0 } });
    if (!model) throw new Error('model expected');
    const n = 64;
    const grid = { nx: n, ny: n, dx: 1e-3, dy: 1e-3 };
    const ones = new Float64Array(n * n).fill(1);
    const stepped = wallCase((x) => (x >= 0 ? 14 : 12), 24);
    const st = beamWallScreen(screenCase(stepped), model, grid, ones, focus, beam, beamAxisLayers(screenCase(stepped), focus, beam));
    if (!st) throw new Error('screen expected');
    const at = (xMm: number) => st.screen.delay[(xMm >= 0 ? xMm : xMm + n) + n * 0];
    const expected = 2e-3 * (1 / getTissue('fat').soundSpeed - 1 / getTissue('muscle').soundSpeed);
    expect(Math.abs((at(10) - at(-10)) / expected - 1)).toBeLessThan(0.03);
    expect(Math.abs(at(10))).toBeLessThan(1e-12); // the axis (x = 0) lies on the thicker side: same stack, no delay
    const flat = wallCase(() => 12);
    const sf = beamWallScreen(screenCase(flat), model, grid, ones, focus, beam, beamAxisLayers(screenCase(flat), focus, beam));
    expect(sf?.resolvedDelayRms).toBeLessThan(1e-12);
  });

  it('a thicker wall degrades the focus more; both lose gain and widen the −6 dB area', async () => {
    const run = async (fat: number) => {
      const b = await computeBeamSources({
        case: wallCase(() => fat),
        focus,
        beam,
        device,
        options: { ...boxes, wallAberration: { seed: 4 } },
      });
      if (!b.wallAberration) throw new Error('aberration report expected');
      return b.wallAberration;
    };
    const thin = await run(8);
    const thick = await run(24);
    expect(thick.wallThickness).toBeGreaterThan(thin.wallThickness);
    expect(thick.randomDelayRms).toBeGreaterThan(thin.randomDelayRms);
    expect(thick.gainRatio).toBeLessThan(thin.gainRatio);
    expect(thin.gainRatio).toBeLessThan(1);
    expect(thick.area6dB).toBeGreaterThanOrEqual(thick.flatArea6dB);
    expect(thick.lostFraction).toBeLessThan(0.01);
  });

  it('the heat through the wall keeps the beam power: focal + path-outside-focal within 1 % of the flat beam, power balance within 1 %', async () => {
    const c = wallCase(() => 16);
    const opts: BeamSourceOptions = { ...boxes, pathOutsideFocal: true, pathSpacing: 1.5e-3 };
    const flat = await computeBeamSources({ case: c, focus, beam, device, options: opts });
    const ab = await computeBeamSources({ case: c, focus, beam, device, options: { ...opts, wallAberration: { strength: 2, seed: 2 } } });
    const total = (b: typeof flat) => b.focal.power + (b.pathOutsideFocal?.power ?? 0);
    expect(ab.wallAberration?.gainRatio).toBeLessThan(0.97);
    expect(Math.abs(total(ab) / total(flat) - 1)).toBeLessThan(0.01);
    expect(Math.abs(ab.path.power / flat.path.power - 1)).toBeLessThan(0.01);
    expect(Math.abs(ab.powerBalance.relativeError)).toBeLessThan(0.01);
  });

  it('default phantom (median wall, clinical-0.8mhz, ×1): gain within ±0.04 of the Maréchal estimate of its screen, delays within the measured ±1 s.d.', async () => {
    const c = generatePhantom({});
    const f = labelCentroid(c, structureLabels(c)[c.target]);
    const b = await computeBeamSources({
      case: { ...c, wallAberration: {} },
      focus: f,
      beam: c.couch.beamDirection,
      device: { preset: 'clinical-0.8mhz' } as never,
      options: boxes,
    });
    const w = b.wallAberration;
    if (!w) throw new Error('aberration report expected');
    const omega = 2 * Math.PI * 0.8e6;
    const estimate = Math.exp(-(omega ** 2) * (w.randomDelayRms ** 2 + w.resolvedDelayRms ** 2) - w.logAmplitudeRms ** 2);
    expect(Math.abs(w.gainRatio - estimate)).toBeLessThan(0.04);
    // Hinkelman et al. 1997: 21.3 ± 8.4 ns for a 27.1 mm wall, scaled with √(thickness)
    const scale = Math.sqrt(w.wallThickness / MEASURED_WALL_STATISTICS.referenceThickness);
    expect(w.randomDelayRms).toBeGreaterThan((MEASURED_WALL_STATISTICS.delayRms - MEASURED_WALL_STATISTICS_SD.delayRms) * scale);
    expect(w.randomDelayRms).toBeLessThan((MEASURED_WALL_STATISTICS.delayRms + MEASURED_WALL_STATISTICS_SD.delayRms) * scale);
    expect(w.gainRatio).toBeLessThan(1);
    expect(w.area6dB).toBeGreaterThan(w.flatArea6dB);
  });

  it('sweep: ×0 is the flat beam (gain 1, area ratio 1), ×1 loses gain; the outcome driver hands each strength to the case', async () => {
    const c = wallCase(() => 16);
    const rows = await acousticAberrationSweep(c, focus, device, [0, 1], boxes);
    expect(rows[0].gainRatio).toBeCloseTo(1, 2);
    expect(rows[0].areaRatio).toBe(1);
    expect(rows[1].gainRatio).toBeLessThan(rows[0].gainRatio);
    const seen = await outcomeAberrationSweep({ ...c, wallAberration: { seed: 9 } } as Case, async (cc) => cc.wallAberration);
    expect(seen.map((r) => r.result)).toEqual(ABERRATION_STRENGTHS.map((strength) => ({ seed: 9, strength })));
    expect(() => withWallAberration({ ...c, wallAberration: {} }, -1)).toThrow(InputError);
  });

  it('case.json keeps wallAberration (round trip) and refuses a bad one naming the field', () => {
    const c = { ...generatePhantom({ voxelSizeMm: 4 }), wallAberration: { strength: 0.5, seed: 7 } };
    const files = encodeCaseFiles(c);
    expect(decodeCaseFiles(files).wallAberration).toEqual({ strength: 0.5, seed: 7 });
    const manifest = JSON.parse(new TextDecoder().decode(files['case.json']));
    manifest.wallAberration = { strength: -1 };
    expect(() => parseCaseManifest(manifest)).toThrow(/wallAberration\.strength/);
    manifest.wallAberration = { strenght: 1 };
    expect(() => parseCaseManifest(manifest)).toThrow(FormatError);
  });

  it('refuses bad parameters with a typed error naming the field', async () => {
    expect(() => wallAberrationModel({ strength: -1 })).toThrow(/wallAberration\.strength/);
    expect(() => wallAberrationModel({ seed: 1.5 })).toThrow(InputError);
    expect(() => wallAberrationModel({ statistics: { delayCorrelationLength: -2 } })).toThrow(/statistics\.delayCorrelationLength/);
    await expect(
      computeBeamSources({ case: { ...wallCase(() => 12), wallAberration: { strength: Number.NaN } }, focus, beam, device }),
    ).rejects.toThrow(/case\.wallAberration\.strength/);
  });
});
