/** Longest wait for a paint, ms: a hidden page does not paint (no animation frames), and nothing may hang on it. */
const PAINT_WAIT_MS = 1000;

/**
 * Resolves after the page's next rendering update: the animation-frame callbacks, then the rest of that task (style,
 * layout, paint, and the compositor's copy of a WebGL canvas, which in software WebGL waits for the drawing) runs
 * to its end before a timeout queued from them. Resolves after PAINT_WAIT_MS when the page does not paint.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, PAINT_WAIT_MS);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0),
    );
  });
}
