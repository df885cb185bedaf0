// `npm run bench [-- SUBSTRING ...]`: runs bench/*.bench.ts (those whose file name contains one of the
// substrings, or all) and prints one JSON object per result: { name, parameters, figures, machine, date }.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFile } from './bench-types.ts';
import { machineInfo } from './machine-info.ts';

const dir = fileURLToPath(new URL('../bench/', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  // a filter that names a benchmark exactly (`demo` → demo.bench.ts) selects only that one
  .filter(
    (f, _, all) => filters.length === 0 || filters.some((s) => (all.includes(`${s}.bench.ts`) ? f === `${s}.bench.ts` : f.includes(s))),
  )
  .sort();
if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${filters.join(', ')}\n`);
  process.exit(2);
}
const machine = machineInfo();
for (const file of files) {
  const mod = (await import(pathToFileURL(dir + file).href)) as { default: BenchFile };
  process.stderr.write(`bench: ${mod.default.name}...\n`);
  for (const result of await mod.default.run()) {
    process.stdout.write(`${JSON.stringify({ ...result, machine, date: new Date().toISOString() })}\n`);
  }
}
