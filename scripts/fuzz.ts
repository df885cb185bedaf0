// The long limit/fuzz run (`npm run fuzz [-- N [seed]]`, default N = 20000): the NIfTI and DICOM readers under
// N random mutations each, N mutations of each JSON input (scenario, plan, case.json), and N single-bit flips of
// a gzipped phantom label map. Prints one JSON summary; exits 1 when any input made a reader or parser throw
// something other than the project's typed errors, accepted a non-finite plan, accepted a bit flip with other
// voxels, or took over 2 s (6 s for a case folder). The CI runs the same code with small counts.
import { decodeDicomSeries, decodeNifti, generatePhantom } from '../packages/core/src/index.ts';
import { fuzz } from '../packages/core/test/case/fuzz-mutations.ts';
import { fuzzGzipBitFlips, fuzzJsonInputs } from '../packages/core/test/case/input-fuzz.ts';
import { dicomSeeds, niftiSeeds } from '../packages/core/test/case/readers-fuzz-seeds.ts';

const n = Number(process.argv[2] ?? 20_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [iterations] [seed]');
  process.exit(2);
}
/** Slowest single decode allowed, ms (a hang bound with room for a loaded machine: decodes take ~1–100 ms). */
const MAX_MS = 2000;
const t0 = performance.now();
const nifti = fuzz(niftiSeeds(), (b) => decodeNifti(b, 'fuzz.nii'), n, seed, { gzipSome: true });
const series = dicomSeeds();
const flat = series.flatMap((s, si) => s.map((_, fi) => ({ si, fi })));
const dicom = fuzz(
  series.flatMap((s) => s.map((f) => f.bytes)),
  (bytes, index) => {
    const { si, fi } = flat[index];
    decodeDicomSeries(series[si].map((f, k) => (k === fi ? { name: f.name, bytes } : f)));
  },
  n,
  seed + 1,
  { hotRegion: 800 },
);
const json = fuzzJsonInputs(n, seed + 2, generatePhantom({ voxelSizeMm: 4 }));
const flips = fuzzGzipBitFlips(generatePhantom({ voxelSizeMm: 2 }), n, seed + 3);

const readers = { nifti, dicom };
const bad =
  Object.values(readers).some((r) => r.failures.length > 0 || r.maxMs > MAX_MS) ||
  Object.entries(json).some(([name, r]) => r.failures.length > 0 || r.maxMs > (name === 'case.json' ? 3 * MAX_MS : MAX_MS)) ||
  flips.differentVoxelsAccepted > 0 ||
  flips.otherErrors > 0;
const summary = {
  iterations: n,
  seed,
  seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  readers: Object.fromEntries(
    Object.entries(readers).map(([k, r]) => [
      k,
      { accepted: r.accepted, rejected: r.rejected, failures: r.failures.slice(0, 5), maxMs: Number(r.maxMs.toFixed(1)) },
    ]),
  ),
  json: Object.fromEntries(
    Object.entries(json).map(([k, r]) => [
      k,
      { accepted: r.accepted, rejected: r.rejected, failures: r.failures.slice(0, 5), maxMs: Number(r.maxMs.toFixed(1)) },
    ]),
  ),
  gzipBitFlips: { ...flips, detectionRate: Number((flips.refused / Math.max(1, flips.flips - flips.sameVoxels)).toFixed(4)) },
  ok: !bad,
};
console.log(JSON.stringify(summary, null, 1));
process.exit(bad ? 1 : 0);
