// Pixel checks of screenshots: how much of an area is drawn (differs from the viewer's background colour).
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** Fraction of pixels in a PNG whose RGB differs from `background` by more than `tolerance` in any channel. */
export function drawnFraction(png: Buffer, background: [number, number, number], tolerance = 12): number {
  const img = PNG.sync.read(png);
  let drawn = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const o = p * 4;
    if (
      Math.abs(img.data[o] - background[0]) > tolerance ||
      Math.abs(img.data[o + 1] - background[1]) > tolerance ||
      Math.abs(img.data[o + 2] - background[2]) > tolerance
    ) {
      drawn++;
    }
  }
  return drawn / n;
}

/** Number of pixels close to a colour (each channel within `tolerance`). */
export function countColor(png: Buffer, color: [number, number, number], tolerance = 40): number {
  const img = PNG.sync.read(png);
  let count = 0;
  for (let o = 0; o < img.data.length; o += 4) {
    if (
      Math.abs(img.data[o] - color[0]) <= tolerance &&
      Math.abs(img.data[o + 1] - color[1]) <= tolerance &&
      Math.abs(img.data[o + 2] - color[2]) <= tolerance
    )
      count++;
  }
  return count;
}

/**
 * Number of pixels of warm hue (orange to yellow: red ≥ green ≥ blue, red and green well above blue), the colours
 * of the temperature overlay (NiiVue "warm") over the grey image; grey, the crosshair, blue markers and text are not.
 */
export function countWarm(png: Buffer): number {
  const img = PNG.sync.read(png);
  let count = 0;
  for (let o = 0; o < img.data.length; o += 4) {
    const r = img.data[o];
    const g = img.data[o + 1];
    const b = img.data[o + 2];
    if (r >= g && r - b > 60 && g - b > 20) count++;
  }
  return count;
}

/** Screenshot of an element as PNG bytes. */
export async function shot(target: Locator | Page): Promise<Buffer> {
  return Buffer.from(await target.screenshot());
}

/** Pixels of the dose contour's red (255, 40, 40) as the viewer shows it, alone or under the label overlay's tint. */
export function countDoseRed(png: Buffer): number {
  const img = PNG.sync.read(png);
  let count = 0;
  for (let o = 0; o < img.data.length; o += 4) {
    const r = img.data[o];
    const g = img.data[o + 1];
    const b = img.data[o + 2];
    if (r >= 180 && r - g >= 100 && r - b >= 100) count++;
  }
  return count;
}
