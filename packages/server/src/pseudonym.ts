import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

// Browser-safe (no node:crypto): the workstation's offline store pseudonymises with its own local key.

/**
 * A patient's pseudonym: HMAC-SHA256 of the centre's local identifier under the centre's secret key (hex).
 * The same local identifier always gives the same pseudonym at one centre, and without the key the
 * identifier cannot be recovered nor checked by trying candidates (unlike a plain hash).
 */
export function pseudonymOf(centreKeyHex: string, localId: string): string {
  return bytesToHex(hmac(sha256, hexToBytes(centreKeyHex), utf8ToBytes(localId.normalize('NFC').trim())));
}

/** 32 random bytes (hex) from the platform's CSPRNG (Web Crypto, in Node and in browsers). */
export function newCentreKey(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
}
