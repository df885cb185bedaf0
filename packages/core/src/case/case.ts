import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, sameGrid, voxelCount } from '../grid/grid3d.js';
import type { Tissue } from '../tissue/tissue-table.js';
import type { Volume } from './nifti.js';
import { type Structure, structureByName, validateStructures } from './structures.js';

/**
 * A patient case: what planning needs to know about one patient, in patient RAS coordinates.
 *
 * Frame: every grid's affine maps voxel indices to RAS+ millimetres (as NIfTI); positions and lengths
 * stored in the case itself are SI metres in the same RAS frame. The patient lies prone on a water bath
 * (a degassed-water balloon/membrane); the transducer is below, in the water, so beams go in through the
 * anterior abdominal wall and travel from anterior to posterior: along −A, direction (0, −1, 0) in RAS.
 */
export interface Case {
  /** a short name, e.g. "phantom-anterior-55mm-t2-2" */
  name: string;
  /** the grid of the label map (and of every image) */
  grid: Grid3D;
  /** images on `grid`, the first is the primary one shown by viewers (e.g. T2-weighted MR) */
  images: CaseImage[];
  /** label map on `grid`: one uint8 label per voxel, x fastest */
  labels: Uint8Array;
  /** names and tissues of the label values (every label value present in `labels` must be listed) */
  structures: Structure[];
  /** per-structure tissue property overrides (e.g. fibroid attenuation and perfusion), keyed by structure name */
  tissueOverrides: Record<string, Partial<Tissue>>;
  /** structure name of the treatment target (default "fibroid") */
  target: string;
  /** where on the skin beams may enter */
  skinEntry: SkinEntry;
  /** couch, water bath and beam geometry */
  couch: CouchGeometry;
  /** provenance: phantom parameters, or the imported files */
  source: Record<string, unknown>;
  /** remarks made while building or importing the case (e.g. "12 NaN voxels set to 0") */
  notes: string[];
  /**
   * abdominal-wall aberration of the beams (planning/wall-aberration-from-case.ts): `strength` multiplies the measured
   * wall statistics and the label map's resolved delays (0: flat layers), `seed` fixes the wall's random structure;
   * absent: the planning default (DEFAULT_CASE_WALL_ABERRATION)
   */
  wallAberration?: { strength?: number; seed?: number };
}

/** An image of a case. */
export interface CaseImage {
  /** e.g. "T2" */
  name: string;
  /** free text, e.g. "MR T2-weighted (synthetic)" */
  modality: string;
  volume: Volume;
}

/** The acoustic window on the skin: a disc around `center` perpendicular to `normal`. */
export interface SkinEntry {
  /** centre of the window on the skin surface, RAS metres */
  center: Vec3;
  /** unit outward skin normal at the centre (into the water, against the beam): (0, 1, 0) for a prone patient */
  normal: Vec3;
  /** radius of the window, metres */
  radius: number;
}

/** Couch and water-bath geometry. */
export interface CouchGeometry {
  patientPosition: 'prone';
  /** unit vector of beam propagation in RAS: (0, −1, 0), from anterior (transducer) to posterior */
  beamDirection: Vec3;
  /** centre of the membrane where the water bath touches the skin, RAS metres */
  membraneCenter: Vec3;
  /** radius of the couch's acoustic window, metres */
  windowRadius: number;
  /** depth of water below the membrane where the transducer moves, metres */
  waterDepth: number;
}

/** Beam direction of a prone patient treated from below: anterior → posterior, −A in RAS. */
export const PRONE_BEAM_DIRECTION: Vec3 = [0, -1, 0];

/** The beam axis direction of a case (unit vector, RAS). */
export function beamDirection(c: Pick<Case, 'couch'>): Vec3 {
  return c.couch.beamDirection;
}

/** Structure name → label value (the shape the planner's PlanningCase takes). */
export function structureLabels(c: Pick<Case, 'structures'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of c.structures) out[s.name] = s.label;
  return out;
}

/** Label value → structure name. */
export function labelStructureNames(c: Pick<Case, 'structures'>): Record<number, string> {
  const out: Record<number, string> = {};
  for (const s of c.structures) out[s.label] = s.name;
  return out;
}

function unitVector(field: string, v: unknown): Vec3 {
  if (!Array.isArray(v) || v.length !== 3) throw new InputError(field, 'must be 3 numbers');
  const x = requireFinite(`${field}[0]`, v[0]);
  const y = requireFinite(`${field}[1]`, v[1]);
  const z = requireFinite(`${field}[2]`, v[2]);
  const n = Math.hypot(x, y, z);
  if (Math.abs(n - 1) > 1e-6) throw new InputError(field, `must be a unit vector, has length ${n}`);
  return [x, y, z];
}

function point(field: string, v: unknown): Vec3 {
  if (!Array.isArray(v) || v.length !== 3) throw new InputError(field, 'must be 3 numbers (metres)');
  return [requireFinite(`${field}[0]`, v[0]), requireFinite(`${field}[1]`, v[1]), requireFinite(`${field}[2]`, v[2])];
}

/** Checks skin-entry geometry (finite, unit normal, positive radius). */
export function validateSkinEntry(s: SkinEntry, field = 'skinEntry'): SkinEntry {
  if (!s || typeof s !== 'object') throw new InputError(field, 'missing');
  return {
    center: point(`${field}.center`, s.center),
    normal: unitVector(`${field}.normal`, s.normal),
    radius: requireFinite(`${field}.radius`, s.radius, 'positive'),
  };
}

/** Checks couch geometry. */
export function validateCouch(c: CouchGeometry, field = 'couch'): CouchGeometry {
  if (!c || typeof c !== 'object') throw new InputError(field, 'missing');
  if (c.patientPosition !== 'prone')
    throw new InputError(`${field}.patientPosition`, `only "prone" is supported, got ${JSON.stringify(c.patientPosition)}`);
  return {
    patientPosition: 'prone',
    beamDirection: unitVector(`${field}.beamDirection`, c.beamDirection),
    membraneCenter: point(`${field}.membraneCenter`, c.membraneCenter),
    windowRadius: requireFinite(`${field}.windowRadius`, c.windowRadius, 'positive'),
    waterDepth: requireFinite(`${field}.waterDepth`, c.waterDepth, 'positive'),
  };
}

/**
 * Checks a whole case: arrays match the grid, images share the grid, every label value present is a
 * named structure, the target exists and has voxels, overrides name structures. Throws InputError naming
 * the field. Returns the case.
 */
export function validateCase(c: Case): Case {
  const n = voxelCount(c.grid);
  if (!(c.labels instanceof Uint8Array)) throw new InputError('case.labels', 'must be a Uint8Array');
  if (c.labels.length !== n)
    throw new InputError('case.labels', `has ${c.labels.length} voxels, the grid ${c.grid.shape.join('×')} has ${n}`);
  c.images.forEach((img, i) => {
    if (img.volume.data.length !== n || !sameGrid(img.volume.grid, c.grid)) {
      throw new InputError(
        `case.images[${i}]`,
        `image "${img.name}" is not on the case grid (${img.volume.grid.shape.join('×')} vs ${c.grid.shape.join('×')})`,
      );
    }
  });
  validateStructures(c.structures, 'case.structures');
  const present = labelsPresent(c.labels);
  const known = new Set(c.structures.map((s) => s.label));
  const unknown = [...present].filter((l) => !known.has(l));
  if (unknown.length) throw new InputError('case.labels', `label values ${unknown.join(', ')} are not named by any structure`);
  const target = structureByName(c.structures, c.target);
  if (!target)
    throw new InputError(
      'case.target',
      `target structure "${c.target}" is not in the case (has: ${c.structures.map((s) => s.name).join(', ')})`,
    );
  if (!present.has(target.label))
    throw new InputError('case.target', `target structure "${c.target}" (label ${target.label}) has no voxels`);
  for (const name of Object.keys(c.tissueOverrides)) {
    if (!structureByName(c.structures, name)) throw new InputError(`case.tissueOverrides.${name}`, `no structure "${name}" in the case`);
  }
  validateSkinEntry(c.skinEntry, 'case.skinEntry');
  validateCouch(c.couch, 'case.couch');
  if (c.wallAberration !== undefined) validateWallAberration(c.wallAberration);
  return c;
}

/** Checks a case's wallAberration (strength finite ≥ 0, seed an integer, no other keys); InputError names the field. */
export function validateWallAberration(w: unknown, field = 'case.wallAberration'): NonNullable<Case['wallAberration']> {
  if (!w || typeof w !== 'object' || Array.isArray(w)) throw new InputError(field, 'must be an object { strength?, seed? }');
  const o = w as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'strength' && k !== 'seed') throw new InputError(`${field}.${k}`, 'unknown key (strength, seed)');
  if (o.seed !== undefined && !Number.isInteger(o.seed))
    throw new InputError(`${field}.seed`, `must be an integer, got ${JSON.stringify(o.seed)}`);
  return {
    ...(o.strength !== undefined ? { strength: requireFinite(`${field}.strength`, o.strength, 'non-negative') } : {}),
    ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
  };
}

/** The set of label values that occur in a label map. */
export function labelsPresent(labels: Uint8Array): Set<number> {
  const seen = new Uint8Array(256);
  for (let i = 0; i < labels.length; i++) seen[labels[i]] = 1;
  const out = new Set<number>();
  for (let l = 0; l < 256; l++) if (seen[l]) out.add(l);
  return out;
}
