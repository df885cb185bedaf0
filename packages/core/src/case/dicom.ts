import dicomParser from 'dicom-parser';
import { FormatError, FuasError, InputError, LimitError } from '../errors.js';
import { MAX_GRID_VOXELS, createGrid } from '../grid/grid3d.js';
import type { Volume } from './nifti.js';

/**
 * DICOM MR/CT series → one volume (isomorphic: a list of {name, bytes} in, a Float32 volume out).
 * Parsing by dicom-parser (cornerstonejs); geometry per DICOM PS3.3 C.7.6.2 (Image Plane Module):
 *   P(i, j) = ImagePositionPatient + i·Δc·rowCosines + j·Δr·columnCosines   (i column, j row, LPS mm)
 * with PixelSpacing = [Δr, Δc]. Slices are sorted by ImagePositionPatient projected on the slice normal
 * n = rowCosines × columnCosines; the slice step is the mean position difference, which must be uniform.
 * LPS (DICOM) → RAS (ours, NIfTI): x and y change sign. Values are RescaleSlope·stored + RescaleIntercept
 * per slice. Only uncompressed transfer syntaxes are decoded; others are a FormatError that says so.
 */

export interface DicomFile {
  name: string;
  bytes: Uint8Array;
}

export interface DicomSeriesInfo {
  modality: string;
  seriesInstanceUid: string;
  seriesDescription: string;
  transferSyntax: string;
  slices: number;
  /** files skipped (no pixel data, e.g. DICOMDIR or reports), by name */
  skipped: string[];
}

/** Uncompressed transfer syntaxes this reader decodes. */
const UNCOMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};

/** Names of common compressed transfer syntaxes (for the error message). */
const COMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};

interface Slice {
  name: string;
  rows: number;
  cols: number;
  rowCos: number[];
  colCos: number[];
  position: number[];
  pixelSpacing: number[];
  slope: number;
  intercept: number;
  bits: number;
  signed: boolean;
  bigEndian: boolean;
  pixels: Uint8Array;
  series: string;
  modality: string;
  description: string;
  transferSyntax: string;
  thickness: number;
}

/**
 * Decodes one series. `options.seriesInstanceUid` picks a series when the files hold several (otherwise that
 * is an error listing them). Every problem is a FormatError naming the file (or the folder, `folderName`).
 */
export function decodeDicomSeries(
  files: readonly DicomFile[],
  options: { seriesInstanceUid?: string; folderName?: string } = {},
): Volume<Float32Array> & { info: DicomSeriesInfo } {
  const folder = options.folderName ?? 'DICOM series';
  if (!Array.isArray(files) || files.length === 0) throw new FormatError(folder, 'no files');
  const slices: Slice[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    const s = readSlice(f);
    if (s) slices.push(s);
    else skipped.push(f.name);
  }
  if (slices.length === 0) throw new FormatError(folder, `no DICOM images with pixel data among ${files.length} files`);
  const seriesUids = [...new Set(slices.map((s) => s.series))];
  let chosen = slices;
  if (options.seriesInstanceUid !== undefined) {
    chosen = slices.filter((s) => s.series === options.seriesInstanceUid);
    if (chosen.length === 0)
      throw new FormatError(folder, `no images of series ${options.seriesInstanceUid} (found: ${seriesUids.join(', ')})`);
  } else if (seriesUids.length > 1) {
    throw new FormatError(folder, `the files hold ${seriesUids.length} series (${seriesUids.join(', ')}); choose one`);
  }
  return assemble(chosen, folder, skipped);
}

function tagString(ds: dicomParser.DataSet, tag: string): string | undefined {
  const s = ds.string(tag);
  return s === undefined ? undefined : s.trim();
}

function numbers(ds: dicomParser.DataSet, tag: string, count: number, file: string, what: string): number[] {
  const s = tagString(ds, tag);
  if (s === undefined || s === '') throw new FormatError(file, `${what} (${tag.slice(1, 5)},${tag.slice(5)}) is missing`);
  const v = s.split('\\').map((p) => Number(p.trim()));
  if (v.length !== count || !v.every(Number.isFinite))
    throw new FormatError(file, `${what} must be ${count} numbers, got "${s.slice(0, 80)}"`);
  return v;
}

function optionalNumber(ds: dicomParser.DataSet, tag: string, dflt: number, file: string, what: string): number {
  const s = tagString(ds, tag);
  if (s === undefined || s === '') return dflt;
  const v = Number(s.split('\\')[0]);
  if (!Number.isFinite(v)) throw new FormatError(file, `${what} "${s.slice(0, 40)}" is not a number`);
  return v;
}

/** Parses one file; returns null for a DICOM file without pixel data (DICOMDIR, reports). */
function readSlice(f: DicomFile): Slice | null {
  const file = f.name;
  if (!(f.bytes instanceof Uint8Array)) throw new FormatError(file, 'expected the bytes of a file');
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(f.bytes);
  } catch (e) {
    const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : String((e as { exception?: unknown })?.exception ?? e);
    throw new FormatError(file, `not a readable DICOM file (${msg.replace(/^dicomParser\.\w+: /, '')})`);
  }
  try {
    return sliceOf(ds, file);
  } catch (e) {
    if (e instanceof FuasError) throw e;
    throw new FormatError(file, `corrupt DICOM file (${typeof e === 'string' ? e : ((e as Error)?.message ?? String(e))})`);
  }
}

function sliceOf(ds: dicomParser.DataSet, file: string): Slice | null {
  const pixel = ds.elements.x7fe00010;
  if (!pixel) return null;
  const ts = tagString(ds, 'x00020010') ?? '1.2.840.10008.1.2';
  if (!UNCOMPRESSED[ts]) {
    const name = COMPRESSED[ts] ?? 'an unknown transfer syntax';
    throw new FormatError(
      file,
      `pixel data use ${name} (${ts}), which this reader does not decode; convert the series to an uncompressed transfer syntax (e.g. \`gdcmconv --raw\` or \`dcmdjpeg\`)`,
    );
  }
  if (pixel.encapsulatedPixelData) throw new FormatError(file, 'encapsulated (compressed) pixel data are not supported');
  const rows = ds.uint16('x00280010');
  const cols = ds.uint16('x00280011');
  if (!rows || !cols) throw new FormatError(file, 'Rows/Columns (0028,0010/0011) missing or zero');
  const samples = ds.uint16('x00280002') ?? 1;
  if (samples !== 1) throw new FormatError(file, `SamplesPerPixel ${samples}: only greyscale (1) images are supported`);
  const frames = optionalNumber(ds, 'x00280008', 1, file, 'NumberOfFrames');
  if (frames !== 1)
    throw new FormatError(file, `multi-frame images (NumberOfFrames ${frames}) are not supported; export one file per slice`);
  const bits = ds.uint16('x00280100') ?? 0;
  if (bits !== 8 && bits !== 16 && bits !== 32) throw new FormatError(file, `BitsAllocated ${bits} is not supported (8, 16 or 32)`);
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const iop = numbers(ds, 'x00200037', 6, file, 'ImageOrientationPatient');
  const ipp = numbers(ds, 'x00200032', 3, file, 'ImagePositionPatient');
  const ps = numbers(ds, 'x00280030', 2, file, 'PixelSpacing');
  for (const v of ps)
    if (!(v > 1e-4 && v < 1e3)) throw new FormatError(file, `absurd PixelSpacing ${ps.join('\\')} mm (allowed 1e-4 to 1e3)`);
  const rowCos = iop.slice(0, 3);
  const colCos = iop.slice(3, 6);
  const nr = Math.hypot(rowCos[0], rowCos[1], rowCos[2]);
  const nc = Math.hypot(colCos[0], colCos[1], colCos[2]);
  const dot = rowCos[0] * colCos[0] + rowCos[1] * colCos[1] + rowCos[2] * colCos[2];
  if (Math.abs(nr - 1) > 1e-3 || Math.abs(nc - 1) > 1e-3 || Math.abs(dot) > 1e-3) {
    throw new FormatError(file, `ImageOrientationPatient ${iop.join('\\')} is not two orthogonal unit vectors`);
  }
  const need = rows * cols * (bits / 8);
  if (pixel.length < need || pixel.dataOffset + need > ds.byteArray.length) {
    throw new FormatError(
      file,
      `pixel data truncated: ${Math.min(pixel.length, ds.byteArray.length - pixel.dataOffset)} bytes, ${rows}×${cols}×${bits / 8} = ${need} needed`,
    );
  }
  const slope = optionalNumber(ds, 'x00281053', 1, file, 'RescaleSlope');
  const intercept = optionalNumber(ds, 'x00281052', 0, file, 'RescaleIntercept');
  // rescaled values must fit Float32 with room (CT: slope 1, intercept −1024; MR and PET slopes stay far below)
  if (!(Math.abs(slope) <= 1e6)) throw new FormatError(file, `RescaleSlope (0028,1053) ${slope} is outside ±1e6`);
  if (!(Math.abs(intercept) <= 1e9)) throw new FormatError(file, `RescaleIntercept (0028,1052) ${intercept} is outside ±1e9`);
  return {
    name: file,
    rows,
    cols,
    rowCos: rowCos.map((v) => v / nr),
    colCos: colCos.map((v) => v / nc),
    position: ipp,
    pixelSpacing: ps,
    slope: slope === 0 ? 1 : slope,
    intercept,
    bits,
    signed,
    bigEndian: ts === '1.2.840.10008.1.2.2',
    pixels: ds.byteArray.subarray(pixel.dataOffset, pixel.dataOffset + need) as Uint8Array,
    series: tagString(ds, 'x0020000e') ?? '',
    modality: tagString(ds, 'x00080060') ?? '',
    description: tagString(ds, 'x0008103e') ?? '',
    transferSyntax: ts,
    thickness: optionalNumber(ds, 'x00180088', optionalNumber(ds, 'x00180050', 1, file, 'SliceThickness'), file, 'SpacingBetweenSlices'),
  };
}

function assemble(slices: Slice[], folder: string, skipped: string[]): Volume<Float32Array> & { info: DicomSeriesInfo } {
  const first = slices[0];
  for (const s of slices) {
    if (s.rows !== first.rows || s.cols !== first.cols) {
      throw new FormatError(s.name, `slice of ${s.cols}×${s.rows} pixels in a series of ${first.cols}×${first.rows}`);
    }
    for (let a = 0; a < 3; a++) {
      if (Math.abs(s.rowCos[a] - first.rowCos[a]) > 1e-3 || Math.abs(s.colCos[a] - first.colCos[a]) > 1e-3) {
        throw new FormatError(s.name, `ImageOrientationPatient differs from ${first.name}'s (one series must share one orientation)`);
      }
    }
    if (Math.abs(s.pixelSpacing[0] - first.pixelSpacing[0]) > 1e-4 || Math.abs(s.pixelSpacing[1] - first.pixelSpacing[1]) > 1e-4) {
      throw new FormatError(s.name, `PixelSpacing differs from ${first.name}'s`);
    }
  }
  const r = first.rowCos;
  const c = first.colCos;
  const n = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const dist = (s: Slice) => s.position[0] * n[0] + s.position[1] * n[1] + s.position[2] * n[2];
  const sorted = [...slices].sort((a, b) => dist(a) - dist(b));
  const nz = sorted.length;
  const nx = first.cols;
  const ny = first.rows;
  if (nx * ny * nz > MAX_GRID_VOXELS)
    throw new LimitError(`${folder}: series of ${nx}×${ny}×${nz} voxels exceeds the limit of ${MAX_GRID_VOXELS}`);
  // Slice step vector (LPS mm): mean difference of positions; every step must agree with it.
  let step: number[];
  if (nz > 1) {
    const p0 = sorted[0].position;
    const pl = sorted[nz - 1].position;
    step = [0, 1, 2].map((a) => (pl[a] - p0[a]) / (nz - 1));
    const len = Math.hypot(step[0], step[1], step[2]);
    if (!(len > 1e-3))
      throw new FormatError(folder, `slices ${sorted[0].name} and ${sorted[1].name} are at the same position (duplicate slices?)`);
    for (let k = 1; k < nz; k++) {
      const d = [0, 1, 2].map((a) => sorted[k].position[a] - sorted[k - 1].position[a]);
      const err = Math.hypot(d[0] - step[0], d[1] - step[1], d[2] - step[2]);
      if (err > 0.01 * len + 1e-3) {
        throw new FormatError(
          sorted[k].name,
          `slice spacing is not uniform: ${Math.hypot(d[0], d[1], d[2]).toFixed(3)} mm from ${sorted[k - 1].name}, the series mean is ${len.toFixed(3)} mm (missing slice?)`,
        );
      }
    }
    if (len > 1e3) throw new FormatError(folder, `absurd slice spacing ${len} mm`);
  } else {
    const t = first.thickness > 1e-4 && first.thickness < 1e3 ? first.thickness : 1;
    step = [n[0] * t, n[1] * t, n[2] * t];
  }
  const dr = first.pixelSpacing[0];
  const dc = first.pixelSpacing[1];
  const p0 = sorted[0].position;
  // LPS affine columns: i → Δc·rowCos, j → Δr·colCos, k → step; then RAS = diag(−1, −1, 1)·LPS.
  const lps = [
    [dc * r[0], dr * c[0], step[0], p0[0]],
    [dc * r[1], dr * c[1], step[1], p0[1]],
    [dc * r[2], dr * c[2], step[2], p0[2]],
  ];
  const affine = [...lps[0].map((v) => -v), ...lps[1].map((v) => -v), ...lps[2], 0, 0, 0, 1];
  const spacingMm = [dc, dr, Math.hypot(step[0], step[1], step[2])];
  let grid: ReturnType<typeof createGrid>;
  try {
    grid = createGrid(
      [nx, ny, nz],
      [spacingMm[0] / 1000, spacingMm[1] / 1000, spacingMm[2] / 1000],
      [affine[3] / 1000, affine[7] / 1000, affine[11] / 1000],
      affine,
    );
  } catch (e) {
    if (e instanceof InputError) throw new FormatError(folder, e.message);
    throw e;
  }
  const plane = nx * ny;
  const data = new Float32Array(plane * nz);
  sorted.forEach((s, k) => {
    const view = new DataView(s.pixels.buffer, s.pixels.byteOffset, s.pixels.byteLength);
    const le = !s.bigEndian;
    const off = k * plane;
    for (let q = 0; q < plane; q++) {
      let v: number;
      if (s.bits === 8) v = s.signed ? view.getInt8(q) : view.getUint8(q);
      else if (s.bits === 16) v = s.signed ? view.getInt16(2 * q, le) : view.getUint16(2 * q, le);
      else v = s.signed ? view.getInt32(4 * q, le) : view.getUint32(4 * q, le);
      data[off + q] = v * s.slope + s.intercept;
    }
  });
  return {
    grid,
    data,
    info: {
      modality: first.modality,
      seriesInstanceUid: first.series,
      seriesDescription: first.description,
      transferSyntax: UNCOMPRESSED[first.transferSyntax] ?? first.transferSyntax,
      slices: nz,
      skipped,
    },
  };
}
