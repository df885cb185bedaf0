// Pixel checks of screenshots: how much of an area is drawn (differs from the viewer's background colour), and how
// many pixels have a given colour.
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** Number of pixels of a PNG whose RGB passes `test`, and the pixel count. */
function countPixels(png: Buffer, test: (r: number, g: number, b: number) => boolean): { count: number; pixels: number } {
  const img = PNG.sync.read(png);
  let count = 0;
  for (let o = 0; o < img.data.length; o += 4) if (test(img.data[o], img.data[o + 1], img.data[o + 2])) count++;
  return { count, pixels: img.width * img.height };
}

/** Fraction of pixels in a PNG whose RGB differs from `background` by more than `tolerance` in any channel. */
export function drawnFraction(png: Buffer, background: [number, number, number], tolerance = 12): number {
  const { count, pixels } = countPixels(
    png,
    (r, g, b) =>
      Math.abs(r - background[0]) > tolerance || Math.abs(g - background[1]) > tolerance || Math.abs(b - background[2]) > tolerance,
  );
  return count / pixels;
}

/** Number of pixels close to a colour (each channel within `tolerance`). */
export function countColor(png: Buffer, color: [number, number, number], tolerance = 40): number {
  return countPixels(
    png,
    (r, g, b) => Math.abs(r - color[0]) <= tolerance && Math.abs(g - color[1]) <= tolerance && Math.abs(b - color[2]) <= tolerance,
  ).count;
}

/**
 * Number of pixels of warm hue (orange to yellow: red ≥ green ≥ blue, red and green well above blue), the colours
 * of the temperature overlay (NiiVue "warm") over the grey image; grey, the crosshair, blue markers and text are not.
 */
export function countWarm(png: Buffer): number {
  return countPixels(png, (r, g, b) => r >= g && r - b > 60 && g - b > 20).count;
}

/** Pixels of the dose contour's red (255, 40, 40) as the viewer shows it, alone or under the label overlay's tint. */
export function countDoseRed(png: Buffer): number {
  return countPixels(png, (r, g, b) => r >= 180 && r - g >= 100 && r - b >= 100).count;
}

/** Screenshot of an element as PNG bytes. */
export async function shot(target: Locator | Page): Promise<Buffer> {
  return Buffer.from(await target.screenshot());
}
