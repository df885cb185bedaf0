import { describe, expect, it } from 'vitest';
import {
  InputError,
  LABEL,
  LimitError,
  T2_TYPES,
  caseInfo,
  depthFromSkin,
  fibroidOverrides,
  generatePhantom,
  getTissue,
  perfusionPerSecond,
  structureVolumes,
  validateCase,
  voxelCount,
} from '../../src/index.js';

const sphere = (dMm: number) => (Math.PI / 6) * (dMm / 1000) ** 3;

describe('generatePhantom: the default case', () => {
  const t0 = performance.now();
  const c = generatePhantom();
  const ms = performance.now() - t0;

  it('is light and fast: ~1 mm voxels, at most 5 M voxels, uint8 labels, int16 image, < 2 s', () => {
    expect(c.grid.spacing).toEqual([0.001, 0.001, 0.001]);
    expect(voxelCount(c.grid)).toBeLessThanOrEqual(5_000_000);
    expect(c.labels).toBeInstanceOf(Uint8Array);
    expect(c.images[0].volume.data).toBeInstanceOf(Int16Array);
    expect(ms).toBeLessThan(2000 * 2); // 2 s target; ×2 headroom for a loaded CI machine
    validateCase(c);
  });

  it('has one 55 mm anterior fibroid of T2 type 2 (volume within 3 % of the sphere)', () => {
    const v = structureVolumes(c);
    expect(v.fibroid.volume / sphere(55)).toBeGreaterThan(0.97);
    expect(v.fibroid.volume / sphere(55)).toBeLessThan(1.03);
    expect(c.target).toBe('fibroid');
    expect(c.tissueOverrides.fibroid).toEqual(fibroidOverrides(2));
    expect(c.tissueOverrides.fibroid.attenuationDbPerCmMHz).toBe(getTissue('fibroid').attenuationDbPerCmMHz);
  });

  it('has every standard structure with voxels (except air)', () => {
    const v = structureVolumes(c);
    for (const name of [
      'water',
      'skin',
      'fat',
      'muscle',
      'uterus',
      'endometrium',
      'fibroid',
      'bladder',
      'bowel',
      'bowel-gas',
      'bone',
      'soft-tissue',
    ]) {
      expect(v[name].voxels, name).toBeGreaterThan(100);
    }
  });

  it('abdominal wall along the midline: skin 2 mm, fat 16 mm, muscle 9.1 mm (±1 voxel, ±8 % waviness)', () => {
    const [nx, ny] = c.grid.shape;
    const i = Math.floor(nx / 2);
    const k = Math.round(-c.grid.origin[2] / c.grid.spacing[2]);
    const counts: Record<number, number> = {};
    for (let j = 0; j < ny; j++) {
      const l = c.labels[i + nx * (j + ny * k)];
      counts[l] = (counts[l] ?? 0) + 1;
    }
    expect(Math.abs(counts[LABEL.skin] - 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts[LABEL.fat] - 16)).toBeLessThanOrEqual(16 * 0.08 + 1);
    expect(Math.abs(counts[LABEL.muscle] - 9.1)).toBeLessThanOrEqual(9.1 * 0.08 + 1);
  });

  it('the anterior surface of the fibroid lies about 5 mm behind the wall + gap, along the beam', () => {
    const d = depthFromSkin(c);
    // wall 27.1 mm + 5 mm gap + 5 mm myometrium = 37.1 mm; centre ±27.5 mm (lobulated ±3.5 %, half-voxel sampling)
    const centre = -(c.source.fibroidCentersMm as number[][])[0][1] / 1000;
    expect(d.skinFound).toBe(true);
    expect(Math.abs(d.min - (centre - 0.0275))).toBeLessThan(0.0025);
    expect(Math.abs(d.max - (centre + 0.0275))).toBeLessThan(0.0025);
    expect(d.min).toBeGreaterThan(0.034);
    expect(d.min).toBeLessThan(0.042);
  });

  it('beam goes anterior → posterior (−A) for a prone patient; water is anterior of the skin', () => {
    expect(c.couch.beamDirection).toEqual([0, -1, 0]);
    expect(c.couch.patientPosition).toBe('prone');
    const [nx, ny, nz] = c.grid.shape;
    const mid = Math.floor(nx / 2) + nx * ny * Math.floor(nz / 2);
    expect(c.labels[mid + nx * (ny - 1)]).toBe(LABEL.water); // most anterior row
    expect(c.labels[mid]).not.toBe(LABEL.water); // most posterior row
  });

  it('synthetic T2 image: fat and bladder bright, muscle dark, fibroid type 2 between muscle and myometrium', () => {
    const img = c.images[0].volume.data;
    const mean = (label: number) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < img.length; i++) {
        if (c.labels[i] === label) {
          s += img[i];
          n++;
        }
      }
      return s / n;
    };
    const muscle = mean(LABEL.muscle);
    const uterus = mean(LABEL.uterus);
    const fibroid = mean(LABEL.fibroid);
    expect(mean(LABEL.bladder)).toBeGreaterThan(800);
    expect(mean(LABEL.fat)).toBeGreaterThan(uterus);
    expect(fibroid).toBeGreaterThan(muscle);
    expect(fibroid).toBeLessThan(uterus);
    expect(mean(LABEL['bowel-gas'])).toBeLessThan(150);
  });

  it('caseInfo has the contract shape', () => {
    const info = caseInfo(c);
    expect(Object.keys(info)).toEqual(['grid', 'structures', 'target']);
    expect(info.grid.shape).toEqual([...c.grid.shape]);
    expect(info.structures.fibroid).toEqual({ label: LABEL.fibroid, volume: structureVolumes(c).fibroid.volume });
    expect(info.target.name).toBe('fibroid');
    expect(info.target.depthFromSkin).toHaveLength(2);
  });
});

describe('generatePhantom: options', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generatePhantom({ voxelSizeMm: 2, seed: 7 });
    const b = generatePhantom({ voxelSizeMm: 2, seed: 7 });
    const d = generatePhantom({ voxelSizeMm: 2, seed: 8 });
    // element loops: vitest's deep equality on million-element typed arrays is slow
    const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
      x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => v === y[i]);
    expect(same(a.labels, b.labels)).toBe(true);
    expect(same(a.images[0].volume.data, b.images[0].volume.data)).toBe(true);
    expect(same(a.images[0].volume.data, d.images[0].volume.data)).toBe(false);
  });

  it('T2 type sets fibroid image intensity and tissue overrides (type 1 darker, less perfused; type 3 brighter, more perfused)', () => {
    const means: number[] = [];
    for (const t of [1, 2, 3] as const) {
      const c = generatePhantom({ voxelSizeMm: 2, fibroids: [{ diameterMm: 50, t2Type: t }] });
      const img = c.images[0].volume.data;
      let s = 0;
      let n = 0;
      for (let i = 0; i < img.length; i++) {
        if (c.labels[i] === LABEL.fibroid) {
          s += img[i];
          n++;
        }
      }
      means.push(s / n);
      expect(c.tissueOverrides.fibroid.perfusion).toBeCloseTo(perfusionPerSecond(T2_TYPES[t].perfusionMlPerMinPer100g, 1075, 1050), 12);
    }
    expect(means[0]).toBeLessThan(means[1]);
    expect(means[1]).toBeLessThan(means[2]);
    expect(fibroidOverrides(1).perfusion).toBeLessThan(fibroidOverrides(3).perfusion);
    expect(fibroidOverrides(1).attenuationDbPerCmMHz).toBeGreaterThan(fibroidOverrides(3).attenuationDbPerCmMHz);
  });

  it('thick wall puts the fibroid deeper by the extra fat + muscle', () => {
    const thin = depthFromSkin(generatePhantom({ voxelSizeMm: 1, wall: 'thin', bowelLoops: 0 }));
    const thick = depthFromSkin(generatePhantom({ voxelSizeMm: 1, wall: 'thick', bowelLoops: 0 }));
    const extra = (21.1 - 12.1 + 11.0 - 7.6) / 1000;
    expect(Math.abs(thick.min - thin.min - extra)).toBeLessThan(0.002);
  });

  it('bowel in path puts gas between the skin and the fibroid on the beam axis', () => {
    const c = generatePhantom({ voxelSizeMm: 2, bowelInPath: true });
    const [nx, ny, nz] = c.grid.shape;
    const f = (c.source.fibroidCentersMm as number[][])[0];
    const i = Math.round((f[0] / 1000 - c.grid.origin[0]) / c.grid.spacing[0]);
    const k = Math.round((f[2] / 1000 - c.grid.origin[2]) / c.grid.spacing[2]);
    const jf = Math.round((f[1] / 1000 - c.grid.origin[1]) / c.grid.spacing[1]);
    const seen = new Set<number>();
    for (let j = jf; j < ny; j++) seen.add(c.labels[i + nx * (j + ny * k)]);
    expect(seen.has(LABEL['bowel-gas'])).toBe(true);
    const without = generatePhantom({ voxelSizeMm: 2 });
    const seen2 = new Set<number>();
    for (let j = jf; j < without.grid.shape[1]; j++) seen2.add(without.labels[i + without.grid.shape[0] * (j + without.grid.shape[1] * k)]);
    expect(seen2.has(LABEL['bowel-gas'])).toBe(false);
    expect(nz).toBeGreaterThan(0);
  });

  it('posterior, fundal and submucosal fibroids, and a second fibroid', () => {
    for (const position of ['posterior', 'fundal', 'submucosal'] as const) {
      const c = generatePhantom({ voxelSizeMm: 2, fibroids: [{ diameterMm: 40, position }] });
      const v = structureVolumes(c).fibroid.volume;
      expect(v / sphere(40), position).toBeGreaterThan(0.85);
      expect(v / sphere(40), position).toBeLessThan(1.15);
    }
    const two = generatePhantom({ voxelSizeMm: 2, fibroids: [{ diameterMm: 50 }, { diameterMm: 30, position: 'fundal', t2Type: 3 }] });
    const v = structureVolumes(two);
    expect(v['fibroid-2'].voxels).toBeGreaterThan(0);
    expect(two.tissueOverrides['fibroid-2']).toEqual(fibroidOverrides(3));
    const post = depthFromSkin(generatePhantom({ voxelSizeMm: 2, fibroids: [{ diameterMm: 40, position: 'posterior' }] }));
    const ant = depthFromSkin(generatePhantom({ voxelSizeMm: 2, fibroids: [{ diameterMm: 40, position: 'anterior' }] }));
    expect(post.min).toBeGreaterThan(ant.min + 0.02);
  });

  it('rejects bad options with InputError naming the field, and oversize grids with LimitError', () => {
    expect(() => generatePhantom({ fibroids: [{ diameterMm: 500 }] })).toThrow(/fibroids\[0\]\.diameterMm/);
    expect(() => generatePhantom({ fatMm: -1 })).toThrow(InputError);
    expect(() => generatePhantom({ fatMm: Number.NaN })).toThrow(/fatMm/);
    expect(() => generatePhantom({ fibroids: [{ diameterMm: 50, t2Type: 4 as 1 }] })).toThrow(/t2Type/);
    expect(() => generatePhantom({ fibroids: [{ diameterMm: 50, position: 'lateral' as 'fundal' }] })).toThrow(/position/);
    expect(() => generatePhantom({ voxelSizeMm: 0.5, fibroids: [{ diameterMm: 110 }] })).toThrow(LimitError);
  });
});
