import { FormatError, InputError } from '../errors.js';
import { type Grid3D, type Vec3, sameGrid } from '../grid/grid3d.js';
import { type Case, PRONE_BEAM_DIRECTION, labelsPresent, validateCase } from './case.js';
import { toLabelArray } from './label-volume.js';
import type { Volume } from './nifti.js';
import { resampleLabels } from './resample-labels.js';
import { type Structure, canonicalStructureName, makeStructure } from './structures.js';

/**
 * Import of a patient case from an image and a segmentation (a label map from 3D Slicer / ITK-SNAP) with a
 * label-name mapping file (map.json: `{"1": "fibroid", "2": "uterus", "3": "bowel-gas"}`).
 *
 * - The label map is resampled (nearest neighbour) to the image grid when the grids differ.
 * - Label 0, or a label named "background"/"unlabelled", is unsegmented tissue: it becomes "soft-tissue",
 *   except where the image shows the air around the body (voxels below 5 % of the image's 99th percentile,
 *   connected to the border of the field of view), which becomes "air" unless the map names an "air" or
 *   "water" structure itself. The depth of the target below the skin is measured to that boundary.
 * - Every nonzero label value present must be named in the map; the target structure must be present.
 */

/** Parses a label-name map (label value → structure name). Bad JSON shapes are FormatErrors naming the file. */
export function parseLabelMap(json: unknown, fileName = 'label map'): Map<number, string | null> {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new FormatError(fileName, 'must be a JSON object mapping label values to structure names, e.g. {"1": "fibroid"}');
  const out = new Map<number, string | null>();
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const label = Number(key);
    if (!Number.isInteger(label) || label < 0 || label > 255 || key.trim() === '') {
      throw new FormatError(fileName, `key "${key}" is not a label value (an integer 0–255)`);
    }
    if (typeof value !== 'string')
      throw new FormatError(fileName, `label ${label}: the structure name must be a string, got ${JSON.stringify(value)}`);
    const v = value.trim().toLowerCase();
    if (v === 'background' || v === 'unlabelled' || v === 'unlabeled' || v === 'none') {
      out.set(label, null);
      continue;
    }
    try {
      out.set(label, canonicalStructureName(value, `label ${label}`));
    } catch (e) {
      if (e instanceof InputError) throw new FormatError(fileName, e.message);
      throw e;
    }
  }
  const names = [...out.values()].filter((v): v is string => v !== null);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new FormatError(fileName, `structure "${dup}" is named by two labels (use "${dup}-2" for a second one)`);
  return out;
}

export interface ImportCaseInput {
  name?: string;
  image: Volume;
  imageName: string;
  /** e.g. "MR T2-weighted" */
  modality?: string;
  labels: Volume;
  labelsName: string;
  labelMap: Map<number, string | null>;
  labelMapName: string;
  /** target structure (default "fibroid") */
  target?: string;
  /** provenance to keep in case.source */
  source?: Record<string, unknown>;
}

/** Builds a Case from an image, a segmentation and its label map. */
export function importCase(input: ImportCaseInput): Case {
  const notes: string[] = [];
  const grid = input.image.grid;
  const n = input.image.data.length;
  // Image: finite values only (NaN backgrounds become 0); stored compactly when integral.
  const img = input.image.data;
  let nonFinite = 0;
  let integral = true;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = img[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v !== Math.round(v)) integral = false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (nonFinite === n) throw new FormatError(input.imageName, 'every voxel of the image is NaN or infinite');
  let data: Float32Array | Int16Array;
  if (integral && lo >= -32768 && hi <= 32767) {
    data = new Int16Array(n);
    for (let i = 0; i < n; i++) data[i] = Number.isFinite(img[i]) ? img[i] : 0;
  } else {
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = Number.isFinite(img[i]) ? img[i] : 0;
  }
  if (nonFinite) notes.push(`${nonFinite} NaN/infinite voxels of ${input.imageName} set to 0`);

  // Labels on the image grid.
  let raw = toLabelArray(input.labels, input.labelsName);
  if (raw === input.labels.data) raw = raw.slice(); // never write into the caller's array
  if (!sameGrid(input.labels.grid, grid)) {
    raw = resampleLabels(input.labels.grid, raw, grid, 0);
    notes.push(
      `labels ${input.labelsName} (${input.labels.grid.shape.join('×')}) resampled to the image grid (${grid.shape.join('×')}) by nearest neighbour`,
    );
  }
  const present = labelsPresent(raw);
  const unnamed = [...present].filter((l) => l !== 0 && !input.labelMap.has(l));
  if (unnamed.length) {
    throw new FormatError(input.labelsName, `label values ${unnamed.join(', ')} are not named in ${input.labelMapName}`);
  }
  // Structures: named labels keep their values; unsegmented labels map to soft tissue.
  const structures: Structure[] = [];
  const unsegmented = new Set<number>([0]);
  for (const [label, name] of input.labelMap) {
    if (name === null) unsegmented.add(label);
    else structures.push(makeStructure(name, label, `${input.labelMapName}: label ${label}`));
  }
  const used = new Set(structures.map((s) => s.label));
  const freeLabel = () => {
    for (let l = 255; l >= 0; l--) if (!used.has(l) && !unsegmented.has(l)) return l;
    throw new FormatError(input.labelMapName, 'no free label value left for the unsegmented tissue');
  };
  const has = (name: string) => structures.some((s) => s.name === name);
  const labels = raw;
  const anyUnsegmented = [...unsegmented].some((l) => present.has(l));
  if (anyUnsegmented) {
    const softLabel = has('soft-tissue') ? structures.find((s) => s.name === 'soft-tissue')!.label : freeLabel();
    if (!has('soft-tissue')) {
      structures.push(makeStructure('soft-tissue', softLabel));
      used.add(softLabel);
    }
    const isUnseg = new Uint8Array(256);
    for (const l of unsegmented) isUnseg[l] = 1;
    let outside: Uint8Array | null = null;
    if (!has('air') && !has('water')) {
      outside = backgroundAir(data, grid, labels, isUnseg);
      let count = 0;
      for (let i = 0; i < n; i++) count += outside[i];
      if (count > 0) {
        const airLabel = freeLabel();
        structures.push(makeStructure('air', airLabel));
        used.add(airLabel);
        for (let i = 0; i < n; i++) if (outside[i]) labels[i] = airLabel;
        notes.push(`${count} unsegmented voxels outside the body (dark, connected to the border of ${input.imageName}) labelled air`);
      } else {
        notes.push('no air around the body found in the image: the depth below the skin is measured to the edge of the field of view');
      }
    }
    for (let i = 0; i < n; i++) if (isUnseg[labels[i]]) labels[i] = softLabel;
  }
  const target = canonicalStructureName(input.target ?? 'fibroid', 'target');
  if (!structures.some((s) => s.name === target)) {
    throw new FormatError(
      input.labelMapName,
      `no label is named "${target}" (the target); named: ${structures.map((s) => s.name).join(', ') || 'none'}`,
    );
  }
  const targetLabel = structures.find((s) => s.name === target)!.label;
  let targetCount = 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  const [nx, ny] = grid.shape;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== targetLabel) continue;
    targetCount++;
    cx += i % nx;
    cy += Math.floor(i / nx) % ny;
    cz += Math.floor(i / (nx * ny));
  }
  if (targetCount === 0) {
    throw new FormatError(
      input.labelsName,
      `the target "${target}" (label ${targetLabel}) has no voxels${notes.some((s) => s.includes('resampled')) ? ' on the image grid' : ''}`,
    );
  }
  const centroid = voxelToRasM(grid, cx / targetCount, cy / targetCount, cz / targetCount);
  const entry = skinPointAbove(grid, labels, structures, centroid);
  const c: Case = {
    name: input.name ?? 'imported',
    grid,
    images: [{ name: 'T2', modality: input.modality ?? 'imported image', volume: { grid, data } }],
    labels,
    structures: structures.sort((a, b) => a.label - b.label),
    tissueOverrides: {},
    target,
    skinEntry: { center: entry, normal: [0, 1, 0], radius: 0.05 },
    couch: { patientPosition: 'prone', beamDirection: PRONE_BEAM_DIRECTION, membraneCenter: entry, windowRadius: 0.1, waterDepth: 0.2 },
    source: { kind: 'import', image: input.imageName, labels: input.labelsName, labelMap: input.labelMapName, ...input.source },
    notes,
  };
  try {
    return validateCase(c);
  } catch (e) {
    if (e instanceof InputError) throw new FormatError(input.labelsName, e.message);
    throw e;
  }
}

function voxelToRasM(grid: Grid3D, i: number, j: number, k: number): Vec3 {
  const m = grid.affine;
  return [
    (m[0] * i + m[1] * j + m[2] * k + m[3]) / 1000,
    (m[4] * i + m[5] * j + m[6] * k + m[7]) / 1000,
    (m[8] * i + m[9] * j + m[10] * k + m[11]) / 1000,
  ];
}

/**
 * Air around the body: unsegmented voxels darker than 5 % of the image's 99th percentile that connect
 * (6-neighbours, through such voxels) to the border of the field of view. Breadth-first flood fill.
 */
function backgroundAir(img: ArrayLike<number>, grid: Grid3D, labels: Uint8Array, isUnseg: Uint8Array): Uint8Array {
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  // 99th percentile by sampling (at most 200k voxels)
  const stride = Math.max(1, Math.floor(n / 200_000));
  const sample: number[] = [];
  for (let i = 0; i < n; i += stride) sample.push(img[i]);
  sample.sort((a, b) => a - b);
  const p99 = sample[Math.min(sample.length - 1, Math.floor(0.99 * sample.length))];
  const threshold = 0.05 * p99;
  const dark = new Uint8Array(n);
  for (let i = 0; i < n; i++) dark[i] = isUnseg[labels[i]] && img[i] <= threshold ? 1 : 0;
  const out = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const push = (i: number) => {
    if (dark[i] && !out[i]) {
      out[i] = 1;
      queue[tail++] = i;
    }
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) push(i + nx * (j + ny * k));
      }
  const nxy = nx * ny;
  while (head < tail) {
    const q = queue[head++];
    const i = q % nx;
    const j = Math.floor(q / nx) % ny;
    const k = Math.floor(q / nxy);
    if (i > 0) push(q - 1);
    if (i < nx - 1) push(q + 1);
    if (j > 0) push(q - nx);
    if (j < ny - 1) push(q + nx);
    if (k > 0) push(q - nxy);
    if (k < nz - 1) push(q + nxy);
  }
  return out;
}

/**
 * The point where a ray from `from` going anterior (against the beam) leaves the body (first air or water
 * voxel, or the edge of the grid), RAS metres.
 */
function skinPointAbove(grid: Grid3D, labels: Uint8Array, structures: Structure[], from: Vec3): Vec3 {
  const outside = new Set(structures.filter((s) => s.name === 'air' || s.name === 'water').map((s) => s.label));
  const [nx, ny, nz] = grid.shape;
  const step = 0.5 * Math.min(...grid.spacing);
  const m = grid.affine;
  const det = m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
  let last: Vec3 = from;
  for (let t = 0; t < 2; t += step) {
    const p: Vec3 = [from[0], from[1] + t, from[2]];
    // RAS mm → voxel (Cramer's rule on the 3×3 part)
    const x = p[0] * 1000 - m[3];
    const y = p[1] * 1000 - m[7];
    const z = p[2] * 1000 - m[11];
    const vi = (x * (m[5] * m[10] - m[6] * m[9]) - m[1] * (y * m[10] - m[6] * z) + m[2] * (y * m[9] - m[5] * z)) / det;
    const vj = (m[0] * (y * m[10] - m[6] * z) - x * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * z - y * m[8])) / det;
    const vk = (m[0] * (m[5] * z - y * m[9]) - m[1] * (m[4] * z - y * m[8]) + x * (m[4] * m[9] - m[5] * m[8])) / det;
    const i = Math.round(vi);
    const j = Math.round(vj);
    const k = Math.round(vk);
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return last;
    if (outside.has(labels[i + nx * (j + ny * k)])) return last;
    last = p;
  }
  return last;
}
