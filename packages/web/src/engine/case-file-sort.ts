import { LocalizedError } from './localized-error.js';

/** A file the user picked or dropped, with its path relative to what was picked (`series/IM0001`). */
export interface PickedFile<T> {
  path: string;
  file: T;
}

/** The files of a DICOM case: the series' files, the label map and its names, and what was left aside. */
export interface SortedCaseFiles<T> {
  /** case name: the folder picked, else the first DICOM file's name */
  name: string;
  dicom: PickedFile<T>[];
  labels: PickedFile<T> | null;
  labelMap: PickedFile<T> | null;
  /** hidden and system files, not read */
  ignored: string[];
}

const NIFTI = /\.nii(\.gz)?$/i;
const JSON_FILE = /\.json$/i;
/** Files that operating systems leave in folders; never DICOM. */
const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Sorts picked or dropped files into a DICOM series, a NIfTI label map (.nii, .nii.gz) and a JSON label-name file,
 * so that a folder holding all three, or the three dropped together, opens as one case. Label files chosen in
 * their own inputs (`explicit`) win over those found among the files. Hidden files (a path part starting with
 * ".") and system files are left aside, as `fuas case import` does. Everything else is given to the DICOM reader,
 * which names any file that is not DICOM.
 */
export function sortCaseFiles<T>(
  files: readonly PickedFile<T>[],
  explicit: { labels?: PickedFile<T> | null; labelMap?: PickedFile<T> | null } = {},
): SortedCaseFiles<T> {
  const dicom: PickedFile<T>[] = [];
  const niftis: PickedFile<T>[] = [];
  const jsons: PickedFile<T>[] = [];
  const ignored: string[] = [];
  for (const f of files) {
    const path = f.path.replace(/^\/+/, '');
    const parts = path.split('/');
    if (parts.some((p) => p.startsWith('.')) || SYSTEM_FILES.has(baseName(path).toLowerCase())) {
      ignored.push(path);
      continue;
    }
    const entry = { path, file: f.file };
    if (NIFTI.test(path)) niftis.push(entry);
    else if (JSON_FILE.test(path)) jsons.push(entry);
    else dicom.push(entry);
  }
  const one = (found: PickedFile<T>[], given: PickedFile<T> | null | undefined, key: 'case.dicom.twoLabels' | 'case.dicom.twoNames') => {
    if (given) return given;
    if (found.length > 1) throw new LocalizedError(key, { files: found.map((f) => f.path).join(', ') });
    return found[0] ?? null;
  };
  const labels = one(niftis, explicit.labels, 'case.dicom.twoLabels');
  const labelMap = one(jsons, explicit.labelMap, 'case.dicom.twoNames');
  if (dicom.length === 0) throw new LocalizedError('case.dicom.noDicom', { n: files.length });
  dicom.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const folders = new Set(dicom.map((f) => (f.path.includes('/') ? f.path.slice(0, f.path.indexOf('/')) : '')));
  const [folder] = folders;
  const name = folders.size === 1 && folder ? folder : baseName(dicom[0].path).replace(/\.dcm$/i, '');
  return { name, dicom, labels, labelMap, ignored };
}
