import { FormatError, FuasError, InputError } from '../errors.js';
import { sameGrid } from '../grid/grid3d.js';
import { rejectUnknownKeys } from '../input/unknown-keys.js';
import { checkTissueProperties } from '../limits/limits.js';
import { sha256Hex } from '../provenance/provenance.js';
import { VERSION } from '../version.js';
import type { Tissue } from '../tissue/tissue-table.js';
import { type Case, type CaseImage, validateCase, validateCouch, validateSkinEntry, validateWallAberration } from './case.js';
import { toLabelArray } from './label-volume.js';
import { type Volume, decodeNifti, encodeNifti } from './nifti.js';
import { type Structure, makeStructure } from './structures.js';

/**
 * A case on disk (or in a browser's memory) is a folder of files:
 *   case.json      the manifest (format "openfuas-case", version 1; lengths in metres, RAS frame)
 *   image.nii.gz   the primary image; further images image-<name>.nii.gz
 *   labels.nii.gz  the uint8 label map (intent "label")
 * Core stays isomorphic: these functions turn a case into a name → bytes map and back; the CLI reads and
 * writes the folder.
 */
export const CASE_FORMAT = 'openfuas-case';
export const CASE_FORMAT_VERSION = 1;
export const CASE_MANIFEST = 'case.json';

/** The case.json manifest (version 1). */
export interface CaseManifest {
  format: typeof CASE_FORMAT;
  version: number;
  name: string;
  /** informational: shape and spacing (m) of the case grid; the NIfTI files are authoritative */
  grid: { shape: number[]; spacing: number[] };
  images: Array<{ name: string; modality: string; file: string }>;
  labels: { file: string };
  structures: Structure[];
  /** per-structure tissue overrides, fields and units as in tissue-table.ts (perfusion in 1/s) */
  tissueOverrides: Record<string, Partial<Tissue>>;
  target: string;
  skinEntry: Case['skinEntry'];
  couch: Case['couch'];
  source: Record<string, unknown>;
  notes: string[];
  /** abdominal-wall aberration of the beams (absent: the planning default) */
  wallAberration?: Case['wallAberration'];
  /** SHA-256 and length of every other file of the folder, checked on read (absent in older folders) */
  files?: Record<string, { sha256: string; bytes: number }>;
  /** the software that wrote the folder, e.g. "OpenFUAS 0.1.0" */
  generator?: string;
}

const MANIFEST_KEYS = [
  'format',
  'version',
  'name',
  'grid',
  'images',
  'labels',
  'structures',
  'tissueOverrides',
  'target',
  'skinEntry',
  'couch',
  'source',
  'notes',
  'wallAberration',
  'files',
  'generator',
] as const;
const TISSUE_KEYS = [
  'name',
  'density',
  'soundSpeed',
  'attenuationDbPerCmMHz',
  'powerLawExponent',
  'absorptionDbPerCmMHz',
  'nonlinearity',
  'conductivity',
  'specificHeat',
  'perfusion',
  'reflector',
];

function imageFileName(img: CaseImage, index: number): string {
  if (index === 0) return 'image.nii.gz';
  const safe = img.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `image-${safe || index}.nii.gz`;
}

/** The manifest of a case (no voxel data). */
export function caseManifest(c: Case): CaseManifest {
  return {
    format: CASE_FORMAT,
    version: CASE_FORMAT_VERSION,
    name: c.name,
    grid: { shape: [...c.grid.shape], spacing: [...c.grid.spacing] },
    images: c.images.map((img, i) => ({ name: img.name, modality: img.modality, file: imageFileName(img, i) })),
    labels: { file: 'labels.nii.gz' },
    structures: c.structures.map((s) => ({ name: s.name, label: s.label, tissue: s.tissue })),
    tissueOverrides: c.tissueOverrides,
    target: c.target,
    skinEntry: c.skinEntry,
    couch: c.couch,
    source: c.source,
    notes: c.notes,
    ...(c.wallAberration ? { wallAberration: c.wallAberration } : {}),
  };
}

/** Encodes a case as files: case.json, image(s) and labels (gzipped NIfTI-1). */
export function encodeCaseFiles(c: Case): Record<string, Uint8Array> {
  validateCase(c);
  const manifest = caseManifest(c);
  const files: Record<string, Uint8Array> = {};
  files[CASE_MANIFEST] = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  c.images.forEach((img, i) => {
    files[manifest.images[i].file] = encodeNifti(img.volume, { gzip: true, description: `${c.name} ${img.name}`.slice(0, 79) });
  });
  files[manifest.labels.file] = encodeNifti(
    { grid: c.grid, data: c.labels },
    { gzip: true, description: `${c.name} labels`.slice(0, 79), intent: 'label' },
  );
  // content hashes: a folder mixing files of two writes (or a changed byte) is refused on read
  manifest.files = {};
  for (const [name, bytes] of Object.entries(files)) {
    if (name !== CASE_MANIFEST) manifest.files[name] = { sha256: sha256Hex(bytes), bytes: bytes.length };
  }
  manifest.generator = `OpenFUAS ${VERSION}`;
  files[CASE_MANIFEST] = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

/** Parses and checks a case.json manifest; problems are FormatErrors naming the file and the field. */
export function parseCaseManifest(json: unknown, fileName = CASE_MANIFEST): CaseManifest {
  try {
    return parseManifestUnchecked(json);
  } catch (e) {
    if (e instanceof InputError) throw new FormatError(fileName, e.message);
    throw e;
  }
}

function parseManifestUnchecked(json: unknown): CaseManifest {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new InputError('', 'must be a JSON object');
  const m = json as Record<string, unknown>;
  rejectUnknownKeys(m, MANIFEST_KEYS, '');
  if (m.format !== CASE_FORMAT) throw new InputError('format', `must be "${CASE_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== CASE_FORMAT_VERSION) {
    throw new InputError(
      'version',
      `version ${JSON.stringify(m.version)} is not supported (this reader knows version ${CASE_FORMAT_VERSION})`,
    );
  }
  const str = (field: string, v: unknown) => {
    if (typeof v !== 'string' || v === '') throw new InputError(field, 'must be a non-empty string');
    return v;
  };
  const fileName = (field: string, v: unknown) => {
    const s = str(field, v);
    if (!/^[A-Za-z0-9._-]+$/.test(s) || s.startsWith('.'))
      throw new InputError(field, `must be a plain file name in the case folder, got ${JSON.stringify(s)}`);
    return s;
  };
  if (!Array.isArray(m.images)) throw new InputError('images', 'must be an array');
  const images = m.images.map((img, i) => {
    const o = (img ?? {}) as Record<string, unknown>;
    rejectUnknownKeys(o, ['name', 'modality', 'file'], `images[${i}]`);
    return {
      name: str(`images[${i}].name`, o.name),
      modality: typeof o.modality === 'string' ? o.modality : '',
      file: fileName(`images[${i}].file`, o.file),
    };
  });
  const labels = (m.labels ?? {}) as Record<string, unknown>;
  if (!Array.isArray(m.structures)) throw new InputError('structures', 'must be an array');
  const structures = m.structures.map((s, i) => {
    const o = (s ?? {}) as Record<string, unknown>;
    rejectUnknownKeys(o, ['name', 'label', 'tissue'], `structures[${i}]`);
    const st = makeStructure(str(`structures[${i}].name`, o.name), o.label as number, `structures[${i}]`);
    if (o.tissue !== undefined && o.tissue !== st.tissue) return { ...st, tissue: str(`structures[${i}].tissue`, o.tissue) };
    return st;
  });
  const overrides = (m.tissueOverrides ?? {}) as Record<string, Partial<Tissue>>;
  if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new InputError('tissueOverrides', 'must be an object');
  for (const [structure, props] of Object.entries(overrides)) {
    if (!props || typeof props !== 'object' || Array.isArray(props))
      throw new InputError(`tissueOverrides.${structure}`, 'must be an object');
    rejectUnknownKeys(props, TISSUE_KEYS, `tissueOverrides.${structure}`);
    checkTissueProperties(props as Record<string, unknown>, `tissueOverrides.${structure}`);
  }
  rejectUnknownKeys(labels, ['file'], 'labels');
  rejectUnknownKeys(m.grid, ['shape', 'spacing'], 'grid');
  const files = parseFileHashes(m.files);
  const grid = (m.grid ?? { shape: [], spacing: [] }) as CaseManifest['grid'];
  return {
    format: CASE_FORMAT,
    version: CASE_FORMAT_VERSION,
    name: str('name', m.name),
    grid,
    images,
    labels: { file: fileName('labels.file', labels.file) },
    structures,
    tissueOverrides: overrides,
    target: str('target', m.target),
    skinEntry: validateSkinEntry(m.skinEntry as Case['skinEntry'], 'skinEntry'),
    couch: validateCouch(m.couch as Case['couch'], 'couch'),
    source: (m.source && typeof m.source === 'object' ? m.source : {}) as Record<string, unknown>,
    notes: Array.isArray(m.notes) ? m.notes.map(String) : [],
    ...(m.wallAberration !== undefined ? { wallAberration: validateWallAberration(m.wallAberration, 'wallAberration') } : {}),
    ...(files ? { files } : {}),
    ...(typeof m.generator === 'string' ? { generator: m.generator } : {}),
  };
}

function parseFileHashes(v: unknown): CaseManifest['files'] {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError('files', 'must be an object of file name → { sha256, bytes }');
  const out: NonNullable<CaseManifest['files']> = {};
  for (const [name, entry] of Object.entries(v)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    rejectUnknownKeys(e, ['sha256', 'bytes'], `files.${name}`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256))
      throw new InputError(`files.${name}.sha256`, 'must be 64 hex digits');
    if (!Number.isSafeInteger(e.bytes) || (e.bytes as number) < 0) throw new InputError(`files.${name}.bytes`, 'must be a byte count');
    out[name] = { sha256: e.sha256, bytes: e.bytes as number };
  }
  return out;
}

/** Checks each file against the hash case.json holds for it (folders written before hashes have none). */
function checkFileHashes(m: CaseManifest, files: Record<string, Uint8Array>, path: (name: string) => string): void {
  if (!m.files) return;
  const named = [...m.images.map((i) => i.file), m.labels.file];
  for (const name of named) {
    if (!m.files[name]) throw new FormatError(path(CASE_MANIFEST), `has no content hash for ${name} (files.${name})`);
  }
  for (const [name, expect] of Object.entries(m.files)) {
    const b = files[name];
    if (!b) throw new FormatError(path(name), `missing (named in ${CASE_MANIFEST})`);
    if (b.length !== expect.bytes || sha256Hex(b) !== expect.sha256) {
      throw new FormatError(
        path(name),
        `content differs from the hash in ${CASE_MANIFEST} (the folder mixes files of different writes, or a file was changed)`,
      );
    }
  }
}

/**
 * Decodes a case from its files (name → bytes; names as in the manifest). Every problem is a typed error
 * naming the file: a missing file, a corrupt NIfTI, an image on another grid than the labels, labels that
 * are not integers 0–255, label values no structure names, a missing target.
 */
export function decodeCaseFiles(files: Record<string, Uint8Array>, folder = ''): Case {
  const path = (name: string) => (folder ? `${folder}/${name}` : name);
  const manifestBytes = files[CASE_MANIFEST];
  if (!manifestBytes) throw new FormatError(path(CASE_MANIFEST), 'missing (not an OpenFUAS case folder)');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (e) {
    throw new FormatError(path(CASE_MANIFEST), `not valid JSON (${(e as Error).message})`);
  }
  const m = parseCaseManifest(json, path(CASE_MANIFEST));
  checkFileHashes(m, files, path);
  const need = (name: string) => {
    const b = files[name];
    if (!b) throw new FormatError(path(name), `missing (named in ${CASE_MANIFEST})`);
    return b;
  };
  const labelVol = decodeNifti(need(m.labels.file), path(m.labels.file));
  const labels = toLabelArray(labelVol.raw, path(m.labels.file));
  const grid = labelVol.grid;
  const images: CaseImage[] = m.images.map((img) => {
    const v = decodeNifti(need(img.file), path(img.file));
    if (!sameGrid(v.grid, grid)) {
      throw new FormatError(
        path(img.file),
        `image grid ${v.grid.shape.join('×')} does not match the label grid ${grid.shape.join('×')} of ${m.labels.file} (shape, spacing and affine must agree)`,
      );
    }
    const isScaled = v.header.sclSlope !== 0 && Number.isFinite(v.header.sclSlope) && !(v.header.sclSlope === 1 && v.header.sclInter === 0);
    const volume: Volume = { grid, data: isScaled ? v.data : v.raw.data };
    return { name: img.name, modality: img.modality, volume };
  });
  const c: Case = {
    name: m.name,
    grid,
    images,
    labels,
    structures: m.structures,
    tissueOverrides: m.tissueOverrides,
    target: m.target,
    skinEntry: m.skinEntry,
    couch: m.couch,
    source: m.source,
    notes: m.notes,
    ...(m.wallAberration ? { wallAberration: m.wallAberration } : {}),
  };
  try {
    return validateCase(c);
  } catch (e) {
    if (e instanceof InputError) throw new FormatError(path(CASE_MANIFEST), e.message);
    if (e instanceof FuasError) throw e;
    throw e;
  }
}
