// Fuzzes the NIfTI and DICOM readers with N random mutations each (default 100000), beyond the test suite's
// count: `node --import tsx scripts/fuzz-readers.ts [N] [seed]`. Prints a JSON summary; exits 1 when any
// mutation made a reader throw something other than the project's typed errors, or a decode took over 1 s.
import { decodeDicomSeries, decodeNifti } from '../packages/core/src/index.ts';
import { fuzz } from '../packages/core/test/case/fuzz-mutations.ts';
import { dicomSeeds, niftiSeeds } from '../packages/core/test/case/readers-fuzz-seeds.ts';

const n = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(seed)) {
  console.error('usage: node --import tsx scripts/fuzz-readers.ts [iterations] [seed]');
  process.exit(2);
}
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
const summary = (r: typeof nifti) => ({
  iterations: r.iterations,
  accepted: r.accepted,
  rejected: r.rejected,
  failures: r.failures.length,
  firstFailures: r.failures.slice(0, 3),
  maxMs: Math.round(r.maxMs * 10) / 10,
  totalS: Math.round(r.totalMs / 100) / 10,
});
console.log(JSON.stringify({ seed, nifti: summary(nifti), dicom: summary(dicom) }, null, 2));
const bad = nifti.failures.length + dicom.failures.length > 0 || nifti.maxMs > 1000 || dicom.maxMs > 1000;
process.exit(bad ? 1 : 0);
