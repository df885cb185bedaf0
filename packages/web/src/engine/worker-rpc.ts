/**
 * A request/reply channel to a module worker started on first use: every request carries a fresh id, the reply
 * with that id settles it (`settle` turns a reply into its result, or an Error to reject with). A worker error
 * rejects every pending request and drops the worker; the next request starts a new one.
 */
export function workerRpc<Request, Reply extends { id: number }, Result>(
  start: () => Worker,
  settle: (reply: Reply) => Result | Error,
  label: string,
): (build: (id: number) => Request, transfer?: Transferable[]) => Promise<Result> {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  const started = (): Worker => {
    if (worker) return worker;
    worker = start();
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = pending.get(e.data.id);
      if (!p) return;
      pending.delete(e.data.id);
      const r = settle(e.data);
      if (r instanceof Error) p.reject(r);
      else p.resolve(r);
    };
    worker.onerror = (e) => {
      for (const p of pending.values()) p.reject(new Error(e.message || `${label} failed`));
      pending.clear();
      worker?.terminate();
      worker = null;
    };
    return worker;
  };
  return (build, transfer = []) => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      started().postMessage(build(id), transfer);
    });
  };
}
