import { afterPaint } from '../../viewer/after-paint.js';

/**
 * Paces the live frames of a running simulation on the page: the worker posts a frame about every 500 ms; this
 * shows the latest (older ones that arrive while one is being shown are dropped), never two at once, and none
 * after `stop()`, which also waits for the one being shown so that the end-of-run overlay cannot be overwritten
 * by a late frame.
 *
 * A frame's cost on the main thread is the show callback plus the paint that follows it (with software WebGL the
 * compositor waits there for the GPU process to draw the canvas: most of the cost). Frames are spaced at least
 * `minIntervalMs` apart, and further when they cost more, so that showing them keeps the main thread busy at most
 * `maxBusyShare` of the time and the page answers input in between.
 */
export class LiveFrames<T> {
  private pending: T | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private showing: Promise<void> | null = null;
  private active = false;
  private lastShownAt = Number.NEGATIVE_INFINITY;
  private lastCostMs = 0;
  /** frames shown since start() */
  shown = 0;
  /** longest main-thread time of one frame (show callback and the paint after it), ms */
  maxShowMs = 0;
  /** longest time of the show callback alone (the page's own script), ms */
  maxScriptMs = 0;

  constructor(
    private readonly show: (frame: T) => Promise<void> | void,
    private readonly minIntervalMs = 450,
    private readonly onShown?: (frame: T, count: number, ms: number) => void,
    private readonly maxBusyShare = 0.25,
  ) {}

  start(): void {
    this.active = true;
    this.pending = null;
    this.shown = 0;
    this.maxShowMs = 0;
    this.maxScriptMs = 0;
    this.lastCostMs = 0;
    this.lastShownAt = Number.NEGATIVE_INFINITY;
  }

  /** A new frame from the worker: replaces any frame not yet shown. */
  push(frame: T): void {
    if (!this.active) return;
    this.pending = frame;
    this.schedule();
  }

  /** No more frames: drops the pending one and resolves once the frame being shown (if any) is on screen. */
  async stop(): Promise<void> {
    this.active = false;
    this.pending = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.showing;
  }

  /** Wait before the next frame: at least minIntervalMs after the last, longer when frames cost more. */
  private intervalMs(): number {
    return Math.max(this.minIntervalMs, this.lastCostMs / this.maxBusyShare);
  }

  private schedule(): void {
    if (this.timer || this.showing) return;
    const wait = Math.max(0, this.lastShownAt + this.intervalMs() - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    const frame = this.pending;
    this.pending = null;
    if (frame === null || !this.active) return;
    const t0 = performance.now();
    const done = (async () => {
      await this.show(frame);
      this.maxScriptMs = Math.max(this.maxScriptMs, performance.now() - t0);
      await afterPaint();
    })();
    this.showing = done;
    try {
      await done;
    } catch (e) {
      // a frame that cannot be shown is skipped; the run goes on and its result is shown at the end
      console.warn('live frame not shown', e);
    }
    try {
      const ms = performance.now() - t0;
      this.shown++;
      this.lastCostMs = ms;
      this.maxShowMs = Math.max(this.maxShowMs, ms);
      this.lastShownAt = performance.now();
      this.onShown?.(frame, this.shown, ms);
    } finally {
      this.showing = null;
      if (this.active && this.pending !== null) this.schedule();
    }
  }
}
