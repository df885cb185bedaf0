import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Case,
  type DicomFile,
  type FibroidPosition,
  InputError,
  type T2Type,
  type Volume,
  caseInfo,
  decodeCaseFiles,
  decodeDicomSeries,
  decodeNifti,
  encodeCaseFiles,
  generatePhantom,
  importCase,
  parseLabelMap,
} from '@openfuas/core';
import { type Command, InvalidArgumentError } from 'commander';
import { checkOutputFolder, readFileBytes, readJsonFile, writeFolder } from '../io.js';
import { parseIntegerOption, parseRangeOption } from '../options.js';
import { runAction } from '../run-action.js';

function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** The files a case folder holds (an existing folder of only these may be replaced by a new case). */
export function isCaseFileName(name: string): boolean {
  return name === 'case.json' || name === 'labels.nii.gz' || /^image(-[a-z0-9-]+)?\.nii\.gz$/.test(name);
}

/** Writes a case folder (case.json, image.nii.gz, labels.nii.gz) as a whole and returns the file names. */
async function writeCase(c: Case, dir: string): Promise<string[]> {
  const files = encodeCaseFiles(c);
  await writeFolder(dir, files);
  return Object.keys(files);
}

/** Reads a case folder (case.json and the files it names, checked against its content hashes). */
export async function readCaseFolder(dir: string): Promise<Case> {
  return (await readCaseFolderWithHash(dir)).case;
}

/** Reads a case folder and the SHA-256 of its case.json (which holds the hashes of the other files). */
export async function readCaseFolderWithHash(dir: string): Promise<{ case: Case; sha256: string; manifest: Uint8Array }> {
  const manifestPath = join(dir, 'case.json');
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new InputError(dir, 'is not a case folder (expected a folder holding case.json)');
  const files: Record<string, Uint8Array> = { 'case.json': await readFileBytes(manifestPath) };
  let manifest: { images?: { file?: unknown }[]; labels?: { file?: unknown } } | null = null;
  try {
    manifest = JSON.parse(new TextDecoder().decode(files['case.json']));
  } catch {
    // decodeCaseFiles reports the bad JSON as a FormatError naming the file
  }
  const names = new Set<string>();
  for (const img of manifest?.images ?? []) if (typeof img?.file === 'string') names.add(img.file);
  if (typeof manifest?.labels?.file === 'string') names.add(manifest.labels.file);
  for (const name of names) {
    // names are checked to be plain file names by decodeCaseFiles; read only those
    if (/^[A-Za-z0-9._-]+$/.test(name) && !name.startsWith('.')) {
      const bytes = await readFileBytes(join(dir, name)).catch((e) => {
        // a missing file is reported by decodeCaseFiles; anything else (FIFO, too large) here
        if ((e as { message?: string }).message?.includes('ENOENT')) return undefined;
        throw e;
      });
      if (bytes) files[name] = bytes;
    }
  }
  const c = decodeCaseFiles(files, dir);
  return { case: c, sha256: sha256OfManifest(files['case.json']), manifest: files['case.json'] };
}

/** SHA-256 of case.json (lower-case hex): what a plan's caseSha256 holds. */
export function sha256OfManifest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads an image: a NIfTI file, or a folder of DICOM files (one series). */
async function readImage(path: string): Promise<{ volume: Volume<Float32Array>; modality: string; source: Record<string, unknown> }> {
  const s = await stat(path).catch(() => null);
  if (!s) throw new InputError(path, 'no such file or folder');
  if (s.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    if (entries.length === 0) throw new InputError(path, 'the DICOM folder holds no files (one series per folder, files directly inside)');
    const files: DicomFile[] = [];
    for (const e of entries) files.push({ name: join(path, e.name), bytes: await readFileBytes(join(path, e.name)) });
    const v = decodeDicomSeries(files, { folderName: path });
    return {
      volume: { grid: v.grid, data: v.data },
      modality: `${v.info.modality || 'DICOM'} ${v.info.seriesDescription}`.trim(),
      source: {
        dicom: { series: v.info.seriesInstanceUid, slices: v.info.slices, transferSyntax: v.info.transferSyntax, skipped: v.info.skipped },
      },
    };
  }
  const v = decodeNifti(await readFileBytes(path), path);
  return { volume: { grid: v.grid, data: v.data }, modality: v.header.description || 'NIfTI image', source: {} };
}

const mm = (m: number) => (m * 1000).toFixed(1);
const cm3 = (m3: number) => (m3 * 1e6).toFixed(2);

export function register(program: Command): void {
  const cmd = program.command('case').description('patient cases: the built-in fibroid phantom, import of NIfTI/DICOM, summaries');

  cmd
    .command('phantom')
    .description('write the built-in fibroid phantom (case.json, image.nii.gz, labels.nii.gz)')
    .option('--fibroid-diameter <mm>', 'fibroid diameter, mm (10–120)', parseRangeOption('--fibroid-diameter', 10, 120, 'mm'), 55)
    .option(
      '--fibroid-position <where>',
      'anterior | posterior | fundal | submucosal',
      choice<FibroidPosition>(['anterior', 'posterior', 'fundal', 'submucosal']),
      'anterior',
    )
    .option('--t2-type <n>', 'Funaki T2 type 1 | 2 | 3 (sets fibroid perfusion and attenuation)', parseIntegerOption('--t2-type', 1, 3), 2)
    .option(
      '--wall <preset>',
      'abdominal wall preset thin | median | thick (quartiles of Yang 2021)',
      choice(['thin', 'median', 'thick'] as const),
      'median',
    )
    .option('--fat <mm>', 'subcutaneous fat thickness, mm (default from --wall: 16.0)', parseRangeOption('--fat', 0, 100, 'mm'))
    .option('--muscle <mm>', 'rectus abdominis thickness, mm (default from --wall: 9.1)', parseRangeOption('--muscle', 0, 50, 'mm'))
    .option('--skin <mm>', 'skin thickness, mm', parseRangeOption('--skin', 0.5, 10, 'mm'), 2)
    .option('--bowel-in-path', 'put a gas-filled bowel loop across the beam path', false)
    .option('--voxel <mm>', 'voxel size, mm (0.25–10)', parseRangeOption('--voxel', 0.25, 10, 'mm'), 1)
    .option('--seed <n>', 'random seed (integer)', parseIntegerOption('--seed', -(2 ** 31), 2 ** 31 - 1), 1)
    .requiredOption('--out <dir>', 'output folder')
    .exitOverride()
    .action(
      runAction(
        async (o: {
          fibroidDiameter: number;
          fibroidPosition: FibroidPosition;
          t2Type: number;
          wall: 'thin' | 'median' | 'thick';
          fat?: number;
          muscle?: number;
          skin: number;
          bowelInPath: boolean;
          voxel: number;
          seed: number;
          out: string;
        }) => {
          await checkOutputFolder(o.out, '--out', isCaseFileName);
          const t0 = performance.now();
          const c = generatePhantom({
            seed: o.seed,
            voxelSizeMm: o.voxel,
            wall: o.wall,
            skinMm: o.skin,
            fatMm: o.fat,
            muscleMm: o.muscle,
            bowelInPath: o.bowelInPath,
            fibroids: [{ diameterMm: o.fibroidDiameter, position: o.fibroidPosition, t2Type: o.t2Type as T2Type }],
          });
          const ms = performance.now() - t0;
          const files = await writeCase(c, o.out);
          process.stdout.write(
            `${c.name}: ${c.grid.shape.join('×')} voxels of ${o.voxel} mm, generated in ${ms.toFixed(0)} ms; wrote ${files.join(', ')} to ${o.out}\n`,
          );
        },
      ),
    );

  cmd
    .command('import')
    .description('import a case from an image (NIfTI file or DICOM folder) and a segmentation with a label map')
    .requiredOption('--image <path>', 'image: T2.nii[.gz] or a folder of one DICOM series')
    .requiredOption('--labels <file>', 'segmentation label map (NIfTI, integer labels)')
    .requiredOption('--label-map <file>', 'JSON mapping label values to structure names, e.g. {"1": "fibroid", "2": "uterus"}')
    .option('--target <name>', 'target structure', 'fibroid')
    .option('--name <name>', 'case name (default: the image file name)')
    .requiredOption('--out <dir>', 'output folder')
    .exitOverride()
    .action(
      runAction(async (o: { image: string; labels: string; labelMap: string; target: string; name?: string; out: string }) => {
        await checkOutputFolder(o.out, '--out', isCaseFileName);
        const image = await readImage(o.image);
        const labels = decodeNifti(await readFileBytes(o.labels), o.labels);
        const map = parseLabelMap(await readJsonFile(o.labelMap), o.labelMap);
        const c = importCase({
          name:
            o.name ??
            o.image
              .replace(/\/+$/, '')
              .split('/')
              .pop()!
              .replace(/\.nii(\.gz)?$/, ''),
          image: image.volume,
          imageName: o.image,
          modality: image.modality,
          labels: { grid: labels.grid, data: labels.raw.data },
          labelsName: o.labels,
          labelMap: map,
          labelMapName: o.labelMap,
          target: o.target,
          source: image.source,
        });
        const files = await writeCase(c, o.out);
        for (const note of c.notes) process.stdout.write(`note: ${note}\n`);
        process.stdout.write(`${c.name}: ${c.grid.shape.join('×')} voxels; wrote ${files.join(', ')} to ${o.out}\n`);
      }),
    );

  cmd
    .command('info')
    .description('volumes per structure and the depth of the target along the beam')
    .argument('<dir>', 'case folder')
    .option('--json', 'print JSON: { grid, structures, target } (a stable contract)', false)
    .exitOverride()
    .action(
      runAction(async (dir: string, o: { json: boolean }) => {
        const c = await readCaseFolder(dir);
        const info = caseInfo(c);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
          return;
        }
        const lines = [
          `case ${c.name}`,
          `grid ${info.grid.shape.join('×')} voxels, spacing ${info.grid.spacing.map(mm).join(' × ')} mm`,
          'structures (label, volume):',
          ...Object.entries(info.structures).map(
            ([name, s]) => `  ${name.padEnd(14)} ${String(s.label).padStart(3)}  ${cm3(s.volume).padStart(10)} cm³`,
          ),
          `target ${info.target.name}: ${cm3(info.target.volume)} cm³, depth below the skin along the beam ${mm(info.target.depthFromSkin[0])}–${mm(info.target.depthFromSkin[1])} mm`,
        ];
        if (c.notes.length) lines.push(...c.notes.map((n) => `note: ${n}`));
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
