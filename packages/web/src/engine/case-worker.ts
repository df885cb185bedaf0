/// <reference lib="webworker" />
// Case worker: builds the phantom or decodes NIfTI files off the main thread, so the page never freezes while a
// case loads. Replies with the case; its arrays are transferred, not copied.
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
    };
export type CaseReply = { id: number; ok: true; case: WorkstationCase; ms: number } | { id: number; ok: false; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (e: MessageEvent<CaseRequest>) => {
  const req = e.data;
  const t0 = performance.now();
  try {
    const c = req.kind === 'phantom' ? makePhantom(req.params) : caseFromNifti(req.image, req.labels, req.labelMap);
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
    const reply: CaseReply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    scope.postMessage(reply);
  }
};
