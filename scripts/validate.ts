// `npm run validate [-- SUBSTRING ...]`: runs validation/*.validate.ts and writes docs/validation/README.md
// (method, tables, verdicts) and the SVG figures beside it. With substrings, only matching cases run: their sections
// replace those of the same title in the report, the other sections are kept.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineInfo } from './machine-info.ts';
import type { ValidationCase, ValidationSection } from './validation-types.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = `${root}docs/validation/`;
const filters = process.argv.slice(2);
const files = readdirSync(`${root}validation`)
  .filter((f) => f.endsWith('.validate.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
mkdirSync(outDir, { recursive: true });

const sections: Array<{ name: string; section: ValidationSection; seconds: number }> = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(`${root}validation/${file}`).href)) as { default: ValidationCase };
  process.stderr.write(`validate: ${mod.default.title}...\n`);
  const t0 = performance.now();
  const section = await mod.default.run();
  const seconds = (performance.now() - t0) / 1000;
  for (const fig of section.figures) writeFileSync(outDir + fig.file, fig.svg);
  sections.push({ name: mod.default.name, section, seconds });
}

const cell = (v: string | number) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : v.replace(/\|/g, '\\|');
const lines: string[] = [
  '# OpenFUAS validation report',
  '',
  'Written by `npm run validate`. Every numerical method is compared with an independent reference',
  '(analytic solutions, conservation laws, convergence under refinement, published measurements); the',
  'unit tests assert the same comparisons with the tolerances stated here.',
  '',
  `Machine: \`${JSON.stringify(machineInfo())}\`; date ${new Date().toISOString().slice(0, 10)}.`,
  filters.length > 0 ? `\nPartial run (filters: ${filters.join(', ')}).` : '',
  '',
];
if (sections.length === 0) lines.push('No validation case is registered yet.');
// A partial run rewrites only its own sections: the others are kept as the last run wrote them (a section runs from
// its "## title" line to the next one), in their order, with the new ones replacing theirs or appended.
const kept: Array<{ title: string; body: string }> = [];
if (filters.length > 0 && existsSync(`${outDir}README.md`)) {
  const old = readFileSync(`${outDir}README.md`, 'utf8')
    .split(/^(?=## )/m)
    .slice(1);
  for (const part of old) kept.push({ title: part.slice(3, part.indexOf('\n')).trim(), body: part.trimEnd() });
}
const rendered = new Map<string, string>();
for (const { section, seconds } of sections) {
  const start = lines.length;
  lines.push(`## ${section.title}`, '', section.text.trim(), '');
  for (const t of section.tables) {
    lines.push(`*${t.caption}*`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`);
    for (const r of t.rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
    lines.push('');
  }
  for (const f of section.figures) lines.push(`![${f.caption}](${f.file})`, '', `*${f.caption}*`, '');
  lines.push(`<sub>computed in ${seconds.toFixed(1)} s</sub>`, '');
  rendered.set(section.title, lines.splice(start).join('\n').trimEnd());
}
for (const k of kept) lines.push(rendered.get(k.title) ?? k.body, '');
for (const [title, body] of rendered) if (!kept.some((k) => k.title === title)) lines.push(body, '');
writeFileSync(`${outDir}README.md`, `${lines.join('\n').trimEnd()}\n`);
process.stdout.write(`wrote ${outDir}README.md (${sections.length} section${sections.length === 1 ? '' : 's'})\n`);
