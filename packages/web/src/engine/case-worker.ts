/// <reference lib="webworker" />
// Case worker: builds the phantom, decodes NIfTI files or reads and decodes a DICOM series off the main thread, so
// the page never freezes while a case loads. Replies with the case; its arrays are transferred, not copied.
import type { PickedFile } from './case-file-sort.js';
import { caseFromDicom } from './dicom-case.js';
import { LocalizedError, type MessageParams } from './localized-error.js';
import type { MessageKey } from '../i18n/messages.js';
import { caseFromNifti } from './nifti-case.js';
import { type PhantomParams, makePhantom } from './phantom-source.js';
import type { WorkstationCase } from './workstation-case.js';

export type CaseRequest =
  | { id: number; kind: 'phantom'; params: PhantomParams }
  | {
      id: number;
      kind: 'nifti';
      image: { name: string; bytes: Uint8Array };
      labels?: { name: string; bytes: Uint8Array };
      labelMap?: { name: string; text: string };
    }
  | {
      id: number;
      kind: 'dicom';
      name: string;
      /** the files themselves (cheap to send: the worker reads their bytes) */
      files: PickedFile<File>[];
      labels?: PickedFile<File> | null;
      labelMap?: PickedFile<File> | null;
    };
export type CaseReply =
  | { id: number; ok: true; case: WorkstationCase; ms: number }
  | { id: number; ok: false; error: string; key?: MessageKey; params?: MessageParams };

/** The bytes of a picked file; a file that cannot be read (moved, no permission) is an error naming it. */
async function bytesOf(f: PickedFile<File>): Promise<Uint8Array> {
  try {
    return new Uint8Array(await f.file.arrayBuffer());
  } catch (e) {
    throw new LocalizedError('case.dicom.unreadable', { file: f.path, message: (e as Error)?.message ?? String(e) });
  }
}

async function build(req: CaseRequest): Promise<WorkstationCase> {
  if (req.kind === 'phantom') return makePhantom(req.params);
  if (req.kind === 'nifti') return caseFromNifti(req.image, req.labels, req.labelMap);
  const files = [];
  for (const f of req.files) files.push({ name: f.path, bytes: await bytesOf(f) });
  const labels = req.labels ? { name: req.labels.path, bytes: await bytesOf(req.labels) } : undefined;
  const labelMap = req.labelMap ? { name: req.labelMap.path, text: new TextDecoder().decode(await bytesOf(req.labelMap)) } : undefined;
  return caseFromDicom({ name: req.name, files, labels, labelMap });
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<CaseRequest>) => {
  const req = e.data;
  const t0 = performance.now();
  try {
    const c = await build(req);
    const transfer: Transferable[] = [c.image.buffer as ArrayBuffer];
    if (c.labels && c.labels.buffer !== c.image.buffer) transfer.push(c.labels.buffer as ArrayBuffer);
    for (const img of c.core?.images ?? [])
      if (!transfer.includes(img.volume.data.buffer as ArrayBuffer)) transfer.push(img.volume.data.buffer as ArrayBuffer);
    const reply: CaseReply = { id: req.id, ok: true, case: c, ms: performance.now() - t0 };
    scope.postMessage(
      reply,
      transfer.filter((b) => !(b instanceof SharedArrayBuffer)),
    );
  } catch (err) {
    const reply: CaseReply =
      err instanceof LocalizedError
        ? { id: req.id, ok: false, error: err.message, key: err.key, params: err.params }
        : { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    scope.postMessage(reply);
  }
};
