import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes with scrypt (RFC 7914), N = 2^15, r = 8, p = 1: OWASP's Password Storage Cheat Sheet
 * minimum for scrypt. Stored as `scrypt$N$r$p$salt$hash` (hex) so the cost can rise without breaking old hashes.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 128 * N * R * 2; // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that, leave room

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${key.toString('hex')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash) return false;
  const key = await derive(password, Buffer.from(salt, 'hex'), Number(n), Number(r), Number(p));
  const expected = Buffer.from(hash, 'hex');
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password: checked when the username is unknown, so the answer takes as long. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${'00'.repeat(16)}$${'00'.repeat(KEY_LENGTH)}`;
