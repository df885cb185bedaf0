import { describe, expect, it } from 'vitest';
import {
  FormatError,
  LABEL,
  type Volume,
  caseInfo,
  createGrid,
  depthFromSkin,
  generatePhantom,
  importCase,
  parseLabelMap,
  resampleLabels,
  structureVolumes,
} from '../../src/index.js';

// A synthetic "scan": the phantom image with the water bath blacked out (air around the body), and a
// segmentation of fibroid (1), uterus (2) and bowel gas (3) as Slicer would export it.
const ph = generatePhantom({ voxelSizeMm: 2, bowelInPath: true });
const n = ph.labels.length;
const image = Float32Array.from(ph.images[0].volume.data, (v, i) => (ph.labels[i] === LABEL.water ? 3 : v));
const seg = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  const l = ph.labels[i];
  seg[i] = l === LABEL.fibroid ? 1 : l === LABEL.uterus ? 2 : l === LABEL['bowel-gas'] ? 3 : 0;
}
const map = parseLabelMap({ 1: 'fibroid', 2: 'Myometrium', 3: 'bowel-gas' }, 'map.json');
const input = (labels: Volume) => ({
  image: { grid: ph.grid, data: image },
  imageName: 'T2.nii.gz',
  labels,
  labelsName: 'SEG.nii.gz',
  labelMap: map,
  labelMapName: 'map.json',
});

describe('importCase (image + segmentation + label map)', () => {
  it('same grid: structures named, air found around the body, depth matches the phantom', () => {
    const c = importCase(input({ grid: ph.grid, data: seg }));
    const v = structureVolumes(c);
    expect(v.fibroid.voxels).toBe(structureVolumes(ph).fibroid.voxels);
    expect(v.uterus.voxels).toBe(structureVolumes(ph).uterus.voxels);
    // the dark bath becomes air (a few noisy dark voxels at the skin may join it)
    expect(Math.abs(v.air.voxels / structureVolumes(ph).water.voxels - 1)).toBeLessThan(0.005);
    const d = depthFromSkin(c);
    const d0 = depthFromSkin(ph);
    expect(d.skinFound).toBe(true);
    expect(Math.abs(d.min - d0.min)).toBeLessThan(1e-9);
    expect(Math.abs(d.max - d0.max)).toBeLessThan(1e-9);
    expect(c.images[0].volume.data).toBeInstanceOf(Int16Array);
    expect(caseInfo(c).target.name).toBe('fibroid');
  });

  it('a coarser segmentation is resampled (nearest neighbour) to the image grid', () => {
    // 2× coarser segmentation on the same field of view: every other voxel
    const [nx, ny, nz] = ph.grid.shape;
    const cx = Math.ceil(nx / 2);
    const cy = Math.ceil(ny / 2);
    const cz = Math.ceil(nz / 2);
    const g = ph.grid;
    const affine = [...g.affine];
    for (const r of [0, 5, 10]) affine[r] *= 2;
    const coarse = createGrid([cx, cy, cz], [g.spacing[0] * 2, g.spacing[1] * 2, g.spacing[2] * 2], g.origin, affine);
    const data = new Uint8Array(cx * cy * cz);
    for (let k = 0; k < cz; k++)
      for (let j = 0; j < cy; j++) for (let i = 0; i < cx; i++) data[i + cx * (j + cy * k)] = seg[2 * i + nx * (2 * j + ny * 2 * k)];
    const c = importCase(input({ grid: coarse, data }));
    expect(c.notes.join()).toMatch(/resampled/);
    const ratio = structureVolumes(c).fibroid.volume / structureVolumes(ph).fibroid.volume;
    expect(Math.abs(ratio - 1)).toBeLessThan(0.1);
  });

  it('resampleLabels: identity grids copy, a shifted grid shifts, outside gets the fill value', () => {
    const g = createGrid([4, 3, 2], [0.001, 0.001, 0.001]);
    const l = Uint8Array.from({ length: 24 }, (_, i) => i);
    expect(Array.from(resampleLabels(g, l, g))).toEqual(Array.from(l));
    const shifted = createGrid([4, 3, 2], [0.001, 0.001, 0.001], [0.001, 0, 0]);
    const r = resampleLabels(g, l, shifted, 99);
    expect(r[0]).toBe(1);
    expect(r[3]).toBe(99);
  });

  it('errors: unnamed labels, missing target, bad map, target outside the image after resampling', () => {
    const seg4 = seg.slice();
    seg4[10] = 4;
    expect(() => importCase(input({ grid: ph.grid, data: seg4 }))).toThrow(/SEG\.nii\.gz: label values 4 are not named in map\.json/);
    const noFibroid = Uint8Array.from(seg, (v) => (v === 1 ? 2 : v));
    expect(() => importCase(input({ grid: ph.grid, data: noFibroid }))).toThrow(/target "fibroid".*no voxels/);
    expect(() =>
      importCase({ ...input({ grid: ph.grid, data: seg }), labelMap: parseLabelMap({ 2: 'uterus', 1: 'none', 3: 'bowel-gas' }) }),
    ).toThrow(/no label is named "fibroid"/);
    expect(() => parseLabelMap({ x: 'fibroid' }, 'map.json')).toThrow(FormatError);
    expect(() => parseLabelMap({ 1: 'spleen' }, 'map.json')).toThrow(/map\.json: label 1: unknown structure "spleen"/);
    expect(() => parseLabelMap({ 1: 'fibroid', 2: 'leiomyoma' }, 'map.json')).toThrow(/named by two labels/);
    expect(() => parseLabelMap([1, 2], 'map.json')).toThrow(FormatError);
    const far = createGrid(ph.grid.shape, ph.grid.spacing, [1, 1, 1]);
    expect(() => importCase(input(far === null ? { grid: ph.grid, data: seg } : { grid: far, data: seg }))).toThrow(
      /has no voxels on the image grid/,
    );
  });
});
