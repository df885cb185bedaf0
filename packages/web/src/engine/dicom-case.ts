import { type DicomFile, FormatError, decodeDicomSeries, decodeNifti, importCase } from '@openfuas/core';
import { DEFAULT_LABEL_MAP_NAME, labelNames } from './case-labels.js';
import { fromCoreCase } from './core-case.js';
import { LocalizedError } from './localized-error.js';
import type { WorkstationCase } from './workstation-case.js';

/** A DICOM case as bytes: one series, an optional NIfTI label map and an optional JSON label-name file. */
export interface DicomCaseInput {
  /** case name (the folder's) */
  name: string;
  /** the series' files, named by their path in the folder */
  files: DicomFile[];
  labels?: { name: string; bytes: Uint8Array };
  labelMap?: { name: string; text: string };
}

/**
 * A case from a DICOM series, as `fuas case import --image <folder>` reads it: the core decodes the series
 * (uncompressed transfer syntaxes; LPS → RAS) and, with a label map, imports the case (label names, resampling
 * to the image grid, air around the body). Without a label map the case is the image alone: it can be viewed,
 * not planned. Every problem is an error naming the file.
 */
export function caseFromDicom(input: DicomCaseInput): WorkstationCase {
  const series = decodeSeries(input.files, input.name);
  const { info } = series;
  const modality = `${info.modality || 'DICOM'} ${info.seriesDescription}`.trim();
  const source = {
    kind: 'dicom',
    folder: input.name,
    dicom: {
      modality,
      series: info.seriesInstanceUid,
      slices: info.slices,
      transferSyntax: info.transferSyntax,
      skipped: info.skipped,
    },
  };
  if (input.labels) {
    const labels = decodeNifti(input.labels.bytes, input.labels.name);
    const c = importCase({
      name: input.name,
      image: { grid: series.grid, data: series.data },
      imageName: input.name,
      modality,
      // the stored integers, as the CLI takes them (a label map's scaling is not meant to apply)
      labels: { grid: labels.grid, data: labels.raw.data },
      labelsName: input.labels.name,
      labelMap: labelNames(input.labelMap),
      labelMapName: input.labelMap?.name ?? DEFAULT_LABEL_MAP_NAME,
      source: { ...source, labels: input.labels.name, labelMap: input.labelMap?.name ?? null },
    });
    return fromCoreCase(c);
  }
  return {
    name: input.name,
    grid: series.grid,
    image: series.data,
    labels: null,
    structures: {},
    target: 'fibroid',
    beamDirection: [0, -1, 0],
    source,
    notes: [],
    core: null,
  };
}

/** The core's series decoder; files of several series become an error listing each series and its files. */
function decodeSeries(files: DicomFile[], folder: string): ReturnType<typeof decodeDicomSeries> {
  try {
    return decodeDicomSeries(files, { folderName: folder });
  } catch (e) {
    if (e instanceof FormatError && /hold \d+ series/.test(e.message)) throw mixedSeries(files);
    throw e;
  }
}

/** Which file belongs to which series (each file read alone; only on the error path). */
function mixedSeries(files: DicomFile[]): LocalizedError {
  const groups = new Map<string, { description: string; files: string[] }>();
  for (const f of files) {
    let uid: string;
    let description: string;
    try {
      const { info } = decodeDicomSeries([f]);
      uid = info.seriesInstanceUid;
      description = `${info.modality} ${info.seriesDescription}`.trim() || uid;
    } catch {
      continue; // a file without an image (DICOMDIR, report)
    }
    const g = groups.get(uid) ?? { description, files: [] };
    g.files.push(f.name);
    groups.set(uid, g);
  }
  const list = [...groups.values()]
    .sort((a, b) => b.files.length - a.files.length)
    .map((g) => `“${g.description}” × ${g.files.length} (${g.files.slice(0, 2).join(', ')}${g.files.length > 2 ? ', …' : ''})`)
    .join('; ');
  return new LocalizedError('case.dicom.mixed', { n: groups.size, list });
}
