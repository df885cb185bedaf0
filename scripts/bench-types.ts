/** One benchmark figure set, printed by `npm run bench` as one JSON line (with machine info added). */
export interface BenchResult {
  name: string;
  parameters: Record<string, unknown>;
  figures: Record<string, number>;
}

/** A benchmark file (bench/*.bench.ts) exports one of these as default. */
export interface BenchFile {
  name: string;
  run: () => Promise<BenchResult[]>;
}
