import { type LogSink, MemoryLogSink } from '@openfuas/core';
import { saveFile } from '../../app/save-file.js';

/**
 * The treatment logs in the origin's storage (OPFS, navigator.storage.getDirectory()), in the core's format
 * (treatment-log.ts: each record framed with its length, the length's complement and a CRC-32). The console worker
 * appends through a FileSystemSyncAccessHandle and flushes it before the console reports the events as done (the
 * browser's fsync); the page lists, reads and downloads the files.
 */
export const LOG_DIRECTORY = 'treatment-logs';
export const LOG_EXTENSION = '.fuaslog';

/** A new log's name: the start time (UTC), e.g. treatment-2026-12-07T19-20-31Z.fuaslog. */
export function newLogName(now = new Date()): string {
  return `treatment-${now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}${LOG_EXTENSION}`;
}

async function logDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(LOG_DIRECTORY, { create: true });
}

/** Whether this browser offers the origin's private file system. */
export function hasOriginStorage(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/** The subset of FileSystemSyncAccessHandle the sink uses (worker-only API). */
interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  read(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  getSize(): number;
  truncate(size: number): void;
  close(): void;
}

/** A log file in OPFS, written through a sync access handle (dedicated workers only). */
export class OpfsLogSink implements LogSink {
  private size = 0;
  private constructor(private readonly handle: SyncHandle) {}

  /** Creates `name` (it must not hold a log yet: a log is never overwritten). */
  static async create(name: string): Promise<OpfsLogSink> {
    const dir = await logDirectory();
    const file = await dir.getFileHandle(name, { create: true });
    const handle = (await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle()) as SyncHandle;
    if (handle.getSize() > 0) {
      handle.close();
      throw new Error(`${name} already holds a log`);
    }
    return new OpfsLogSink(handle);
  }

  /**
   * Opens an existing log to continue it (a session resumed after a crash): its first `keep` bytes are kept (the
   * whole records before a torn tail), the rest is cut off; the bytes kept are returned with the sink.
   */
  static async reopen(name: string, keep: (bytes: Uint8Array) => number): Promise<{ sink: OpfsLogSink; bytes: Uint8Array }> {
    const dir = await logDirectory();
    const file = await dir.getFileHandle(name);
    const handle = (await (file as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }).createSyncAccessHandle()) as SyncHandle;
    const bytes = new Uint8Array(handle.getSize());
    handle.read(bytes, { at: 0 });
    const n = keep(bytes);
    if (n < bytes.length) {
      handle.truncate(n);
      handle.flush();
    }
    const sink = new OpfsLogSink(handle);
    sink.size = n;
    return { sink, bytes: bytes.subarray(0, n) };
  }

  append(record: Uint8Array): void {
    let at = 0;
    while (at < record.length) at += this.handle.write(record.subarray(at), { at: this.size + at });
    this.size += record.length;
  }

  sync(): void {
    this.handle.flush();
  }

  /** The bytes written so far. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.handle.getSize());
    this.handle.read(out, { at: 0 });
    return out;
  }

  close(): void {
    this.handle.close();
  }
}

/** A log kept in memory when the browser has no origin storage (not durable: the page says so). */
export class VolatileLogSink extends MemoryLogSink {
  close(): void {}
}

export interface StoredLog {
  name: string;
  size: number;
  modified: number;
}

/** The logs in the origin's storage, newest first. */
export async function listLogs(): Promise<StoredLog[]> {
  if (!hasOriginStorage()) return [];
  const dir = await logDirectory();
  const out: StoredLog[] = [];
  for await (const [name, handle] of (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind !== 'file' || !name.endsWith(LOG_EXTENSION)) continue;
    try {
      const f = await (handle as FileSystemFileHandle).getFile();
      out.push({ name, size: f.size, modified: f.lastModified });
    } catch {
      // a log being written (its sync handle holds the lock) is listed without its size
      out.push({ name, size: -1, modified: 0 });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? 1 : -1));
}

/** A stored log's bytes. */
export async function readStoredLog(name: string): Promise<Uint8Array> {
  const dir = await logDirectory();
  const f = await (await dir.getFileHandle(name)).getFile();
  return new Uint8Array(await f.arrayBuffer());
}

/** Offers bytes as a file download. */
export function downloadBytes(bytes: Uint8Array, name: string): void {
  saveFile(name, 'application/octet-stream', bytes);
}
