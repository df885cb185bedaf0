// The .nii.gz reader checks every gzip member's CRC-32 and ISIZE: a flipped bit anywhere in a compressed
// image is an error or gives the same voxels, never different ones.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createGrid, decodeNifti, encodeNifti, FormatError, generatePhantom } from '../../src/index.js';
import { crc32 } from '../../src/checksum/crc32.js';
import { seededRandom } from '../../src/case/seeded-random.js';

/** Flips `count` seeded single bits of `gz`; counts outcomes against the intact decode. */
function flipBits(gz: Uint8Array, count: number, seed: number) {
  const reference = decodeNifti(gz).raw.data;
  const rng = seededRandom(seed);
  let rejected = 0;
  let same = 0;
  let different = 0;
  const other: string[] = [];
  for (let k = 0; k < count; k++) {
    const b = gz.slice();
    const bit = Math.floor(rng.next() * gz.length * 8);
    b[bit >> 3] ^= 1 << (bit & 7);
    try {
      const v = decodeNifti(b, 'flip.nii.gz').raw.data;
      let equal = v.length === reference.length;
      for (let i = 0; equal && i < v.length; i++) equal = v[i] === reference[i];
      if (equal) same++;
      else different++;
    } catch (e) {
      if (e instanceof FormatError) rejected++;
      else other.push(String(e));
    }
  }
  return { rejected, same, different, other };
}

describe('gzip integrity of .nii.gz', () => {
  it('crc32 gives the standard check value and matches gzip trailers at every length', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    for (const n of [1, 7, 8, 9, 63, 1000, 4097]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);
      const gz = gzipSync(data);
      const trailer = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 8);
      expect(crc32(data)).toBe(trailer.getUint32(0, true));
      // continuing a CRC over two pieces equals one pass
      expect(crc32(data.subarray(5), crc32(data.subarray(0, 5)))).toBe(crc32(data));
    }
  });

  it('every single-bit flip in a phantom label map is refused or gives the same voxels (1000 flips)', () => {
    const c = generatePhantom({ voxelSizeMm: 4, fibroids: [{ diameterMm: 55, position: 'anterior', t2Type: 2 }] });
    const gz = encodeNifti({ grid: c.grid, data: c.labels }, { gzip: true, intent: 'label' });
    const r = flipBits(gz, 1000, 17);
    expect(r.other).toEqual([]);
    expect(r.different).toBe(0);
    // most flips land in the deflate data and must be caught
    expect(r.rejected).toBeGreaterThan(900);
  });

  it('a flipped bit in the CRC-32 or the length of the trailer is refused', () => {
    const grid = createGrid([6, 5, 4], [0.001, 0.001, 0.001]);
    const gz = encodeNifti({ grid, data: Float32Array.from({ length: 120 }, (_, i) => i / 7) }, { gzip: true });
    for (const at of [gz.length - 8, gz.length - 5, gz.length - 4, gz.length - 1]) {
      const b = gz.slice();
      b[at] ^= 0x10;
      expect(() => decodeNifti(b, 'x.nii.gz')).toThrow(/x\.nii\.gz: gzip (CRC-32|length) check failed/);
    }
    expect(() => decodeNifti(gz.subarray(0, gz.length - 3), 'x.nii.gz')).toThrow(FormatError);
  });

  it('a multi-member gzip (concatenated members, as pigz/bgzip may write) is read and each member checked', () => {
    const grid = createGrid([6, 5, 4], [0.001, 0.001, 0.001]);
    const data = Float32Array.from({ length: 120 }, (_, i) => i / 7);
    const nii = encodeNifti({ grid, data });
    const a = gzipSync(nii.subarray(0, 300));
    const b = gzipSync(nii.subarray(300));
    const two = new Uint8Array(a.length + b.length);
    two.set(a);
    two.set(b, a.length);
    expect(Array.from(decodeNifti(two).data)).toEqual(Array.from(data));
    // a flip in the first member's CRC is caught, not only the last one's
    const bad = two.slice();
    bad[a.length - 7] ^= 1;
    expect(() => decodeNifti(bad, 'm.nii.gz')).toThrow(/CRC-32/);
  });
});
