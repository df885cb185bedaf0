import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../src/console/canonical-json.js';
import { crc32 } from '../../src/checksum/crc32.js';
import { sha256Hex } from '../../src/provenance/provenance.js';
import { seededRandom } from '../../src/case/seeded-random.js';

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on random inputs of every length around the block and padding edges', () => {
    const rng = seededRandom(7);
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097]) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(rng.next() * 256);
      expect(sha256Hex(b), `length ${n}`).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });
});

describe('crc32', () => {
  it('has the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":3,"y":2}]},"b":1}');
  });
  it('gives the same hash for the same content written in another key order', () => {
    expect(contentHash({ a: 1, b: [0.1, 2] })).toBe(contentHash({ b: [0.1, 2], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 1.0000001 }));
  });
  it('refuses non-finite numbers with the field named', () => {
    expect(() => canonicalJson({ plan: { power: Number.NaN } })).toThrow(/value\.plan\.power/);
  });
});
