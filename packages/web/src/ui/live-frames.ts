/**
 * Paces the live temperature frames of a running simulation on the page: the worker posts a frame (already on the
 * case grid) about every 500 ms; this shows one at most every `minIntervalMs`, always the latest (older ones that
 * arrive while one is being shown are dropped), never two at once, and none after `stop()`, which also waits for
 * the one being shown so that the end-of-run overlay cannot be overwritten by a late frame.
 */
export class LiveFrames<T> {
  private pending: T | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private showing: Promise<void> | null = null;
  private active = false;
  private lastShownAt = Number.NEGATIVE_INFINITY;
  /** frames shown since start() */
  shown = 0;
  /** longest time one frame took on the main thread (the show callback), ms */
  maxShowMs = 0;

  constructor(
    private readonly show: (frame: T) => Promise<void> | void,
    private readonly minIntervalMs = 450,
    private readonly onShown?: (frame: T, count: number, ms: number) => void,
  ) {}

  start(): void {
    this.active = true;
    this.pending = null;
    this.shown = 0;
    this.maxShowMs = 0;
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

  private schedule(): void {
    if (this.timer || this.showing) return;
    const wait = Math.max(0, this.lastShownAt + this.minIntervalMs - performance.now());
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
      this.maxShowMs = Math.max(this.maxShowMs, ms);
      this.lastShownAt = performance.now();
      this.onShown?.(frame, this.shown, ms);
    } finally {
      this.showing = null;
      if (this.active && this.pending !== null) this.schedule();
    }
  }
}
