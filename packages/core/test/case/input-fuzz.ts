// Fuzzing of the JSON inputs (scenario, plan, case.json) and of gzip integrity, shared by the CI test
// (input-fuzz.test.ts, fast) and `npm run fuzz` (long). Every rejection must be a FuasError; nothing accepted
// may hold a non-finite number; a bit flip in a .nii.gz must be refused or give the same voxels.
import {
  FuasError,
  type Case,
  decodeCaseFiles,
  decodeNifti,
  encodeCaseFiles,
  encodeNifti,
  parsePlan,
  parseScenario,
  parseSonication,
} from '../../src/index.js';
import { type SeededRandom, seededRandom } from '../../src/case/seeded-random.js';

/** Values a hostile or careless input puts where numbers, strings or objects belong. */
const NASTY: unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  0,
  1e308,
  -1e308,
  1e-300,
  1e9,
  '',
  '400',
  null,
  true,
  [],
  {},
  [1, 2, 3],
  'x'.repeat(1000),
  2 ** 53,
];

/** A seeded random edit of a JSON value: replace a leaf, rename or add a key, drop a key, duplicate array items. */
export function mutateJson(value: unknown, rng: SeededRandom): unknown {
  const copy = structuredClone(value);
  const paths: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        paths.push({ parent: v, key: i });
        walk(v[i]);
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        paths.push({ parent: v as Record<string, unknown>, key: k });
        walk(x);
      }
    }
  };
  walk(copy);
  if (paths.length === 0) return NASTY[Math.floor(rng.next() * NASTY.length)];
  const { parent, key } = paths[Math.floor(rng.next() * paths.length)];
  const pick = rng.next();
  if (pick < 0.5) (parent as Record<string | number, unknown>)[key] = NASTY[Math.floor(rng.next() * NASTY.length)];
  else if (pick < 0.65 && !Array.isArray(parent)) {
    // a typo of the key: one letter dropped
    const k = String(key);
    const value = parent[k];
    delete parent[k];
    parent[k.slice(0, -1) || 'x'] = value;
  } else if (pick < 0.8 && !Array.isArray(parent)) delete parent[String(key)];
  else if (Array.isArray(parent)) parent.push(...Array.from({ length: 1 + Math.floor(rng.next() * 3) }, () => structuredClone(parent[0])));
  else (parent as Record<string, unknown>)[`extra${Math.floor(rng.next() * 10)}`] = 1;
  return copy;
}

/** True when any number in `v` (deeply) is not finite. */
function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (v && typeof v === 'object') return Object.values(v).some(hasNonFinite);
  return false;
}

export interface InputFuzzResult {
  iterations: number;
  accepted: number;
  rejected: number;
  failures: string[];
  maxMs: number;
}

/** Runs `n` mutations of each JSON seed through its parser. */
export function fuzzJsonInputs(n: number, seed: number, phantom: Case): Record<string, InputFuzzResult> {
  const scenario = {
    transducer: { preset: 'clinical-0.8mhz', power: 100 },
    medium: { layers: [{ tissue: 'water', thickness: 0.088 }, { tissue: 'fat', thickness: 0.016 }, { tissue: 'fibroid' }] },
    sonication: { duration: 2, cooling: 5 },
  };
  const plan = {
    format: 'openfuas-plan',
    version: 1,
    caseName: 'x',
    device: { preset: 'clinical-0.8mhz' },
    placement: { beamDirection: [0, -1, 0], waterTemperature: 20 },
    constraints: { lesionDose: 240, sliceSpacing: 0.005 },
    sonications: [{ focus: [0, 0.01, 0], power: 100, exposure: 3, cooling: 5, slice: 0 }],
  };
  const files = encodeCaseFiles(phantom);
  const manifest = JSON.parse(new TextDecoder().decode(files['case.json']));
  const targets: Record<string, { seed: unknown; parse: (v: unknown) => unknown }> = {
    scenario: {
      seed: scenario,
      parse: (v) => {
        const s = parseScenario(v);
        parseSonication((v as { sonication?: unknown }).sonication);
        return s;
      },
    },
    plan: { seed: plan, parse: (v) => parsePlan(v) },
    'case.json': {
      seed: manifest,
      parse: (v) => decodeCaseFiles({ ...files, 'case.json': new TextEncoder().encode(JSON.stringify(v)) }),
    },
  };
  const out: Record<string, InputFuzzResult> = {};
  let s = seed;
  for (const [name, t] of Object.entries(targets)) {
    const rng = seededRandom(s++);
    const r: InputFuzzResult = { iterations: n, accepted: 0, rejected: 0, failures: [], maxMs: 0 };
    for (let i = 0; i < n; i++) {
      let v = mutateJson(t.seed, rng);
      if (rng.next() < 0.3) v = mutateJson(v, rng);
      const t0 = performance.now();
      try {
        const parsed = t.parse(v);
        r.accepted++;
        // an accepted plan holds only finite numbers (a parsed scenario holds Infinity by design: the last
        // layer's end, NaN for an unknown B/A)
        if (name === 'plan' && hasNonFinite(parsed)) r.failures.push(`${name}: accepted a non-finite number: ${JSON.stringify(v)}`);
      } catch (e) {
        if (e instanceof FuasError) r.rejected++;
        else
          r.failures.push(`${name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} for ${JSON.stringify(v).slice(0, 300)}`);
      }
      r.maxMs = Math.max(r.maxMs, performance.now() - t0);
    }
    out[name] = r;
  }
  return out;
}

/** Flips `n` seeded single bits of a gzipped label map; counts refused, same-voxel and different-voxel outcomes. */
export function fuzzGzipBitFlips(c: Case, n: number, seed: number) {
  const gz = encodeNifti({ grid: c.grid, data: c.labels }, { gzip: true, intent: 'label' });
  const reference = decodeNifti(gz).raw.data;
  const rng = seededRandom(seed);
  const r = { flips: n, bytes: gz.length, refused: 0, sameVoxels: 0, differentVoxelsAccepted: 0, otherErrors: 0 };
  for (let k = 0; k < n; k++) {
    const b = gz.slice();
    const bit = Math.floor(rng.next() * gz.length * 8);
    b[bit >> 3] ^= 1 << (bit & 7);
    try {
      const v = decodeNifti(b, 'flip.nii.gz').raw.data;
      let equal = v.length === reference.length;
      for (let i = 0; equal && i < v.length; i++) equal = v[i] === reference[i];
      if (equal) r.sameVoxels++;
      else r.differentVoxelsAccepted++;
    } catch (e) {
      if (e instanceof FuasError) r.refused++;
      else r.otherErrors++;
    }
  }
  return r;
}
