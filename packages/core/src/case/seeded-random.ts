/**
 * A small deterministic pseudo-random generator for reproducible phantoms: mulberry32 (T. Ettinger, public
 * domain; 32-bit state, period 2^32, passes gjrand/PractRand at the sizes used here). The same seed gives
 * the same sequence on every JavaScript engine (integer arithmetic only; `normal` uses Math.log/cos/sin,
 * whose last-bit differences between engines vanish once phantom values are rounded).
 */
export interface SeededRandom {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number;
  /** standard normal N(0, 1) (Box–Muller, both outputs used) */
  normal(): number;
  /** fills `out` with standard normals (the same generator, inlined for bulk use: image noise) */
  fillNormal(out: Float32Array): void;
}

/** A generator seeded with an integer (any finite number is truncated to 32 bits). */
export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  let spare = Number.NaN;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = Number.NaN;
        return s;
      }
      const u = 1 - next(); // (0, 1]
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fillNormal: (out) => {
      let s = a;
      const n = out.length;
      for (let i = 0; i < n; i += 2) {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = Math.imul(s ^ (s >>> 15), s | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const u = 1 - ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        s = (s + 0x6d2b79f5) >>> 0;
        t = Math.imul(s ^ (s >>> 15), s | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const v = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        const r = Math.sqrt(-2 * Math.log(u));
        out[i] = r * Math.cos(2 * Math.PI * v);
        if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
      a = s;
    },
  };
}
