import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FormatError, InputError } from '@openfuas/core';

/** Reads a whole file; a missing or unreadable file is an InputError naming it. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Reads and parses a JSON file; bad JSON is a FormatError naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readFileBytes(path));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** Writes a file, creating its folder; written whole to a temporary name first so no half file is left. */
export async function writeFileBytes(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, bytes);
  const { rename } = await import('node:fs/promises');
  await rename(tmp, path);
}
