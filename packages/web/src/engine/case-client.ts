import type { PickedFile } from './case-file-sort.js';
import type { CaseReply, CaseRequest } from './case-worker.js';
import { LocalizedError } from './localized-error.js';
import type { PhantomParams } from './phantom-source.js';
import { workerRpc } from './worker-rpc.js';
import type { WorkstationCase } from './workstation-case.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

type Ok = Extract<CaseReply, { ok: true }>;
const call = workerRpc<CaseRequest, CaseReply, Ok>(
  () => new Worker(new URL('./case-worker.ts', import.meta.url), { type: 'module', name: 'case' }),
  (r) => (r.ok ? r : r.key ? new LocalizedError(r.key, r.params) : new Error(r.error)),
  'case worker',
);

function request(req: DistributiveOmit<CaseRequest, 'id'>, transfer: Transferable[] = []): Promise<Ok> {
  return call((id) => ({ ...req, id }) as CaseRequest, transfer);
}

/** Builds a phantom case in the case worker. */
export async function loadPhantom(params: PhantomParams): Promise<{ case: WorkstationCase; ms: number }> {
  return (await request({ kind: 'phantom', params })) as { case: WorkstationCase; ms: number };
}

/** Reads local NIfTI files (image, optional label map and label-name JSON) in the case worker. */
export async function loadNiftiFiles(
  image: File,
  labels?: File | null,
  labelMap?: File | null,
): Promise<{ case: WorkstationCase; ms: number }> {
  const img = { name: image.name, bytes: new Uint8Array(await image.arrayBuffer()) };
  const lab = labels ? { name: labels.name, bytes: new Uint8Array(await labels.arrayBuffer()) } : undefined;
  const map = labelMap ? { name: labelMap.name, text: await labelMap.text() } : undefined;
  const transfer: Transferable[] = [img.bytes.buffer as ArrayBuffer];
  if (lab) transfer.push(lab.bytes.buffer as ArrayBuffer);
  return (await request({ kind: 'nifti', image: img, labels: lab, labelMap: map }, transfer)) as { case: WorkstationCase; ms: number };
}

/**
 * Reads and decodes a DICOM series in the case worker (the files are sent as they are; the worker reads their
 * bytes), with an optional NIfTI label map and JSON label names. Errors name the file and what is wrong with it.
 */
export async function loadDicomFiles(files: {
  name: string;
  dicom: PickedFile<File>[];
  labels: PickedFile<File> | null;
  labelMap: PickedFile<File> | null;
}): Promise<{ case: WorkstationCase; ms: number }> {
  return (await request({
    kind: 'dicom',
    name: files.name,
    files: files.dicom,
    labels: files.labels,
    labelMap: files.labelMap,
  })) as { case: WorkstationCase; ms: number };
}
