import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { VERSION } from '../version.js';

/** SHA-256 of bytes (a string is hashed as UTF-8), lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? new TextEncoder().encode(data) : data));
}

/**
 * One hash for a set of named inputs: SHA-256 over the sorted "name sha256" lines, so the same files give the
 * same hash whatever order they were read in, and any changed byte or renamed input changes it.
 */
export function inputsHash(inputs: Record<string, Uint8Array | string>): string {
  const lines = Object.keys(inputs)
    .sort()
    .map((name) => `${name} ${sha256Hex(inputs[name])}\n`);
  return sha256Hex(lines.join(''));
}

/** What every JSON output and NIfTI header carries: the software, its version, and the inputs' hash. */
export interface Provenance {
  software: 'OpenFUAS';
  version: string;
  /** inputsHash() of the inputs the output was computed from */
  inputsSha256: string;
}

export function provenance(inputs: Record<string, Uint8Array | string>): Provenance {
  return { software: 'OpenFUAS', version: VERSION, inputsSha256: inputsHash(inputs) };
}

/** The short form for a NIfTI header's 80-character descrip field: "OpenFUAS 0.1.0 in:<16 hex>". */
export function provenanceTag(p: Provenance): string {
  return `OpenFUAS ${p.version} in:${p.inputsSha256.slice(0, 16)}`;
}
