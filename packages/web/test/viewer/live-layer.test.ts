import { describe, expect, it } from 'vitest';
import { LIVE_COLOR, levelTemperature } from '../../src/engine/live-frame.js';
import { DOSE_COLORS } from '../../src/viewer/dose-overlay.js';
import { liveColorTable, rasBox, rasIndexMap } from '../../src/viewer/live-layer.js';
import { TEMPERATURE_OVERLAY } from '../../src/viewer/temperature-overlay.js';

/**
 * NiiVue's RAS-ordered copy of an image, written the way NiiVue's ImageOrientation computes img2RASstep/start
 * (for RAS axis r: the image axis |perm[r]|, reversed when perm[r] < 0) and its drawing export reads them back.
 */
function niivueRasOrder(perm: number[], dims: [number, number, number]): Int32Array {
  const inStep = [1, dims[0], dims[0] * dims[1]];
  const aperm = perm.map((p) => Math.abs(p));
  const outDim = aperm.map((a) => dims[a - 1]);
  const step = aperm.map((a) => inStep[a - 1]);
  const start = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    if (perm[r] < 0) {
      start[r] = step[r] * (outDim[r] - 1);
      step[r] = -step[r];
    }
  }
  // rasToNative[rasIndex] = native index
  const out = new Int32Array(dims[0] * dims[1] * dims[2]);
  let n = 0;
  for (let z = 0; z < outDim[2]; z++)
    for (let y = 0; y < outDim[1]; y++)
      for (let x = 0; x < outDim[0]; x++) out[n++] = start[0] + x * step[0] + start[1] + y * step[1] + start[2] + z * step[2];
  return out;
}

describe('live layer', () => {
  const dims: [number, number, number] = [4, 3, 5];
  const perms = [
    [1, 2, 3],
    [-1, 2, 3],
    [1, -2, -3],
    [2, 3, 1],
    [-3, 1, -2],
    [3, -2, 1],
  ];

  it('rasIndexMap puts every case voxel where NiiVue keeps it in its RAS-ordered drawing', () => {
    for (const perm of perms) {
      const rasToNative = niivueRasOrder(perm, dims);
      const { base, stride } = rasIndexMap(perm, dims);
      let wrong = 0;
      for (let ras = 0; ras < rasToNative.length; ras++) {
        const n = rasToNative[ras];
        const i = n % dims[0];
        const j = Math.floor(n / dims[0]) % dims[1];
        const k = Math.floor(n / (dims[0] * dims[1]));
        if (base + i * stride[0] + j * stride[1] + k * stride[2] !== ras) wrong++;
      }
      expect(wrong, `perm ${perm}`).toBe(0);
    }
    expect(() => rasIndexMap([1, 1, 3], dims)).toThrow(RangeError);
  });

  it('rasBox is the RAS-ordered box that holds exactly the mapped voxels of a case box', () => {
    const box = { origin: [1, 0, 2] as [number, number, number], shape: [2, 2, 3] as [number, number, number] };
    for (const perm of perms) {
      const { base, stride } = rasIndexMap(perm, dims);
      const r = rasBox(perm, dims, box);
      const rasDims = perm.map((p) => dims[Math.abs(p) - 1]);
      const inside = new Set<number>();
      for (let k = 0; k < box.shape[2]; k++)
        for (let j = 0; j < box.shape[1]; j++)
          for (let i = 0; i < box.shape[0]; i++)
            inside.add(base + (box.origin[0] + i) * stride[0] + (box.origin[1] + j) * stride[1] + (box.origin[2] + k) * stride[2]);
      const inRasBox = new Set<number>();
      for (let z = 0; z < r.shape[2]; z++)
        for (let y = 0; y < r.shape[1]; y++)
          for (let x = 0; x < r.shape[0]; x++)
            inRasBox.add(r.origin[0] + x + rasDims[0] * (r.origin[1] + y + rasDims[1] * (r.origin[2] + z)));
      expect(
        [...inRasBox].sort((a, b) => a - b),
        `perm ${perm}`,
      ).toEqual([...inside].sort((a, b) => a - b));
    }
  });

  it('liveColorTable colours the levels from the warm table as NiiVue maps the overlay range, and the dose like the result', () => {
    // a stand-in for NiiVue's 256-entry table: red = index, green = 255 − index, blue = 7
    const warm = new Uint8ClampedArray(1024);
    for (let i = 0; i < 256; i++) warm.set([i, 255 - i, 7, 255], 4 * i);
    const lut = liveColorTable(warm);
    const [lo, hi] = TEMPERATURE_OVERLAY.range;
    expect(lut[3]).toBe(0); // index 0: transparent
    const alpha = Math.round(TEMPERATURE_OVERLAY.opacity * 255);
    for (const level of [LIVE_COLOR.firstLevel, 100, LIVE_COLOR.firstLevel + LIVE_COLOR.levels - 1]) {
      const texel = ((levelTemperature(level) - lo) / (hi - lo)) * 255;
      expect(Math.abs(lut[4 * level] - texel)).toBeLessThanOrEqual(0.5);
      expect(lut[4 * level + 1]).toBe(255 - lut[4 * level]);
      expect(lut[4 * level + 3]).toBe(alpha);
    }
    expect(Array.from(lut.slice(4 * LIVE_COLOR.doseOutline, 4 * LIVE_COLOR.doseOutline + 4))).toEqual([
      ...DOSE_COLORS[1].rgb,
      DOSE_COLORS[1].alpha,
    ]);
    // a dose level drawn alone looks like the temperature overlay and then the dose fill laid over a background
    const mix = (under: number, over: number, alpha: number) => under + (over - under) * alpha;
    const fill = DOSE_COLORS[0];
    for (const n of [0, 60, LIVE_COLOR.levels - 1]) {
      const level = LIVE_COLOR.firstLevel + n;
      const dose = LIVE_COLOR.firstDoseLevel + n;
      for (const bg of [0, 128, 255]) {
        for (let c = 0; c < 3; c++) {
          const layered = mix(mix(bg, lut[4 * level + c], TEMPERATURE_OVERLAY.opacity), fill.rgb[c], fill.alpha / 255);
          const drawn = mix(bg, lut[4 * dose + c], lut[4 * dose + 3] / 255);
          expect(Math.abs(drawn - layered), `level ${n}, background ${bg}, channel ${c}`).toBeLessThan(1.5);
        }
      }
    }
    expect(Array.from(lut.slice(4 * LIVE_COLOR.doseInside, 4 * LIVE_COLOR.doseInside + 4))).toEqual([
      ...DOSE_COLORS[0].rgb,
      DOSE_COLORS[0].alpha,
    ]);
  });
});
