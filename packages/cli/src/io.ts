import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FormatError, InputError, LimitError, MAX_INPUT_FILE_BYTES, MAX_JSON_FILE_BYTES } from '@openfuas/core';
import { CliUsageError } from './run-action.js';

const errno = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String(e);

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdir loops forever under /proc (ENOENT from a path
 * that cannot be created), which would hang `--out /proc/x/y`.
 */
async function mkdirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    const info = await stat(d).catch((e) => (errno(e) === 'ENOENT' ? null : Promise.reject(e)));
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`${d} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    await mkdir(m).catch((e) => (errno(e) === 'EEXIST' ? undefined : Promise.reject(e)));
  }
}

/**
 * Reads a whole regular file of at most `maxBytes`. A FIFO, socket or device is refused without blocking
 * (opened non-blocking, checked with fstat on the open handle), and no more than the size fstat reported is
 * read, so /dev/zero or a file that keeps growing cannot fill memory.
 */
export async function readFileBytes(path: string, maxBytes = MAX_INPUT_FILE_BYTES): Promise<Uint8Array> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(path, `cannot read file (${errno(e)})`);
  }
  try {
    const info = await fh.stat();
    if (info.isDirectory()) throw new InputError(path, 'is a folder, expected a file');
    if (!info.isFile()) throw new InputError(path, 'is not a regular file (a FIFO, socket or device is not read)');
    if (info.size > maxBytes) {
      throw new LimitError(`${path}: ${info.size} bytes exceed the input limit of ${maxBytes} bytes`);
    }
    const out = new Uint8Array(info.size);
    let got = 0;
    while (got < out.length) {
      const { bytesRead } = await fh.read(out, got, out.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === out.length ? out : out.subarray(0, got);
  } catch (e) {
    if (e instanceof InputError || e instanceof LimitError) throw e;
    throw new InputError(path, `cannot read file (${errno(e)})`);
  } finally {
    await fh.close();
  }
}

/** Reads and parses a JSON file (at most MAX_JSON_FILE_BYTES); bad JSON is a FormatError naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJsonBytes(await readFileBytes(path, MAX_JSON_FILE_BYTES), path);
}

/** Parses JSON bytes; bad JSON (or more than MAX_JSON_FILE_BYTES) is an error naming the file. */
export function parseJsonBytes(bytes: Uint8Array, path: string): unknown {
  if (bytes.length > MAX_JSON_FILE_BYTES)
    throw new LimitError(`${path}: ${bytes.length} bytes exceed the JSON input limit of ${MAX_JSON_FILE_BYTES}`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new FormatError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** An unpredictable temporary name in `dir` (hidden, so a crash leaves nothing that looks like an output). */
function tempPath(dir: string, kind: string): string {
  return join(dir, `.fuas-${kind}-${randomBytes(9).toString('hex')}`);
}

/** File names longer than this cannot be created on common file systems. */
const NAME_MAX = 255;

/**
 * Checks, before any computation, that `path` can be written as a file: not a folder, its name not too
 * long, its folder creatable and writable (a probe file is created exclusively there and removed). A
 * problem is a CliUsageError naming the flag, so the command exits 2 before it computes anything.
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  if (path === '' || path.endsWith('/')) throw new CliUsageError(`${flag} ${path}: expected a file name`);
  if (Buffer.byteLength(basename(path)) > NAME_MAX) throw new CliUsageError(`${flag}: the file name is longer than ${NAME_MAX} bytes`);
  const info = await lstat(path).catch(() => null);
  if (info?.isDirectory()) throw new CliUsageError(`${flag} ${path}: is a folder, expected a file`);
  if (info && !info.isFile() && !info.isSymbolicLink()) throw new CliUsageError(`${flag} ${path}: exists and is not a regular file`);
  await probeFolder(dirname(path), flag);
}

/**
 * Checks, before any computation, that `dir` can be written as an output folder: it does not exist yet, is
 * empty, or holds only files the command writes (`ours`); its parent is writable.
 */
export async function checkOutputFolder(dir: string, flag: string, ours: (name: string) => boolean): Promise<void> {
  if (dir === '') throw new CliUsageError(`${flag}: expected a folder name`);
  if (Buffer.byteLength(basename(resolve(dir))) > NAME_MAX - 40) throw new CliUsageError(`${flag}: the folder name is too long`);
  const info = await lstat(dir).catch(() => null);
  if (info) {
    if (!info.isDirectory()) throw new CliUsageError(`${flag} ${dir}: exists and is not a folder`);
    const foreign = (await readdir(dir).catch(() => [] as string[])).filter((n) => !ours(n));
    if (foreign.length > 0) {
      throw new CliUsageError(
        `${flag} ${dir}: the folder holds other files (${foreign.slice(0, 3).join(', ')}); give a new or empty folder`,
      );
    }
  }
  await probeFolder(dirname(resolve(dir)), flag);
}

async function probeFolder(dir: string, flag: string): Promise<void> {
  try {
    await mkdirs(dir);
  } catch (e) {
    throw new CliUsageError(`${flag}: cannot create the folder ${dir} (${errno(e)})`);
  }
  const probe = tempPath(dir, 'probe');
  try {
    const fh = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    await fh.close();
    await unlink(probe);
  } catch (e) {
    throw new CliUsageError(`${flag}: cannot write in ${dir} (${errno(e)})`);
  }
}

/** Creates `path` exclusively (never through an existing file or symlink) and writes `bytes` to disk. */
async function writeExclusive(path: string, bytes: Uint8Array | string): Promise<void> {
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The error when an output cannot be written after the computation: it names the output and says so. */
function writeError(path: string, e: unknown): InputError {
  return new InputError(path, `cannot write the output (${errno(e)}); the result was computed but not saved`);
}

/**
 * Writes a file whole: to an exclusively created temporary file with an unpredictable name in the same
 * folder, synced, then renamed over `path`; the temporary file is removed on failure.
 */
export async function writeFileBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdirs(dir);
  } catch (e) {
    throw writeError(path, e);
  }
  const tmp = tempPath(dir, 'write');
  try {
    await writeExclusive(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw writeError(path, e);
  }
}

/**
 * Writes a folder whole: every file into a fresh sibling folder, then renamed to `dir`. An existing `dir` is
 * first moved aside and removed once the new one is in place, so `dir` is never a mix of old and new files
 * (at worst, after a crash between the two renames, it is missing and the old one sits beside it).
 */
export async function writeFolder(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  const parent = dirname(resolve(dir));
  const fresh = tempPath(parent, 'new');
  let old: string | null = null;
  try {
    await mkdirs(parent);
    await mkdir(fresh, { mode: 0o755 });
    for (const [name, bytes] of Object.entries(files)) {
      if (name.includes('/')) await mkdirs(dirname(join(fresh, name)));
      await writeExclusive(join(fresh, name), bytes);
    }
    const existing = await lstat(dir).catch(() => null);
    if (existing) {
      if (!existing.isDirectory()) throw Object.assign(new Error('exists and is not a folder'), { code: 'ENOTDIR' });
      old = tempPath(parent, 'old');
      await rename(dir, old);
    }
    await rename(fresh, dir);
  } catch (e) {
    await rm(fresh, { recursive: true, force: true }).catch(() => {});
    if (old && !(await stat(dir).catch(() => null))) await rename(old, dir).catch(() => {});
    throw writeError(dir, e);
  }
  if (old) await rm(old, { recursive: true, force: true }).catch(() => {});
}
