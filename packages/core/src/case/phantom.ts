import { InputError, LimitError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, createGrid } from '../grid/grid3d.js';
import { getTissue } from '../tissue/tissue-table.js';
import { BLOOD } from '../tissue/tissue-table.js';
import { perfusionPerSecond } from '../tissue/units.js';
import { type Case, PRONE_BEAM_DIRECTION } from './case.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';
import { LABEL, STANDARD_STRUCTURES, type Structure } from './structures.js';

/**
 * The built-in fibroid phantom: a deterministic (seeded) synthetic pelvis of a prone patient on a water bath,
 * with a label map and a T2-weighted-like MR image, on an axis-aligned RAS grid.
 *
 * Anatomy (RAS mm; y = 0 is where the skin touches the membrane at the midline, water at y > 0):
 * - water bath anterior of the skin; the skin surface curves gently away from the membrane laterally and
 *   cranio-caudally (y_s = −x²/500 − z²/1600 mm);
 * - abdominal wall, measured along −A from the skin: skin (2 mm), subcutaneous fat and rectus abdominis at
 *   the thicknesses of Yang MJ et al., Front Surg 2021 (1000 fibroid patients): medians 16.0 and 9.1 mm,
 *   IQR 12.1–21.1 and 7.6–11.0 mm (the "thin" and "thick" presets are the quartiles), with ±8 % smooth waviness;
 * - behind the wall, soft tissue holding: an enlarged uterus (ellipsoid sized to hold the fibroids, tilted
 *   15° anteverted), the endometrium (displaced by the fibroids), the fibroids (spheres with a slightly
 *   lobulated surface; anterior / posterior intramural, fundal, or submucosal), a half-filled bladder
 *   anterior-inferior of the uterus, bowel loops (tubes with 3 mm walls, gas floating to the posterior,
 *   non-dependent side of the lumen as in a prone patient) superior and lateral of the uterus, optionally
 *   one loop across the beam path between the wall and the uterus, and the sacrum (a curved 14 mm bone
 *   plate) behind the uterus.
 *
 * Fibroid T2 type (Funaki K et al., Am J Obstet Gynecol 2007;196:184.e1–6: type 1 as dark as skeletal muscle,
 * type 2 between muscle and myometrium, type 3 as bright as or brighter than myometrium) sets the fibroid's
 * image intensity and its tissue overrides, see T2_TYPES.
 */

/** Where a fibroid sits in the uterus. */
export type FibroidPosition = 'anterior' | 'posterior' | 'fundal' | 'submucosal';
export type T2Type = 1 | 2 | 3;

export interface FibroidSpec {
  /** diameter, mm (10–120; clinical 55 ± 14, range 30–106, Yang 2021) */
  diameterMm: number;
  /** default "anterior" (intramural, anterior wall) */
  position?: FibroidPosition;
  /** Funaki T2 type; default 2 */
  t2Type?: T2Type;
}

export interface PhantomOptions {
  /** PRNG seed (integer); default 1 */
  seed?: number;
  /** isotropic voxel size, mm (0.5–4); default 1 */
  voxelSizeMm?: number;
  /** abdominal-wall preset; explicit fatMm / muscleMm win over it; default "median" */
  wall?: 'thin' | 'median' | 'thick';
  /** skin thickness, mm (0.5–5); default 2 */
  skinMm?: number;
  /** subcutaneous fat thickness, mm (0–80); default 16.0 (median, Yang 2021) */
  fatMm?: number;
  /** rectus abdominis thickness, mm (0–40); default 9.1 (median, Yang 2021) */
  muscleMm?: number;
  /** fibroids; the first is the target "fibroid", others "fibroid-2", ...; default one 55 mm anterior T2 type 2 */
  fibroids?: FibroidSpec[];
  /** put a gas-filled bowel loop between the abdominal wall and the uterus, across the beam; default false */
  bowelInPath?: boolean;
  /**
   * the loop in the beam path: radius mm (5–15; default 11) and shift towards the head (+) or feet (−) from the
   * fibroid's centre, mm (−60–60; default 0: across the whole window); a small shifted loop blocks part of the window
   */
  bowelInPathRadiusMm?: number;
  bowelInPathOffsetMm?: number;
  /** number of bowel loops away from the beam (0–8); default 4 */
  bowelLoops?: number;
  /** thickness of the water bath inside the grid, mm (5–100); default 15 */
  waterMm?: number;
  /** image noise σ relative to the brightest tissue (0–0.3); default 0.025 */
  noise?: number;
}

/** Abdominal-wall presets: quartiles and median of Yang MJ et al., Front Surg 2021 (fat, rectus; mm). */
export const WALL_PRESETS = {
  thin: { fatMm: 12.1, muscleMm: 7.6 },
  median: { fatMm: 16.0, muscleMm: 9.1 },
  thick: { fatMm: 21.1, muscleMm: 11.0 },
} as const;

/**
 * Fibroid T2 type → tissue overrides and image intensity.
 * Ordering (what the literature supports): hypointense (type 1) fibroids are fibrous, collagen-rich and
 * hypovascular; hyperintense (type 3) ones are cellular and well perfused, ablate poorly with higher energy
 * per volume and lower NPV ratios (Funaki 2007, above; Zhao WP et al., Eur J Radiol 2013;82:e43–9, HIFU).
 * Magnitudes are this project's choice inside the reference ranges of shared/reference/tissue-properties.md
 * (leiomyoma α0 0.36–1.0 dB/cm/MHz^y, perfusion 1–100 ml/min/100 g); type 2 is the table's default fibroid.
 */
export const T2_TYPES: Record<
  T2Type,
  { attenuationDbPerCmMHz: number; perfusionMlPerMinPer100g: number; intensity: number; description: string }
> = {
  1: {
    attenuationDbPerCmMHz: 0.8,
    perfusionMlPerMinPer100g: 8,
    intensity: 170,
    description: 'hypointense like skeletal muscle: fibrous, hypovascular',
  },
  2: { attenuationDbPerCmMHz: 0.6, perfusionMlPerMinPer100g: 20, intensity: 300, description: 'between muscle and myometrium' },
  3: {
    attenuationDbPerCmMHz: 0.45,
    perfusionMlPerMinPer100g: 60,
    intensity: 560,
    description: 'as bright as or brighter than myometrium: cellular, well perfused',
  },
};

/** Tissue overrides of a fibroid of a given T2 type (attenuation and Pennes perfusion in 1/s). */
export function fibroidOverrides(t2Type: T2Type): { attenuationDbPerCmMHz: number; perfusion: number } {
  const t = T2_TYPES[t2Type];
  const rho = getTissue('fibroid').density;
  return { attenuationDbPerCmMHz: t.attenuationDbPerCmMHz, perfusion: perfusionPerSecond(t.perfusionMlPerMinPer100g, rho, BLOOD.density) };
}

/**
 * Synthetic T2-weighted (fast spin echo) intensities per structure, arbitrary units (brightest ≈ 1000):
 * fluid (urine, water bath) brightest, fat bright on FSE, endometrium bright, myometrium intermediate,
 * muscle dark, cortical bone and gas signal voids.
 */
const T2_INTENSITY: Record<string, number> = {
  air: 0,
  water: 950,
  skin: 320,
  fat: 720,
  muscle: 160,
  uterus: 450,
  endometrium: 820,
  bladder: 1000,
  bowel: 380,
  'bowel-gas': 15,
  bone: 110,
  'soft-tissue': 340,
};

/** Texture amplitude (relative) per structure in the synthetic image. */
const TEXTURE: Record<string, number> = {
  fibroid: 0.12,
  uterus: 0.06,
  fat: 0.04,
  muscle: 0.05,
  'soft-tissue': 0.08,
  bowel: 0.1,
  bone: 0.3,
};

/** Phantom voxel ceiling: keeps the built-in case light enough for a browser. */
export const MAX_PHANTOM_VOXELS = 16_000_000;

interface Resolved {
  seed: number;
  h: number;
  skin: number;
  fat: number;
  muscle: number;
  fibroids: Required<FibroidSpec>[];
  bowelInPath: boolean;
  bowelInPathRadius: number;
  bowelInPathOffset: number;
  bowelLoops: number;
  water: number;
  noise: number;
}

function resolve(o: PhantomOptions): Resolved {
  const num = (field: string, v: number | undefined, dflt: number, lo: number, hi: number) => {
    if (v === undefined) return dflt;
    requireFinite(field, v);
    if (v < lo || v > hi) throw new InputError(field, `must be in [${lo}, ${hi}], got ${v}`);
    return v;
  };
  const wallName = o.wall ?? 'median';
  const preset = WALL_PRESETS[wallName];
  if (!preset) throw new InputError('phantom.wall', `must be thin, median or thick, got ${JSON.stringify(o.wall)}`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || Math.abs(seed) > 2 ** 53) throw new InputError('phantom.seed', `must be an integer, got ${seed}`);
  const fibroidsIn = o.fibroids ?? [{ diameterMm: 55, position: 'anterior', t2Type: 2 }];
  if (!Array.isArray(fibroidsIn) || fibroidsIn.length < 1 || fibroidsIn.length > 4) {
    throw new InputError('phantom.fibroids', 'must list 1 to 4 fibroids');
  }
  const fibroids = fibroidsIn.map((f, i) => {
    const position = f.position ?? 'anterior';
    if (!['anterior', 'posterior', 'fundal', 'submucosal'].includes(position)) {
      throw new InputError(
        `phantom.fibroids[${i}].position`,
        `must be anterior, posterior, fundal or submucosal, got ${JSON.stringify(position)}`,
      );
    }
    const t2Type = f.t2Type ?? 2;
    if (t2Type !== 1 && t2Type !== 2 && t2Type !== 3)
      throw new InputError(`phantom.fibroids[${i}].t2Type`, `must be 1, 2 or 3, got ${JSON.stringify(t2Type)}`);
    return { diameterMm: num(`phantom.fibroids[${i}].diameterMm`, f.diameterMm, 55, 10, 120), position, t2Type };
  });
  const loops = o.bowelLoops ?? 4;
  if (!Number.isInteger(loops) || loops < 0 || loops > 8)
    throw new InputError('phantom.bowelLoops', `must be an integer 0–8, got ${loops}`);
  return {
    seed,
    h: num('phantom.voxelSizeMm', o.voxelSizeMm, 1, 0.5, 4),
    skin: num('phantom.skinMm', o.skinMm, 2, 0.5, 5),
    fat: num('phantom.fatMm', o.fatMm, preset.fatMm, 0, 80),
    muscle: num('phantom.muscleMm', o.muscleMm, preset.muscleMm, 0, 40),
    fibroids,
    bowelInPath: o.bowelInPath ?? false,
    bowelInPathRadius: num('phantom.bowelInPathRadiusMm', o.bowelInPathRadiusMm, 11, 5, 15),
    bowelInPathOffset: num('phantom.bowelInPathOffsetMm', o.bowelInPathOffsetMm, 0, -60, 60),
    bowelLoops: loops,
    water: num('phantom.waterMm', o.waterMm, 15, 5, 100),
    noise: num('phantom.noise', o.noise, 0.025, 0, 0.3),
  };
}

/** An oriented ellipsoid (mm, RAS): inside where |R·(p − c) / semi| ≤ 1; R rows are the local axes. */
interface Ellipsoid {
  c: Vec3;
  semi: Vec3;
  /** 3×3 row-major rotation RAS → local */
  R: number[];
  /** relative surface lobulation amplitude (0 = smooth) and phases */
  lobes?: { amp: number; a: number; b: number; c: number };
}

/** Rotation about the x (L-R) axis by `deg` (RAS → local rows). */
function rotX(deg: number): number[] {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [1, 0, 0, 0, c, s, 0, -s, c];
}

/** Geometry of the phantom in RAS mm (everything needed to paint it), computed from the options. */
function layout(p: Resolved, rng: SeededRandom) {
  const wall = p.skin + p.fat + p.muscle;
  const bowelR = p.bowelInPathRadius;
  const gap = p.bowelInPath ? 4 + 2 * bowelR + 3 : 5;
  // Uterus semi-axes sized to hold its fibroids with myometrium around them.
  let ax = 40;
  let ay = 32;
  let az = 50;
  for (const f of p.fibroids) {
    const r = f.diameterMm / 2;
    ax = Math.max(ax, r + 10);
    if (f.position === 'fundal') {
      ay = Math.max(ay, r + 8);
      az = Math.max(az, r + 30);
    } else {
      ay = Math.max(ay, r + 15);
      az = Math.max(az, r + 20);
    }
  }
  const uterusDepth = wall + gap + ay; // depth of the uterus centre below the midline skin
  const uterus: Ellipsoid = { c: [0, -uterusDepth, 0], semi: [ax, ay, az], R: rotX(15) };
  // Fibroid centres in the uterus frame (before the tilt), then in RAS.
  const toRas = (local: Vec3): Vec3 => {
    const R = uterus.R; // local = R·(p − c)  ⇒  p = Rᵀ·local + c
    return [
      uterus.c[0] + R[0] * local[0] + R[3] * local[1] + R[6] * local[2],
      uterus.c[1] + R[1] * local[0] + R[4] * local[1] + R[7] * local[2],
      uterus.c[2] + R[2] * local[0] + R[5] * local[1] + R[8] * local[2],
    ];
  };
  const used: Array<{ local: Vec3; r: number }> = [];
  let endoY = 0;
  let endoZ = 0;
  const fibroids: Ellipsoid[] = p.fibroids.map((f) => {
    const r = f.diameterMm / 2;
    let local: Vec3;
    if (f.position === 'anterior') local = [0, ay - r - 5, 0];
    else if (f.position === 'posterior') local = [0, -(ay - r - 5), 0];
    else if (f.position === 'fundal') local = [0, 0, az - r - 5];
    else local = [0, 0.35 * r, 0];
    // a second fibroid at the same place moves aside (left, then right)
    for (const u of used) {
      const d = Math.hypot(local[0] - u.local[0], local[1] - u.local[1], local[2] - u.local[2]);
      if (d < u.r + r + 3) local = [u.local[0] + (used.length % 2 ? -1 : 1) * (u.r + r + 3), local[1], local[2]];
    }
    used.push({ local, r });
    if (f.position === 'anterior') endoY = Math.min(endoY, local[1] - r - 8);
    if (f.position === 'posterior') endoY = Math.max(endoY, local[1] + r + 8);
    if (f.position === 'fundal') endoZ = Math.min(endoZ, local[2] - r - 0.6 * az * 0.5);
    return {
      c: toRas(local),
      semi: [r, r * 0.97, r * 1.03],
      R: uterus.R,
      lobes: { amp: 0.035, a: rng.uniform(0, 6.283), b: rng.uniform(0, 6.283), c: rng.uniform(0, 6.283) },
    };
  });
  endoY = Math.max(-ay + 12, Math.min(ay - 12, endoY));
  const endometrium: Ellipsoid = { c: toRas([0, endoY, endoZ]), semi: [Math.min(0.4 * ax, 18), 4, 0.55 * az], R: uterus.R };
  // Serosa bulges over intramural fibroids: a shell of myometrium 4 mm around each.
  const bulges: Ellipsoid[] = fibroids.map((f) => ({ c: f.c, semi: [f.semi[0] + 4, f.semi[1] + 4, f.semi[2] + 4], R: f.R }));
  // Bladder: half filled, anterior-inferior of the uterus, just behind the wall.
  const bladder: Ellipsoid = { c: [0, -(wall + 3 + 20), -(az + 8)], semi: [36, 20, 24], R: rotX(-10) };
  // Sacrum: anterior surface behind the uterus, concave anteriorly.
  const sacrumDepth = uterusDepth + ay + 12;
  const sacrum = { depth: sacrumDepth, thickness: 14, halfWidth: 52, zTop: az + 25, zBottom: -(az + 25), curve: 12 };
  // Bowel loops: random-walk tubes of capsules, superior/lateral of the uterus (seeded).
  const tubes: Array<{ a: Vec3; b: Vec3; r: number; gas: number }> = [];
  for (let l = 0; l < p.bowelLoops; l++) {
    const side = l % 2 === 0 ? 1 : -1;
    let cur: Vec3 = [side * rng.uniform(ax * 0.6, ax + 15), -(wall + gap + rng.uniform(10, 2 * ay - 10)), rng.uniform(az * 0.5, az + 20)];
    const r = rng.uniform(8, 12);
    const gas = rng.uniform(0.15, 0.5);
    let dir: Vec3 = [rng.uniform(-1, 1), rng.uniform(-0.4, 0.4), rng.uniform(-1, 1)];
    for (let s = 0; s < 5; s++) {
      const len = rng.uniform(18, 30);
      const n = Math.hypot(dir[0], dir[1], dir[2]) || 1;
      const next: Vec3 = [cur[0] + (len * dir[0]) / n, cur[1] + (len * dir[1]) / n, cur[2] + (len * dir[2]) / n];
      tubes.push({ a: cur, b: next, r, gas });
      cur = next;
      dir = [dir[0] + rng.uniform(-0.9, 0.9), dir[1] + rng.uniform(-0.3, 0.3), dir[2] + rng.uniform(-0.9, 0.9)];
    }
  }
  if (p.bowelInPath) {
    const f = fibroids[0];
    const y = -(wall + 4 + bowelR);
    const z = f.c[2] + p.bowelInPathOffset;
    tubes.push({ a: [f.c[0] - 45, y, z - 8], b: [f.c[0] + 45, y, z + 8], r: bowelR, gas: 0.45 });
  }
  // Field of view (mm)
  const xHalf = Math.max(70, ax + 25);
  const yMax = p.water;
  const yMin = -(sacrumDepth + sacrum.thickness + sacrum.curve + 8);
  const zMin = Math.min(bladder.c[2] - bladder.semi[2] - 6, -(az + 12));
  const zMax = Math.max(az + 15, ...fibroids.map((f) => f.c[2] + f.semi[2] + 8));
  return { wall, uterus, fibroids, bulges, endometrium, bladder, sacrum, tubes, fov: { xHalf, yMin, yMax, zMin, zMax } };
}

/** Skin surface height y_s(x, z) in mm at the midline 0, curving away from the membrane. */
function skinSurfaceMm(x: number, z: number): number {
  return -(x * x) / 500 - (z * z) / 1600;
}

/**
 * Generates the phantom case. Deterministic: the same options give the same labels and image.
 * Throws InputError for out-of-range options, LimitError if the grid would exceed MAX_PHANTOM_VOXELS.
 */
export function generatePhantom(options: PhantomOptions = {}): Case {
  const p = resolve(options);
  const rng = seededRandom(p.seed);
  const L = layout(p, rng);
  const h = p.h;
  const nx = Math.ceil((2 * L.fov.xHalf) / h) + 1;
  const ny = Math.ceil((L.fov.yMax - L.fov.yMin) / h) + 1;
  const nz = Math.ceil((L.fov.zMax - L.fov.zMin) / h) + 1;
  if (nx * ny * nz > MAX_PHANTOM_VOXELS) {
    throw new LimitError(`phantom grid ${nx}×${ny}×${nz} = ${nx * ny * nz} voxels exceeds ${MAX_PHANTOM_VOXELS}; use a larger voxelSizeMm`);
  }
  // Origin on whole millimetres (and x centred on a multiple of h/2) so that the NIfTI header's float32 affine
  // stores it exactly for the usual voxel sizes.
  const x0 = -((nx - 1) * h) / 2;
  const y0 = Math.floor(L.fov.yMin);
  const z0 = Math.floor(L.fov.zMin);
  const grid: Grid3D = createGrid([nx, ny, nz], [h / 1000, h / 1000, h / 1000], [x0 / 1000, y0 / 1000, z0 / 1000]);
  const labels = new Uint8Array(nx * ny * nz);

  paintWall(labels, grid, p, rng);
  // Bowel (only into free soft tissue), bladder, uterus, endometrium, fibroids, sacrum, in that order.
  const soft = paintable([LABEL['soft-tissue']]);
  for (const t of L.tubes) paintTube(labels, grid, t, soft);
  paintEllipsoid(labels, grid, L.bladder, LABEL.bladder, paintable([LABEL['soft-tissue'], LABEL.bowel, LABEL['bowel-gas']]));
  const organ = paintable([LABEL['soft-tissue'], LABEL.bowel, LABEL['bowel-gas'], LABEL.bladder]);
  paintEllipsoid(labels, grid, L.uterus, LABEL.uterus, organ);
  for (const b of L.bulges) paintEllipsoid(labels, grid, b, LABEL.uterus, organ);
  paintEllipsoid(labels, grid, L.endometrium, LABEL.endometrium, paintable([LABEL.uterus]));
  const structures: Structure[] = STANDARD_STRUCTURES.map((s) => ({ ...s }));
  const tissueOverrides: Case['tissueOverrides'] = {};
  const inUterus = paintable([LABEL.uterus, LABEL.endometrium, LABEL['soft-tissue'], LABEL.bowel, LABEL['bowel-gas'], LABEL.bladder]);
  L.fibroids.forEach((f, i) => {
    const name = i === 0 ? 'fibroid' : `fibroid-${i + 1}`;
    const label = i === 0 ? LABEL.fibroid : 12 + i; // 13, 14, 15 after the standard labels
    if (i > 0) structures.push({ name, label, tissue: 'fibroid' });
    paintEllipsoid(labels, grid, f, label, inUterus);
    tissueOverrides[name] = fibroidOverrides(p.fibroids[i].t2Type);
  });
  paintSacrum(labels, grid, L.sacrum);

  const t2ByLabel = new Float32Array(256);
  const texByLabel = new Float32Array(256);
  for (const s of structures) {
    const fi = s.tissue === 'fibroid' ? (s.name === 'fibroid' ? 0 : Number(s.name.split('-')[1]) - 1) : -1;
    t2ByLabel[s.label] = fi >= 0 ? T2_TYPES[p.fibroids[fi].t2Type].intensity : (T2_INTENSITY[s.name] ?? 300);
    texByLabel[s.label] = TEXTURE[s.tissue] ?? 0.02;
  }
  const image = synthesizeT2(labels, grid, t2ByLabel, texByLabel, p.noise, rng);

  const f0 = L.fibroids[0].c;
  const skinY = skinSurfaceMm(f0[0], f0[2]);
  const name = `phantom-${p.fibroids[0].position}-${p.fibroids[0].diameterMm}mm-t2-${p.fibroids[0].t2Type}${p.bowelInPath ? '-bowel' : ''}`;
  return {
    name,
    grid,
    images: [{ name: 'T2', modality: 'MR T2-weighted (synthetic phantom)', volume: { grid, data: image } }],
    labels,
    structures,
    tissueOverrides,
    target: 'fibroid',
    skinEntry: { center: [f0[0] / 1000, skinY / 1000, f0[2] / 1000], normal: [0, 1, 0], radius: 0.05 },
    // the couch window centred over the target, as an operator positions the patient (and as import-case.ts does);
    // its 0.1 m radius is the JC200-class bowl's aperture radius (planning/beam-path.ts couchWindowProblem)
    couch: {
      patientPosition: 'prone',
      beamDirection: PRONE_BEAM_DIRECTION,
      membraneCenter: [f0[0] / 1000, skinY / 1000, f0[2] / 1000],
      windowRadius: 0.1,
      waterDepth: 0.2,
    },
    source: {
      kind: 'phantom',
      generator: 'openfuas-phantom',
      version: 1,
      options: {
        seed: p.seed,
        voxelSizeMm: p.h,
        skinMm: p.skin,
        fatMm: p.fat,
        muscleMm: p.muscle,
        fibroids: p.fibroids,
        bowelInPath: p.bowelInPath,
        ...(p.bowelInPath && (p.bowelInPathRadius !== 11 || p.bowelInPathOffset !== 0)
          ? { bowelInPathRadiusMm: p.bowelInPathRadius, bowelInPathOffsetMm: p.bowelInPathOffset }
          : {}),
        bowelLoops: p.bowelLoops,
        waterMm: p.water,
        noise: p.noise,
      },
      fibroidCentersMm: L.fibroids.map((f) => f.c.map((v) => Math.round(v * 100) / 100)),
      wallMm: L.wall,
    },
    notes: [],
  };
}

/** A 256-entry table: 1 where a label may be painted over. */
function paintable(labels: number[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const l of labels) t[l] = 1;
  return t;
}

/**
 * Water, skin, fat, muscle and soft tissue by depth below the skin surface, d = y_s(x, z) − y (mm), with the
 * fat and muscle thicknesses varying smoothly (±8 %) across the wall.
 */
function paintWall(labels: Uint8Array, grid: Grid3D, p: Resolved, rng: SeededRandom): void {
  const [nx, ny, nz] = grid.shape;
  const h = grid.spacing[0] * 1000;
  const x0 = grid.origin[0] * 1000;
  const y0 = grid.origin[1] * 1000;
  const z0 = grid.origin[2] * 1000;
  const ph = [rng.uniform(0, 6.283), rng.uniform(0, 6.283), rng.uniform(0, 6.283), rng.uniform(0, 6.283)];
  const W = LABEL.water;
  const S = LABEL.skin;
  const F = LABEL.fat;
  const M = LABEL.muscle;
  const T = LABEL['soft-tissue'];
  for (let k = 0; k < nz; k++) {
    const z = z0 + k * h;
    for (let i = 0; i < nx; i++) {
      const x = x0 + i * h;
      const ys = skinSurfaceMm(x, z);
      const wf = 1 + 0.08 * Math.sin(x / 23 + ph[0]) * Math.cos(z / 31 + ph[1]);
      const wm = 1 + 0.08 * Math.sin(x / 17 + ph[2]) * Math.cos(z / 29 + ph[3]);
      const dSkin = p.skin;
      const dFat = dSkin + p.fat * wf;
      const dMuscle = dFat + p.muscle * wm;
      let idx = i + nx * ny * k;
      for (let j = 0; j < ny; j++, idx += nx) {
        const d = ys - (y0 + j * h);
        labels[idx] = d < 0 ? W : d < dSkin ? S : d < dFat ? F : d < dMuscle ? M : T;
      }
    }
  }
}

/** Voxel index range [lo, hi] covering [aMm, bMm] along one axis. */
function range(origin: number, h: number, n: number, aMm: number, bMm: number): [number, number] {
  const lo = Math.max(0, Math.floor((aMm - origin) / h));
  const hi = Math.min(n - 1, Math.ceil((bMm - origin) / h));
  return [lo, hi];
}

/**
 * Paints an oriented ellipsoid: voxels with |R(p − c)/semi|² ≤ (1 + lobes)², lobes = amp·sin(3θ + a)·cos(2φ + b)
 * (a lobulated surface for fibroids), where the current label is paintable.
 */
function paintEllipsoid(labels: Uint8Array, grid: Grid3D, e: Ellipsoid, label: number, over: Uint8Array): void {
  const [nx, ny, nz] = grid.shape;
  const h = grid.spacing[0] * 1000;
  const o = [grid.origin[0] * 1000, grid.origin[1] * 1000, grid.origin[2] * 1000];
  const reach = Math.max(e.semi[0], e.semi[1], e.semi[2]) * (1 + (e.lobes?.amp ?? 0)) + h;
  const [i0, i1] = range(o[0], h, nx, e.c[0] - reach, e.c[0] + reach);
  const [j0, j1] = range(o[1], h, ny, e.c[1] - reach, e.c[1] + reach);
  const [k0, k1] = range(o[2], h, nz, e.c[2] - reach, e.c[2] + reach);
  const R = e.R;
  const sx = 1 / e.semi[0];
  const sy = 1 / e.semi[1];
  const sz = 1 / e.semi[2];
  const amp = e.lobes?.amp ?? 0;
  for (let k = k0; k <= k1; k++) {
    const pz = o[2] + k * h - e.c[2];
    for (let j = j0; j <= j1; j++) {
      const py = o[1] + j * h - e.c[1];
      let idx = i0 + nx * (j + ny * k);
      for (let i = i0; i <= i1; i++, idx++) {
        if (!over[labels[idx]]) continue;
        const px = o[0] + i * h - e.c[0];
        const lx = (R[0] * px + R[1] * py + R[2] * pz) * sx;
        const ly = (R[3] * px + R[4] * py + R[5] * pz) * sy;
        const lz = (R[6] * px + R[7] * py + R[8] * pz) * sz;
        const q = lx * lx + ly * ly + lz * lz;
        let lim = 1;
        if (amp !== 0 && q > 0.7 && q < 1.3) {
          const theta = Math.acos(Math.max(-1, Math.min(1, lz / Math.sqrt(q))));
          const phi = Math.atan2(ly, lx);
          const s = 1 + amp * Math.sin(3 * theta + e.lobes!.a) * Math.cos(2 * phi + e.lobes!.b);
          lim = s * s;
        }
        if (q <= lim) labels[idx] = label;
      }
    }
  }
}

/**
 * Paints a bowel tube segment (capsule of radius r around segment a–b): wall where r − 3 mm < dist ≤ r,
 * lumen inside; the lumen holds gas on its posterior side (y below the centre line by more than
 * (1 − 2·gas)·r_lumen: gas rises to the non-dependent, posterior side of a prone patient), fluid/content
 * (labelled bowel) elsewhere.
 */
function paintTube(labels: Uint8Array, grid: Grid3D, t: { a: Vec3; b: Vec3; r: number; gas: number }, over: Uint8Array): void {
  const [nx, ny, nz] = grid.shape;
  const h = grid.spacing[0] * 1000;
  const o = [grid.origin[0] * 1000, grid.origin[1] * 1000, grid.origin[2] * 1000];
  const [i0, i1] = range(o[0], h, nx, Math.min(t.a[0], t.b[0]) - t.r, Math.max(t.a[0], t.b[0]) + t.r);
  const [j0, j1] = range(o[1], h, ny, Math.min(t.a[1], t.b[1]) - t.r, Math.max(t.a[1], t.b[1]) + t.r);
  const [k0, k1] = range(o[2], h, nz, Math.min(t.a[2], t.b[2]) - t.r, Math.max(t.a[2], t.b[2]) + t.r);
  const ab = [t.b[0] - t.a[0], t.b[1] - t.a[1], t.b[2] - t.a[2]];
  const ab2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2] || 1;
  const rIn = t.r - 3;
  const gasBelow = -(1 - 2 * t.gas) * rIn;
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      let idx = i0 + nx * (j + ny * k);
      for (let i = i0; i <= i1; i++, idx++) {
        if (!over[labels[idx]]) continue;
        const px = o[0] + i * h - t.a[0];
        const py = o[1] + j * h - t.a[1];
        const pz = o[2] + k * h - t.a[2];
        const s = Math.max(0, Math.min(1, (px * ab[0] + py * ab[1] + pz * ab[2]) / ab2));
        const dx = px - s * ab[0];
        const dy = py - s * ab[1];
        const dz = pz - s * ab[2];
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (d > t.r) continue;
        labels[idx] = d > rIn || dy > gasBelow ? LABEL.bowel : LABEL['bowel-gas'];
      }
    }
  }
}

/**
 * The sacrum: a bone plate of `thickness` behind the uterus, its anterior surface at depth
 * depth + curve·(1 − ζ²) (concave anteriorly; ζ the normalised cranio-caudal position), tapering from
 * `halfWidth` at the top to 60 % of it at the bottom.
 */
function paintSacrum(
  labels: Uint8Array,
  grid: Grid3D,
  s: { depth: number; thickness: number; halfWidth: number; zTop: number; zBottom: number; curve: number },
): void {
  const [nx, ny, nz] = grid.shape;
  const h = grid.spacing[0] * 1000;
  const o = [grid.origin[0] * 1000, grid.origin[1] * 1000, grid.origin[2] * 1000];
  const zMid = 0.5 * (s.zTop + s.zBottom);
  const zHalf = 0.5 * (s.zTop - s.zBottom);
  const [k0, k1] = range(o[2], h, nz, s.zBottom, s.zTop);
  const [i0, i1] = range(o[0], h, nx, -s.halfWidth, s.halfWidth);
  const B = LABEL.bone;
  for (let k = k0; k <= k1; k++) {
    const z = o[2] + k * h;
    const zeta = (z - zMid) / zHalf;
    if (zeta < -1 || zeta > 1) continue;
    const front = s.depth + s.curve * (1 - zeta * zeta);
    const halfWidth = s.halfWidth * (0.8 + 0.2 * zeta);
    for (let i = i0; i <= i1; i++) {
      const x = o[0] + i * h;
      if (Math.abs(x) > halfWidth) continue;
      const ys = skinSurfaceMm(0, z);
      const yFront = ys - front - (x * x) / 400; // the plate curves back laterally
      const yBack = yFront - s.thickness;
      const [j0, j1] = range(o[1], h, ny, yBack, yFront);
      for (let j = j0; j <= j1; j++) {
        const y = o[1] + j * h;
        if (y <= yFront && y >= yBack) labels[i + nx * (j + ny * k)] = B;
      }
    }
  }
}

/**
 * Synthetic T2-weighted-like image: per-label intensity (t2ByLabel) × (1 + texture·smooth noise) × a smooth
 * receive-coil bias (brighter near the anterior coil), blurred by a separable [1 2 1]/4 kernel twice per axis
 * (≈ Gaussian σ = 1 voxel: partial-volume boundaries), then Rician noise |s + σ(n1 + i n2)| with
 * σ = noise · 1000; rounded to int16 ≥ 0.
 */
function synthesizeT2(
  labels: Uint8Array,
  grid: Grid3D,
  t2ByLabel: Float32Array,
  texByLabel: Float32Array,
  noise: number,
  rng: SeededRandom,
): Int16Array {
  const [nx, ny, nz] = grid.shape;
  const n = nx * ny * nz;
  const h = grid.spacing[0] * 1000;
  // Coarse random lattice (8 mm) for smooth texture, trilinearly interpolated.
  const cell = 8 / h;
  const cx = Math.ceil(nx / cell) + 2;
  const cy = Math.ceil(ny / cell) + 2;
  const cz = Math.ceil(nz / cell) + 2;
  const lattice = new Float32Array(cx * cy * cz);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.uniform(-1, 1);
  const img = new Float32Array(n);
  const inv = 1 / cell;
  for (let k = 0; k < nz; k++) {
    const fz = k * inv;
    const kz = Math.floor(fz);
    const tz = fz - kz;
    for (let j = 0; j < ny; j++) {
      const fy = j * inv;
      const ky = Math.floor(fy);
      const ty = fy - ky;
      // anterior coil: +15 % at the front of the field, −15 % at the back
      const bias = 0.85 + (0.3 * j) / (ny - 1);
      const b00 = cx * (ky + cy * kz);
      const b10 = cx * (ky + 1 + cy * kz);
      const b01 = cx * (ky + cy * (kz + 1));
      const b11 = cx * (ky + 1 + cy * (kz + 1));
      let idx = nx * (j + ny * k);
      for (let i = 0; i < nx; i++, idx++) {
        const l = labels[idx];
        const fx = i * inv;
        const kx = Math.floor(fx);
        const tx = fx - kx;
        const c00 = lattice[b00 + kx] * (1 - tx) + lattice[b00 + kx + 1] * tx;
        const c10 = lattice[b10 + kx] * (1 - tx) + lattice[b10 + kx + 1] * tx;
        const c01 = lattice[b01 + kx] * (1 - tx) + lattice[b01 + kx + 1] * tx;
        const c11 = lattice[b11 + kx] * (1 - tx) + lattice[b11 + kx + 1] * tx;
        const tex = (c00 * (1 - ty) + c10 * ty) * (1 - tz) + (c01 * (1 - ty) + c11 * ty) * tz;
        img[idx] = t2ByLabel[l] * (1 + texByLabel[l] * tex) * bias;
      }
    }
  }
  const tmp = new Float32Array(Math.max(nx, ny, nz));
  for (let pass = 0; pass < 2; pass++) {
    blurAxis(img, nx, ny, nz, 0, tmp);
    blurAxis(img, nx, ny, nz, 1, tmp);
    blurAxis(img, nx, ny, nz, 2, tmp);
  }
  const sigma = noise * 1000;
  const out = new Int16Array(n);
  const CHUNK = 1 << 16;
  const g = new Float32Array(2 * CHUNK);
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    rng.fillNormal(g);
    for (let i = start, q = 0; i < end; i++, q += 2) {
      const a = img[i] + sigma * g[q];
      const b = sigma * g[q + 1];
      const v = Math.round(Math.sqrt(a * a + b * b));
      out[i] = v > 32767 ? 32767 : v;
    }
  }
  return out;
}

/**
 * In-place [1 2 1]/4 smoothing along one axis, edges clamped: f'[q] = (f[q−1] + 2 f[q] + f[q+1]) / 4.
 * The axis is walked in contiguous chunks (a row for y, a plane for z) so memory is read in order; the
 * previous chunk's old values are kept in a buffer so the update reads only old values.
 */
function blurAxis(f: Float32Array, nx: number, ny: number, nz: number, axis: 0 | 1 | 2, tmp: Float32Array): void {
  if (axis === 0) {
    const last = nx - 1;
    for (let start = 0; start < f.length; start += nx) {
      for (let q = 0; q < nx; q++) tmp[q] = f[start + q];
      for (let q = 0; q < nx; q++) f[start + q] = 0.25 * (tmp[q > 0 ? q - 1 : 0] + tmp[q < last ? q + 1 : last]) + 0.5 * tmp[q];
    }
    return;
  }
  const len = axis === 1 ? ny : nz;
  const chunk = axis === 1 ? nx : nx * ny;
  const outer = axis === 1 ? nz : 1;
  let prev = new Float32Array(chunk);
  let save = new Float32Array(chunk);
  for (let o = 0; o < outer; o++) {
    const base = o * len * chunk;
    prev.set(f.subarray(base, base + chunk));
    for (let q = 0; q < len; q++) {
      const off = base + q * chunk;
      const next = q < len - 1 ? off + chunk : off;
      for (let c = 0; c < chunk; c++) {
        const cur = f[off + c];
        save[c] = cur;
        f[off + c] = 0.25 * (prev[c] + f[next + c]) + 0.5 * cur;
      }
      const t = prev;
      prev = save;
      save = t;
    }
  }
}
