import { Gunzip, gzipSync } from 'fflate';
import { FormatError, FuasError, InputError, LimitError } from '../errors.js';
import { crc32 } from '../checksum/crc32.js';
import { type Grid3D, createGrid, voxelCount } from '../grid/grid3d.js';
import { LIMITS } from '../limits/limits.js';

/**
 * NIfTI-1 single-file images (.nii, .nii.gz), bytes in and bytes out (isomorphic).
 *
 * Format: NIfTI-1 Data Format, nifti1.h (NIfTI DFWG, 2004), https://nifti.nimh.nih.gov/nifti-1/ .
 * The header is a fixed 348-byte record followed by a 4-byte extension flag; data start at vox_offset.
 * The voxel → patient mapping is chosen as nifti1.h prescribes:
 *   method 3 (sform) when sform_code > 0, else method 2 (qform quaternion) when qform_code > 0, else
 *   method 1 (x = pixdim[1]·i, y = pixdim[2]·j, z = pixdim[3]·k, the "old ANALYZE way").
 * NIfTI's patient frame is RAS+ (+x toward the subject's Right, +y Anterior, +z Superior), the same as ours,
 * so no axis flip is needed at the boundary; only units (xyzt_units: m, mm, µm) are converted to mm.
 */

export type VoxelArray = Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/** An image on a grid: data[i], i = x + nx·(y + ny·z), in the grid's voxel order. */
export interface Volume<T extends VoxelArray = VoxelArray> {
  grid: Grid3D;
  data: T;
}

/** The header fields of a decoded NIfTI-1 file that callers may need (units as stored). */
export interface NiftiHeader {
  littleEndian: boolean;
  /** dim[0..7] */
  dim: number[];
  /** pixdim[0..7]; pixdim[0] is qfac (±1) */
  pixdim: number[];
  datatype: number;
  /** one of 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64' */
  datatypeName: NiftiDatatypeName;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  xyztUnits: number;
  intentCode: number;
  intentName: string;
  description: string;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z, 12 numbers row-major */
  srow: number[];
  /** which transform gave the grid's affine */
  affineSource: 'sform' | 'qform' | 'pixdim';
}

export type NiftiDatatypeName = 'uint8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64';

/** nifti1.h datatype codes of the supported types. */
const DATATYPES: Record<number, { name: NiftiDatatypeName; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  512: { name: 'uint16', bytes: 2 },
};

/** Names of datatypes nifti1.h defines that this reader does not decode (for clear messages). */
const OTHER_DATATYPES: Record<number, string> = {
  1: 'binary',
  32: 'complex64',
  128: 'rgb24',
  256: 'int8',
  768: 'uint32',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

/** nifti1.h NIFTI_INTENT_LABEL: values are labels of an atlas/segmentation. */
export const NIFTI_INTENT_LABEL = 1002;

const HEADER_SIZE = 348;
/** Header plus the 4-byte extension flag: where data start in a file we write. */
const DATA_OFFSET = 352;
/** Largest data part we decode (bytes): beyond this a browser tab would fail anyway. */
export const MAX_NIFTI_DATA_BYTES = 2 ** 31 - 1;

/** Voxels an image read from a file may hold (LIMITS.imageVoxels): checked on the header, before inflating. */
export const MAX_IMAGE_VOXELS = LIMITS.imageVoxels;

function datatypeOf(data: VoxelArray): { code: number; bytes: number } {
  if (data instanceof Uint8Array) return { code: 2, bytes: 1 };
  if (data instanceof Int16Array) return { code: 4, bytes: 2 };
  if (data instanceof Uint16Array) return { code: 512, bytes: 2 };
  if (data instanceof Int32Array) return { code: 8, bytes: 4 };
  if (data instanceof Float32Array) return { code: 16, bytes: 4 };
  if (data instanceof Float64Array) return { code: 64, bytes: 8 };
  throw new InputError('volume.data', 'must be a Uint8Array, Int16Array, Uint16Array, Int32Array, Float32Array or Float64Array');
}

// ---------------------------------------------------------------------------------------------------------
// Affine ↔ quaternion (nifti1_io.c: nifti_quatern_to_mat44 and nifti_mat44_to_quatern, R. W. Cox)
// ---------------------------------------------------------------------------------------------------------

/**
 * qform → 4×4 row-major affine (mm): R(b, c, d) · diag(dx, dy, qfac·dz) + qoffset, a = √(1 − b² − c² − d²)
 * (nifti1.h, method 2). A quaternion with b²+c²+d² > 1 is renormalised with a = 0, as nifti1_io.c does.
 */
export function quaternToAffine(
  b: number,
  c: number,
  d: number,
  qx: number,
  qy: number,
  qz: number,
  dx: number,
  dy: number,
  dz: number,
  qfac: number,
): number[] {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const zs = qfac < 0 ? -dz : dz;
  return [
    (a * a + b * b - c * c - d * d) * dx,
    2 * (b * c - a * d) * dy,
    2 * (b * d + a * c) * zs,
    qx,
    2 * (b * c + a * d) * dx,
    (a * a + c * c - b * b - d * d) * dy,
    2 * (c * d - a * b) * zs,
    qy,
    2 * (b * d - a * c) * dx,
    2 * (c * d + a * b) * dy,
    (a * a + d * d - c * c - b * b) * zs,
    qz,
    0,
    0,
    0,
    1,
  ];
}

/**
 * Nearest qform of an affine: column lengths are the voxel sizes; the direction matrix is made orthogonal
 * (polar decomposition by iteration, as nifti_mat44_to_quatern does), a negative determinant becomes
 * qfac = −1 with the third column negated, and the rotation becomes a unit quaternion (b, c, d) with a ≥ 0.
 */
export function affineToQuatern(m: readonly number[]): {
  quatern: [number, number, number];
  qoffset: [number, number, number];
  pixdim: [number, number, number];
  qfac: number;
} {
  const col = (j: number) => [m[j], m[4 + j], m[8 + j]];
  const cols = [col(0), col(1), col(2)];
  const pixdim = cols.map((v) => Math.hypot(v[0], v[1], v[2])) as [number, number, number];
  // Unit columns (a zero column is replaced by a unit axis so the rotation stays defined).
  const r = cols.map((v, j) => {
    const n = pixdim[j];
    if (n > 0) return [v[0] / n, v[1] / n, v[2] / n];
    const u = [0, 0, 0];
    u[j] = 1;
    return u;
  });
  // R as rows: R[i][j] = r[j][i]
  let R = [
    [r[0][0], r[1][0], r[2][0]],
    [r[0][1], r[1][1], r[2][1]],
    [r[0][2], r[1][2], r[2][2]],
  ];
  R = polarOrthogonal(R);
  let det = det3(R);
  let qfac = 1;
  if (det < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) R[i][2] = -R[i][2];
    det = -det;
  }
  // Rotation matrix → quaternion (nifti_mat44_to_quatern)
  const r11 = R[0][0],
    r12 = R[0][1],
    r13 = R[0][2],
    r21 = R[1][0],
    r22 = R[1][1],
    r23 = R[1][2],
    r31 = R[2][0],
    r32 = R[2][1],
    r33 = R[2][2];
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quatern: [b, c, d], qoffset: [m[3], m[7], m[11]], pixdim, qfac };
}

function det3(R: number[][]): number {
  return (
    R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) -
    R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) +
    R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0])
  );
}

/** Nearest orthogonal matrix by the iteration X ← (X + X^-T)/2 (converges quadratically for full-rank X). */
function polarOrthogonal(X: number[][]): number[][] {
  let M = X.map((row) => row.slice());
  for (let it = 0; it < 50; it++) {
    const det = det3(M);
    if (!(Math.abs(det) > 1e-12)) return identity3();
    // inverse transpose = cofactor / det
    const C = [
      [M[1][1] * M[2][2] - M[1][2] * M[2][1], -(M[1][0] * M[2][2] - M[1][2] * M[2][0]), M[1][0] * M[2][1] - M[1][1] * M[2][0]],
      [-(M[0][1] * M[2][2] - M[0][2] * M[2][1]), M[0][0] * M[2][2] - M[0][2] * M[2][0], -(M[0][0] * M[2][1] - M[0][1] * M[2][0])],
      [M[0][1] * M[1][2] - M[0][2] * M[1][1], -(M[0][0] * M[1][2] - M[0][2] * M[1][0]), M[0][0] * M[1][1] - M[0][1] * M[1][0]],
    ];
    let change = 0;
    const N = M.map((row, i) =>
      row.map((v, j) => {
        const nv = 0.5 * (v + C[i][j] / det);
        change += Math.abs(nv - v);
        return nv;
      }),
    );
    M = N;
    if (change < 1e-14) break;
  }
  return M;
}

function identity3(): number[][] {
  return [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

/**
 * Encodes a volume as a NIfTI-1 single file (magic "n+1"), little-endian, data at offset 352, units mm.
 * Both sform (the exact affine, sform_code 1 = scanner anatomical) and qform (its nearest rigid + voxel-size
 * decomposition, qform_code 1) are written, so tools that prefer either agree for non-sheared grids.
 * scl_slope 1, scl_inter 0 (data are stored as given); cal_min/cal_max are the data range.
 * `intent: 'label'` marks a label map (intent_code NIFTI_INTENT_LABEL); any other intent string is stored
 * in intent_name only (15 characters at most). `gzip` compresses the whole file (.nii.gz).
 */
export function encodeNifti(volume: Volume, options: { gzip?: boolean; description?: string; intent?: string } = {}): Uint8Array {
  const { grid, data } = volume;
  const n = voxelCount(grid);
  if (data.length !== n) {
    throw new InputError('volume.data', `has ${data.length} values but the grid ${grid.shape.join('×')} has ${n} voxels`);
  }
  for (let a = 0; a < 3; a++) {
    if (grid.shape[a] > 32767) throw new LimitError(`NIfTI-1 dimensions are at most 32767, got ${grid.shape[a]} along axis ${a}`);
  }
  const { code, bytes } = datatypeOf(data);
  const out = new Uint8Array(DATA_OFFSET + n * bytes);
  const v = new DataView(out.buffer);
  const le = true;
  v.setInt32(0, HEADER_SIZE, le);
  out[38] = 'r'.charCodeAt(0);
  // dim
  v.setInt16(40, 3, le);
  v.setInt16(42, grid.shape[0], le);
  v.setInt16(44, grid.shape[1], le);
  v.setInt16(46, grid.shape[2], le);
  for (let i = 4; i < 8; i++) v.setInt16(40 + 2 * i, 1, le);
  const intent = options.intent ?? '';
  v.setInt16(68, intent === 'label' ? NIFTI_INTENT_LABEL : 0, le);
  v.setInt16(70, code, le);
  v.setInt16(72, bytes * 8, le);
  const m = grid.affine;
  const q = affineToQuatern(m);
  v.setFloat32(76, q.qfac, le);
  v.setFloat32(80, q.pixdim[0], le);
  v.setFloat32(84, q.pixdim[1], le);
  v.setFloat32(88, q.pixdim[2], le);
  for (let i = 4; i < 8; i++) v.setFloat32(76 + 4 * i, 0, le);
  v.setFloat32(108, DATA_OFFSET, le);
  v.setFloat32(112, 1, le);
  v.setFloat32(116, 0, le);
  out[123] = 2 | 8; // NIFTI_UNITS_MM | NIFTI_UNITS_SEC
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = data[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  v.setFloat32(124, Number.isFinite(hi) ? hi : 0, le);
  v.setFloat32(128, Number.isFinite(lo) ? lo : 0, le);
  writeString(out, 148, 80, options.description ?? 'OpenFUAS');
  v.setInt16(252, 1, le);
  v.setInt16(254, 1, le);
  v.setFloat32(256, q.quatern[0], le);
  v.setFloat32(260, q.quatern[1], le);
  v.setFloat32(264, q.quatern[2], le);
  v.setFloat32(268, q.qoffset[0], le);
  v.setFloat32(272, q.qoffset[1], le);
  v.setFloat32(276, q.qoffset[2], le);
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, m[i], le);
  writeString(out, 328, 16, intent);
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  // 348..351: extension flag 0 (no extensions)
  copyDataLittleEndian(data, out, DATA_OFFSET);
  return options.gzip ? gzipSync(out, { level: 6 }) : out;
}

function writeString(out: Uint8Array, offset: number, size: number, s: string): void {
  const enc = new TextEncoder().encode(s);
  out.set(enc.subarray(0, size - 1), offset);
}

function copyDataLittleEndian(data: VoxelArray, out: Uint8Array, offset: number): void {
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  out.set(src, offset);
  if (!hostLittleEndian() && data.BYTES_PER_ELEMENT > 1)
    swapInPlace(out.subarray(offset, offset + data.byteLength), data.BYTES_PER_ELEMENT);
}

function hostLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function swapInPlace(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

/** True when bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes a NIfTI-1 file (.nii or .nii.gz, detected by the gzip magic). Returns the volume with data scaled
 * by scl_slope/scl_inter into Float32 (scaling skipped when scl_slope is 0 or not finite, as nifti1.h says),
 * the raw stored volume, and the header. The grid's spacing (m) is the column lengths of the chosen affine,
 * its origin (m) the affine's translation, its affine (RAS+ mm) the chosen transform.
 * Anything truncated, corrupt or unsupported is a FormatError naming `fileName`; a grid over the project's
 * limits is a LimitError.
 */
export function decodeNifti(bytes: Uint8Array, fileName = 'NIfTI file'): Volume<Float32Array> & { header: NiftiHeader; raw: Volume } {
  try {
    return decodeUnchecked(bytes, fileName);
  } catch (e) {
    if (e instanceof FuasError) {
      if (e instanceof InputError) throw new FormatError(fileName, e.message);
      throw e;
    }
    // Anything else (fflate's errors, RangeError from a typed-array view) means the file is corrupt.
    throw new FormatError(fileName, `corrupt NIfTI file (${(e as Error)?.message ?? String(e)})`);
  }
}

function decodeUnchecked(bytes: Uint8Array, file: string): Volume<Float32Array> & { header: NiftiHeader; raw: Volume } {
  if (!(bytes instanceof Uint8Array)) throw new FormatError(file, 'expected the bytes of a file');
  const gz = isGzip(bytes);
  const fileBytes = gz ? gunzipNifti(bytes, file) : bytes;
  const header = parseHeader(fileBytes, file);
  const nvox = header.dim[1] * header.dim[2] * header.dim[3];
  const dataBytes = nvox * (header.bitpix / 8);
  const end = header.voxOffset + dataBytes;
  if (fileBytes.length < end) {
    throw new FormatError(
      file,
      `truncated: the header promises ${dataBytes} bytes of data from offset ${header.voxOffset} but the ${gz ? 'decompressed ' : ''}file has ${fileBytes.length} bytes`,
    );
  }
  const affine = chooseAffine(header, file);
  const spacingMm = [0, 1, 2].map((j) => Math.hypot(affine[j], affine[4 + j], affine[8 + j]));
  for (let j = 0; j < 3; j++) {
    if (!(spacingMm[j] > 1e-6 && spacingMm[j] < 1e5)) {
      throw new FormatError(
        file,
        `absurd voxel size ${spacingMm[j]} mm along axis ${j} (from the ${header.affineSource}); allowed 1e-6 to 1e5 mm`,
      );
    }
  }
  if (Math.abs(det3x3(affine)) < 1e-12 * spacingMm[0] * spacingMm[1] * spacingMm[2]) {
    throw new FormatError(file, `the ${header.affineSource} transform is singular`);
  }
  const grid = createGrid(
    [header.dim[1], header.dim[2], header.dim[3]],
    [spacingMm[0] / 1000, spacingMm[1] / 1000, spacingMm[2] / 1000],
    [affine[3] / 1000, affine[7] / 1000, affine[11] / 1000],
    affine,
  );
  const raw = readData(fileBytes, header, nvox);
  const scaled = new Float32Array(nvox);
  const slope = header.sclSlope;
  const inter = header.sclInter;
  if (slope !== 0 && Number.isFinite(slope) && Number.isFinite(inter) && !(slope === 1 && inter === 0)) {
    for (let i = 0; i < nvox; i++) scaled[i] = raw[i] * slope + inter;
  } else {
    for (let i = 0; i < nvox; i++) scaled[i] = raw[i];
  }
  // NaN or ±Infinity (stored, or from a huge scl_slope overflowing Float32) is refused, naming the voxel
  for (let i = 0; i < nvox; i++) {
    if (!Number.isFinite(scaled[i])) {
      const nx = header.dim[1];
      const ny = header.dim[2];
      const at = `[${i % nx}, ${Math.floor(i / nx) % ny}, ${Math.floor(i / (nx * ny))}]`;
      throw new FormatError(file, `voxel ${at} is ${scaled[i]} (after scl_slope ${slope}, scl_inter ${inter}); images must be finite`);
    }
  }
  return { grid, data: scaled, header, raw: { grid, data: raw } };
}

function det3x3(m: readonly number[]): number {
  return m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8]);
}

/** Bytes a .nii.gz may inflate to beyond the end of its image data (padding some writers leave). */
const GZIP_TRAILING_SLACK = 1 << 16;

/**
 * Inflates a .nii.gz and checks it: every gzip member's CRC-32 and length (ISIZE) against its trailer, so a
 * flipped bit or a truncated file is an error instead of other voxels (fflate does not check them). The
 * output is bounded by what the header says the file holds (plus a little slack), so a corrupt size or a
 * decompression bomb cannot allocate more than the image needs.
 */
function gunzipNifti(bytes: Uint8Array, file: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  let limit = -1;
  // (input offset, output offset) where each gzip member starts: fflate inflates concatenated members
  const members: Array<{ input: number; output: number }> = [{ input: 0, output: 0 }];
  const g = new Gunzip((chunk, final) => {
    if (chunk.length) {
      chunks.push(chunk);
      total += chunk.length;
    }
    if (final) ended = true;
  });
  g.onmember = (offset) => members.push({ input: offset, output: total });
  let target = -1;
  // Deflate inflates at most ~1032:1, so an input step of (bytes still allowed)/1032, at least 4 KiB, cannot
  // overshoot the bound by more than ~4 MB, however compressible the rest of the stream is.
  const MIN_STEP = 1 << 12;
  let pos = 0;
  try {
    while (pos < bytes.length && !ended) {
      const step = limit < 0 ? MIN_STEP : Math.max(MIN_STEP, Math.floor((limit - total) / 1032));
      const next = Math.min(bytes.length, pos + step);
      g.push(bytes.subarray(pos, next), next === bytes.length);
      pos = next;
      if (target < 0 && total >= DATA_OFFSET) {
        const head = concat(chunks, total);
        chunks.length = 0;
        chunks.push(head);
        const h = parseHeader(head, file);
        target = h.voxOffset + h.dim[1] * h.dim[2] * h.dim[3] * (h.bitpix / 8);
        limit = target + GZIP_TRAILING_SLACK;
        // deflate expands at most ~1032:1: a small file cannot hold the image its header declares
        if (target > bytes.length * 1032 + 4096) {
          throw new FormatError(file, `truncated: ${bytes.length} compressed bytes cannot hold the ${target} bytes the header declares`);
        }
      }
      if (limit >= 0 && total > limit) {
        throw new FormatError(file, `the gzip stream inflates to more than the ${target} bytes its header describes`);
      }
    }
  } catch (e) {
    if (e instanceof FuasError) throw e;
    throw new FormatError(file, `truncated or corrupt gzip stream (${(e as Error)?.message ?? String(e)})`);
  }
  if (total < DATA_OFFSET && target < 0) {
    // A short file: parse what there is (gives the precise "truncated header" message).
    parseHeader(concat(chunks, total), file);
  }
  if (!ended) throw new FormatError(file, 'truncated gzip stream (it ends before its last block)');
  const whole = concat(chunks, total);
  members.push({ input: bytes.length, output: total });
  for (let m = 0; m + 1 < members.length; m++) {
    // each member ends with CRC-32 and ISIZE (length mod 2^32) of its own decompressed bytes
    const t = members[m + 1].input - 8;
    if (t < members[m].input) throw new FormatError(file, 'truncated gzip stream (no CRC-32/length trailer)');
    const view = new DataView(bytes.buffer, bytes.byteOffset + t, 8);
    const out = whole.subarray(members[m].output, members[m + 1].output);
    if (view.getUint32(4, true) !== out.length % 2 ** 32) {
      throw new FormatError(file, `gzip length check failed (trailer says ${view.getUint32(4, true)} bytes, inflated ${out.length})`);
    }
    if (view.getUint32(0, true) !== crc32(out)) {
      throw new FormatError(file, 'gzip CRC-32 check failed: the file is corrupt (a changed byte), not read');
    }
  }
  return target >= 0 && whole.length > target ? whole.subarray(0, target) : whole;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === total) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function readString(b: Uint8Array, offset: number, size: number): string {
  let end = offset;
  while (end < offset + size && b[end] !== 0) end++;
  let s = '';
  for (let i = offset; i < end; i++) s += String.fromCharCode(b[i]);
  return s.trim();
}

/** Parses and checks the 348-byte header (either byte order). */
function parseHeader(b: Uint8Array, file: string): NiftiHeader {
  if (b.length < HEADER_SIZE) throw new FormatError(file, `truncated: ${b.length} bytes, a NIfTI-1 header needs ${HEADER_SIZE}`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let le = true;
  const sizeLe = v.getInt32(0, true);
  const sizeBe = v.getInt32(0, false);
  if (sizeLe === HEADER_SIZE) le = true;
  else if (sizeBe === HEADER_SIZE) le = false;
  else if (sizeLe === 540 || sizeBe === 540) throw new FormatError(file, 'NIfTI-2 files are not supported (save as NIfTI-1)');
  else throw new FormatError(file, `not a NIfTI-1 file (sizeof_hdr is ${sizeLe}, expected 348)`);
  const magic = readString(b, 344, 4);
  if (magic === 'ni1') throw new FormatError(file, 'a NIfTI-1 header/image pair (.hdr/.img) is not supported; save as a single .nii file');
  if (magic !== 'n+1')
    throw new FormatError(file, `not a NIfTI-1 single file (magic "${magic}", expected "n+1"; ANALYZE 7.5 is not supported)`);
  const dim = Array.from({ length: 8 }, (_, i) => v.getInt16(40 + 2 * i, le));
  const pixdim = Array.from({ length: 8 }, (_, i) => v.getFloat32(76 + 4 * i, le));
  const nd = dim[0];
  if (nd < 1 || nd > 7) throw new FormatError(file, `dim[0] = ${nd}, must be 1 to 7`);
  for (let i = 1; i <= nd; i++) {
    if (dim[i] < 1) throw new FormatError(file, `dim[${i}] = ${dim[i]}, must be >= 1`);
  }
  for (let i = nd + 1; i < 8; i++) dim[i] = 1; // unused dimensions count as 1 (nifti1.h)
  for (let i = 4; i <= nd; i++) {
    if (dim[i] !== 1)
      throw new FormatError(file, `dim[${i}] = ${dim[i]}: only 3D images are supported (a ${nd}D image with more than one volume)`);
  }
  const datatype = v.getInt16(70, le);
  const dt = DATATYPES[datatype];
  if (!dt) {
    const other = OTHER_DATATYPES[datatype];
    throw new FormatError(
      file,
      `${other ? `datatype ${other} (${datatype})` : `unknown datatype code ${datatype}`} is not supported; supported: uint8, int16, uint16, int32, float32, float64`,
    );
  }
  const bitpix = v.getInt16(72, le);
  if (bitpix !== dt.bytes * 8) throw new FormatError(file, `bitpix ${bitpix} does not match datatype ${dt.name} (${dt.bytes * 8} bits)`);
  const nvox = dim[1] * dim[2] * dim[3];
  if (nvox > MAX_IMAGE_VOXELS) {
    throw new LimitError(`${file}: image of ${dim[1]}×${dim[2]}×${dim[3]} = ${nvox} voxels exceeds the limit of ${MAX_IMAGE_VOXELS}`);
  }
  if (nvox * dt.bytes > MAX_NIFTI_DATA_BYTES)
    throw new LimitError(`${file}: ${nvox * dt.bytes} bytes of voxel data exceed the limit of ${MAX_NIFTI_DATA_BYTES}`);
  const voxOffsetF = v.getFloat32(108, le);
  if (!Number.isFinite(voxOffsetF) || voxOffsetF < DATA_OFFSET || voxOffsetF !== Math.floor(voxOffsetF) || voxOffsetF > 2 ** 30) {
    throw new FormatError(file, `vox_offset ${voxOffsetF} is invalid (a single-file NIfTI needs an integer >= 352)`);
  }
  const srow = Array.from({ length: 12 }, (_, i) => v.getFloat32(280 + 4 * i, le));
  return {
    littleEndian: le,
    dim,
    pixdim,
    datatype,
    datatypeName: dt.name,
    bitpix,
    voxOffset: voxOffsetF,
    sclSlope: v.getFloat32(112, le),
    sclInter: v.getFloat32(116, le),
    calMax: v.getFloat32(124, le),
    calMin: v.getFloat32(128, le),
    xyztUnits: b[123],
    intentCode: v.getInt16(68, le),
    intentName: readString(b, 328, 16),
    description: readString(b, 148, 80),
    qformCode: v.getInt16(252, le),
    sformCode: v.getInt16(254, le),
    quatern: [v.getFloat32(256, le), v.getFloat32(260, le), v.getFloat32(264, le)],
    qoffset: [v.getFloat32(268, le), v.getFloat32(272, le), v.getFloat32(276, le)],
    srow,
    affineSource: 'pixdim',
  };
}

/** mm per stored spatial unit (xyzt_units & 7): 1 metre, 2 mm, 3 µm; 0 (unknown) is taken as mm. */
function unitToMm(xyztUnits: number, file: string): number {
  const u = xyztUnits & 7;
  if (u === 0 || u === 2) return 1;
  if (u === 1) return 1000;
  if (u === 3) return 1e-3;
  throw new FormatError(file, `spatial unit code ${u} in xyzt_units is not defined by nifti1.h`);
}

/** The voxel → RAS+ mm affine, by the method nifti1.h prescribes (sform, else qform, else pixdim). */
function chooseAffine(h: NiftiHeader, file: string): number[] {
  const toMm = unitToMm(h.xyztUnits, file);
  let m: number[];
  if (h.sformCode > 0) {
    h.affineSource = 'sform';
    m = [...h.srow, 0, 0, 0, 1];
  } else if (h.qformCode > 0) {
    h.affineSource = 'qform';
    const [b, c, d] = h.quatern;
    const qfac = h.pixdim[0] < 0 ? -1 : 1;
    m = quaternToAffine(b, c, d, h.qoffset[0], h.qoffset[1], h.qoffset[2], h.pixdim[1], h.pixdim[2], h.pixdim[3], qfac);
  } else {
    h.affineSource = 'pixdim';
    m = [h.pixdim[1], 0, 0, 0, 0, h.pixdim[2], 0, 0, 0, 0, h.pixdim[3], 0, 0, 0, 0, 1];
  }
  for (let i = 0; i < 12; i++) m[i] *= toMm;
  if (!m.every(Number.isFinite)) throw new FormatError(file, `the ${h.affineSource} transform has non-finite entries`);
  return m;
}

function readData(b: Uint8Array, h: NiftiHeader, nvox: number): VoxelArray {
  const size = h.bitpix / 8;
  // Copy into a fresh, aligned buffer (the data offset need not be aligned for the element size).
  const copy = b.slice(h.voxOffset, h.voxOffset + nvox * size);
  if (size > 1 && h.littleEndian !== hostLittleEndian()) swapInPlace(copy, size);
  const buf = copy.buffer;
  switch (h.datatypeName) {
    case 'uint8':
      return new Uint8Array(buf, 0, nvox);
    case 'int16':
      return new Int16Array(buf, 0, nvox);
    case 'uint16':
      return new Uint16Array(buf, 0, nvox);
    case 'int32':
      return new Int32Array(buf, 0, nvox);
    case 'float32':
      return new Float32Array(buf, 0, nvox);
    default:
      return new Float64Array(buf, 0, nvox);
  }
}
