// Random mutations of valid files for fuzzing the readers (used by readers-fuzz.test.ts and
// scripts/fuzz-readers.ts). Deterministic from a seed.
import { gzipSync } from 'fflate';
import { FuasError, type SeededRandom, seededRandom } from '../../src/index.js';

const SPECIAL_BYTES = [0, 1, 0x7f, 0x80, 0xff, 0xfe];
const SPECIAL_INT16 = [0, 1, -1, 2, 3, 4, 7, 8, 16, 348, 352, 32767, -32768, 256, 512, 1002];
const SPECIAL_FLOAT32 = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e-30,
  1e30,
  -1e30,
  352,
  353.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  3.4e38,
];

/** One random mutation of `bytes` (a new array): bit flips, byte/field overwrites, truncation, insertion, deletion, splices. */
export function mutate(bytes: Uint8Array, rng: SeededRandom, hotRegion = 352): Uint8Array {
  const kind = Math.floor(rng.next() * 9);
  const pos = (limit = bytes.length) => Math.floor(rng.next() * Math.max(1, limit));
  // Header fields are where parsers go wrong; aim half of the point mutations there.
  const hotPos = () => (rng.next() < 0.5 ? pos(Math.min(hotRegion, bytes.length)) : pos());
  let out = bytes.slice();
  switch (kind) {
    case 0: {
      const flips = 1 + Math.floor(rng.next() * 8);
      for (let f = 0; f < flips && out.length; f++) out[hotPos()] ^= 1 << Math.floor(rng.next() * 8);
      break;
    }
    case 1: {
      const n = 1 + Math.floor(rng.next() * 4);
      for (let f = 0; f < n && out.length; f++) out[hotPos()] = rng.next() < 0.5 ? SPECIAL_BYTES[pos(SPECIAL_BYTES.length)] : pos(256);
      break;
    }
    case 2: {
      if (out.length >= 2) {
        const p = hotPos() & ~1;
        const dv = new DataView(out.buffer);
        if (p + 2 <= out.length) dv.setInt16(p, SPECIAL_INT16[pos(SPECIAL_INT16.length)], rng.next() < 0.8);
      }
      break;
    }
    case 3: {
      const p = hotPos() & ~3;
      const dv = new DataView(out.buffer);
      if (p + 4 <= out.length) dv.setFloat32(p, SPECIAL_FLOAT32[pos(SPECIAL_FLOAT32.length)], rng.next() < 0.8);
      break;
    }
    case 4:
      out = out.slice(0, pos(out.length + 1));
      break;
    case 5: {
      const p = pos(out.length + 1);
      const n = 1 + pos(64);
      const ins = new Uint8Array(n);
      for (let i = 0; i < n; i++) ins[i] = pos(256);
      const r = new Uint8Array(out.length + n);
      r.set(out.subarray(0, p));
      r.set(ins, p);
      r.set(out.subarray(p), p + n);
      out = r;
      break;
    }
    case 6: {
      // delete n bytes at p
      const p = pos(out.length);
      const n = Math.min(out.length - p, 1 + pos(64));
      const r = new Uint8Array(out.length - n);
      r.set(out.subarray(0, p));
      r.set(out.subarray(p + n), p);
      out = r;
      break;
    }
    case 7: {
      // copy a chunk of the file over another place
      const n = 1 + pos(32);
      const from = pos(Math.max(1, out.length - n));
      const to = pos(Math.max(1, out.length - n));
      out.copyWithin(to, from, from + n);
      break;
    }
    default: {
      // random garbage of random length, sometimes keeping the first bytes (magic)
      const n = pos(2 * out.length + 1);
      const r = new Uint8Array(n);
      for (let i = 0; i < n; i++) r[i] = pos(256);
      if (rng.next() < 0.5) r.set(out.subarray(0, Math.min(n, 132 + pos(300))));
      out = r;
    }
  }
  return out;
}

export interface FuzzResult {
  iterations: number;
  /** decoded without error */
  accepted: number;
  /** rejected with a project error, by class name */
  rejected: Record<string, number>;
  /** anything else thrown: the bug list */
  failures: Array<{ iteration: number; error: string }>;
  /** slowest single decode, ms */
  maxMs: number;
  totalMs: number;
}

/**
 * Runs `iterations` random mutations of the seed files through `decode`; every exception must be a FuasError
 * (InputError, FormatError, LimitError). `gzipSome` also feeds mutated-then-gzipped and gzipped-then-mutated
 * bytes (exercises the inflater).
 */
export function fuzz(
  seeds: Uint8Array[],
  decode: (bytes: Uint8Array, index: number) => void,
  iterations: number,
  seed: number,
  options: { gzipSome?: boolean; hotRegion?: number } = {},
): FuzzResult {
  const rng = seededRandom(seed);
  const gzSeeds = options.gzipSome ? seeds.map((s) => gzipSync(s)) : [];
  const result: FuzzResult = { iterations, accepted: 0, rejected: {}, failures: [], maxMs: 0, totalMs: 0 };
  const t0 = performance.now();
  for (let it = 0; it < iterations; it++) {
    const si = Math.floor(rng.next() * seeds.length);
    const mode = options.gzipSome ? Math.floor(rng.next() * 3) : 0;
    let bytes: Uint8Array;
    if (mode === 0) bytes = mutate(seeds[si], rng, options.hotRegion);
    else if (mode === 1) bytes = gzipSync(mutate(seeds[si], rng, options.hotRegion));
    else bytes = mutate(gzSeeds[si], rng, 64);
    // a second mutation now and then
    if (rng.next() < 0.2) bytes = mutate(bytes, rng, options.hotRegion);
    const s = performance.now();
    try {
      decode(bytes, si);
      result.accepted++;
    } catch (e) {
      if (e instanceof FuasError) result.rejected[e.name] = (result.rejected[e.name] ?? 0) + 1;
      else result.failures.push({ iteration: it, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) });
    }
    const dt = performance.now() - s;
    if (dt > result.maxMs) result.maxMs = dt;
  }
  result.totalMs = performance.now() - t0;
  return result;
}
