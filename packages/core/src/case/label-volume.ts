import { FormatError } from '../errors.js';
import type { Volume } from './nifti.js';

/**
 * A label map's values as a Uint8Array: each value must be an integer 0–255 (NIfTI label maps from 3D Slicer
 * or ITK-SNAP are uint8/int16/uint16 with integer values). Anything else is a FormatError naming the file,
 * the voxel and the value.
 */
export function toLabelArray(volume: Volume, fileName: string): Uint8Array {
  const d = volume.data;
  if (d instanceof Uint8Array) return d;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!(v >= 0 && v <= 255 && v === Math.floor(v))) {
      throw new FormatError(fileName, `label map value ${v} at voxel ${i} is not an integer 0–255`);
    }
    out[i] = v;
  }
  return out;
}
