import { describe, expect, it } from 'vitest';
import {
  CASE_MANIFEST,
  FormatError,
  InputError,
  caseInfo,
  decodeCaseFiles,
  encodeCaseFiles,
  generatePhantom,
  getTissue,
  sameGrid,
  skinEntryMask,
  structureLabels,
  tissuesByLabel,
  voxelTissues,
} from '../../src/index.js';

const phantom = generatePhantom({ voxelSizeMm: 2 });

describe('case files (case.json + image.nii.gz + labels.nii.gz)', () => {
  it('round trip keeps grid, labels, image, structures, overrides and geometry', () => {
    const files = encodeCaseFiles(phantom);
    expect(Object.keys(files).sort()).toEqual(['case.json', 'image.nii.gz', 'labels.nii.gz']);
    const manifest = JSON.parse(new TextDecoder().decode(files[CASE_MANIFEST]));
    expect(manifest.format).toBe('openfuas-case');
    expect(manifest.version).toBe(1);
    const back = decodeCaseFiles(files);
    // NIfTI headers hold float32: the grid survives to float32 precision (exactly for 2 mm voxels on whole mm)
    expect(back.grid.shape).toEqual(phantom.grid.shape);
    for (let i = 0; i < 16; i++) expect(Math.abs(back.grid.affine[i] - phantom.grid.affine[i])).toBeLessThan(1e-4);
    expect(sameGrid(back.grid, phantom.grid)).toBe(true);
    expect(back.labels.length).toBe(phantom.labels.length);
    let diff = 0;
    for (let i = 0; i < phantom.labels.length; i++) diff += back.labels[i] !== phantom.labels[i] ? 1 : 0;
    const img = phantom.images[0].volume.data;
    const img2 = back.images[0].volume.data;
    for (let i = 0; i < img.length; i++) diff += img[i] !== img2[i] ? 1 : 0;
    expect(diff).toBe(0);
    expect(img2).toBeInstanceOf(Int16Array);
    expect(back.structures).toEqual(phantom.structures);
    expect(back.tissueOverrides).toEqual(phantom.tissueOverrides);
    expect(back.couch).toEqual(phantom.couch);
    expect(back.skinEntry).toEqual(phantom.skinEntry);
    expect(caseInfo(back)).toEqual(caseInfo(phantom));
  });

  it('bad case folders: missing files, bad JSON, wrong version, unknown structure, mismatched grids', () => {
    const files = encodeCaseFiles(phantom);
    const withManifest = (edit: (m: Record<string, unknown>) => void) => {
      const m = JSON.parse(new TextDecoder().decode(files[CASE_MANIFEST]));
      edit(m);
      return { ...files, [CASE_MANIFEST]: new TextEncoder().encode(JSON.stringify(m)) };
    };
    const fail = (f: Record<string, Uint8Array>, re: RegExp) => {
      expect(() => decodeCaseFiles(f, 'DIR')).toThrow(FormatError);
      expect(() => decodeCaseFiles(f, 'DIR')).toThrow(re);
    };
    fail({ ...files, 'case.json': undefined as unknown as Uint8Array }, /DIR\/case\.json: missing/);
    fail({ ...files, 'case.json': new TextEncoder().encode('{oops') }, /case\.json: not valid JSON/);
    fail(
      withManifest((m) => (m.version = 99)),
      /version 99 is not supported/,
    );
    fail(
      withManifest((m) => ((m.structures as { name: string }[])[3].name = 'spleen')),
      /unknown structure "spleen"/,
    );
    fail(
      withManifest((m) => (m.target = 'liver')),
      /target/,
    );
    fail(
      withManifest((m) => ((m.labels as { file: string }).file = '../etc/passwd')),
      /plain file name/,
    );
    fail({ ...files, 'labels.nii.gz': files['image.nii.gz'].subarray(0, 100) }, /DIR\/labels\.nii\.gz/);
    const other = encodeCaseFiles(generatePhantom({ voxelSizeMm: 2.5 }));
    // with content hashes (written since issue 17) a mixed folder is refused before it is decoded
    fail({ ...files, 'image.nii.gz': other['image.nii.gz'] }, /DIR\/image\.nii\.gz: content differs from the hash in case\.json/);
    fail(
      withManifest((m) => (m.taget = 'fibroid')),
      /taget: unknown key; did you mean "target"/,
    );
    fail(
      withManifest((m) => ((m.tissueOverrides as Record<string, Record<string, number>>).fibroid = { conductivity: 1e6 })),
      /tissueOverrides\.fibroid\.conductivity: must be within \[0\.01, 10\]/,
    );
    // a folder written before hashes: the decoders' own checks still apply
    const noHashes = withManifest((m) => delete m.files);
    fail({ ...noHashes, 'image.nii.gz': other['image.nii.gz'] }, /does not match the label grid/);
    // image values that are not labels
    fail({ ...noHashes, 'labels.nii.gz': files['image.nii.gz'] }, /not an integer 0–255/);
  });
});

describe('case helpers for planning', () => {
  it('structure names ↔ labels', () => {
    const m = structureLabels(phantom);
    expect(m.fibroid).toBe(7);
    expect(m['bowel-gas']).toBe(10);
    expect(m.water).toBe(1);
  });

  it('tissues per label and per voxel apply the case overrides (tissue table, not a copy)', () => {
    const byLabel = tissuesByLabel(phantom);
    expect(byLabel[7]!.perfusion).toBe(phantom.tissueOverrides.fibroid.perfusion);
    expect(byLabel[7]!.soundSpeed).toBe(getTissue('fibroid').soundSpeed);
    expect(byLabel[4]).toEqual(getTissue('muscle'));
    const { tissues, index, structureNames } = voxelTissues(phantom);
    expect(index.length).toBe(phantom.labels.length);
    for (let i = 0; i < index.length; i += 997)
      expect(structureNames[index[i]]).toBe(phantom.structures.find((s) => s.label === phantom.labels[i])!.name);
    expect(tissues[index[phantom.labels.indexOf(7)]].name).toBe('fibroid');
    const bad = { ...phantom, labels: phantom.labels.slice() };
    bad.labels[5] = 200;
    expect(() => voxelTissues(bad)).toThrow(InputError);
  });

  it('skin entry mask: skin voxels touching water, inside the window', () => {
    const mask = skinEntryMask(phantom);
    let n = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) {
        n++;
        expect(phantom.labels[i]).toBe(2);
      }
    }
    // a disc of radius 50 mm at 2 mm voxels ≈ π·25² ≈ 1960 voxels (the curved skin adds a few)
    expect(n).toBeGreaterThan(1500);
    expect(n).toBeLessThan(3000);
  });
});
