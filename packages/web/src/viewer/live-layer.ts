import { type Niivue, SHOW_RENDER } from '@niivue/niivue';
import { LIVE_COLOR, type LiveFrame, levelTemperature } from '../engine/live-frame.js';
import type { CaseBox } from '../engine/resample-to-case.js';
import { afterPaint } from './after-paint.js';
import { DOSE_COLORS } from './dose-overlay.js';
import { TEMPERATURE_OVERLAY } from './temperature-overlay.js';

/**
 * Where a case voxel (i, j, k) lies in NiiVue's drawing bitmap, which is ordered along the image's axes as NiiVue
 * reorients them to RAS (a permutation with flips, `permRAS`: for RAS axis r, ±(1-based image axis)):
 * index = base + i·stride[0] + j·stride[1] + k·stride[2].
 */
export interface RasIndexMap {
  base: number;
  stride: [number, number, number];
}

/** The RasIndexMap of an image of `dims` voxels that NiiVue reorients by `permRAS`. */
export function rasIndexMap(permRAS: readonly number[], dims: readonly [number, number, number]): RasIndexMap {
  checkPerm(permRAS);
  const stride: [number, number, number] = [0, 0, 0];
  let base = 0;
  let rasStride = 1;
  for (let r = 0; r < 3; r++) {
    const a = Math.abs(permRAS[r]) - 1;
    if (permRAS[r] > 0) stride[a] = rasStride;
    else {
      stride[a] = -rasStride;
      base += (dims[a] - 1) * rasStride;
    }
    rasStride *= dims[a];
  }
  return { base, stride };
}

function checkPerm(permRAS: readonly number[]): void {
  const axes = permRAS.slice(0, 3).map((p) => Math.abs(p));
  if (permRAS.length < 3 || ![1, 2, 3].every((a) => axes.includes(a)))
    throw new RangeError(`permRAS must be a permutation of ±1, ±2, ±3, got [${permRAS.join(', ')}]`);
}

/** A box of the drawing bitmap in its own (RAS-ordered) voxel axes: first voxel and size. */
export interface RasBox {
  origin: [number, number, number];
  shape: [number, number, number];
}

/** The box of the drawing bitmap that a box of case voxels (native axes) occupies. */
export function rasBox(permRAS: readonly number[], dims: readonly [number, number, number], box: CaseBox): RasBox {
  checkPerm(permRAS);
  const origin: [number, number, number] = [0, 0, 0];
  const shape: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    const a = Math.abs(permRAS[r]) - 1;
    shape[r] = box.shape[a];
    origin[r] = permRAS[r] > 0 ? box.origin[a] : dims[a] - box.origin[a] - box.shape[a];
  }
  return { origin, shape };
}

/** The smallest box holding two boxes. */
function union(a: RasBox, b: RasBox): RasBox {
  const origin: [number, number, number] = [0, 0, 0];
  const shape: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    origin[r] = Math.min(a.origin[r], b.origin[r]);
    shape[r] = Math.max(a.origin[r] + a.shape[r], b.origin[r] + b.shape[r]) - origin[r];
  }
  return { origin, shape };
}

/**
 * The live layer's colour table (256 RGBA entries, LIVE_COLOR indices), the look of the end-of-run overlays: the
 * temperature levels in the colours and opacity of the temperature overlay (`warm`: NiiVue's 256-entry RGBA table
 * of TEMPERATURE_OVERLAY.colormap, looked up as NiiVue does for an overlay: range[0] → 0, range[1] → 255); the dose
 * levels as the dose fill (DOSE_COLORS) composited over the level's colour the way NiiVue blends one overlay over
 * another (alpha a = a_f + a_b(1 − a_f), colour (c_f a_f + c_b a_b (1 − a_f)) / a); the fill alone; the outline.
 */
export function liveColorTable(warm: ArrayLike<number>): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 4);
  const [lo, hi] = TEMPERATURE_OVERLAY.range;
  const aT = TEMPERATURE_OVERLAY.opacity;
  const [fill, outline] = DOSE_COLORS;
  const aF = fill.alpha / 255;
  const a = aF + aT * (1 - aF);
  for (let n = 0; n < LIVE_COLOR.levels; n++) {
    const level = LIVE_COLOR.firstLevel + n;
    const dose = LIVE_COLOR.firstDoseLevel + n;
    const texel = Math.round(((levelTemperature(level) - lo) / (hi - lo)) * 255);
    for (let c = 0; c < 3; c++) {
      lut[4 * level + c] = warm[4 * texel + c];
      lut[4 * dose + c] = Math.round((fill.rgb[c] * aF + warm[4 * texel + c] * aT * (1 - aF)) / a);
    }
    lut[4 * level + 3] = Math.round(aT * 255);
    lut[4 * dose + 3] = Math.round(a * 255);
  }
  lut.set([fill.rgb[0], fill.rgb[1], fill.rgb[2], fill.alpha], 4 * LIVE_COLOR.doseInside);
  lut.set([outline.rgb[0], outline.rgb[1], outline.rgb[2], outline.alpha], 4 * LIVE_COLOR.doseOutline);
  return lut;
}

/** Main-thread time one live frame may take (the upload, the redraw and the paint after it), ms. */
export const LIVE_FRAME_BUDGET_MS = 100;

/**
 * Share of the canvas's pixel ratio kept while live frames run over budget. Drawing the slices is the cost that
 * remains per frame; in software WebGL (no GPU: SwiftShader, llvmpipe) it grows with the canvas's pixels, about
 * 100–250 ms at full resolution on two busy cores, a third of that at half.
 */
const REDUCED_RESOLUTION = 0.5;

/**
 * The live view of a running treatment, drawn through NiiVue's drawing layer: one byte per case voxel (a colour
 * index, see LIVE_COLOR) in a 3D texture that the slice shader colours through a 256-entry table. Showing a frame
 * copies the frame's box into the bitmap, uploads that box and redraws: no NIfTI, no per-layer render passes, nothing
 * of the volume's size allocated. (NiiVue's overlay volumes, by contrast, are re-rendered into one blended texture on every change,
 * background and all: several hundred ms per update in software WebGL.) The drawing lies under the overlay volumes
 * (labels, markers), which NiiVue blends on top of it.
 *
 * Without a GPU (a software rasteriser: softwareRenderer), or once a frame took longer than LIVE_FRAME_BUDGET_MS on
 * the main thread, live frames are drawn at REDUCED_RESOLUTION of the canvas's pixel ratio until the frame is
 * cleared (the end of the run): the slices look softer while the simulation runs, and the page keeps answering
 * input. With a GPU neither happens. A 3D rendering beside the slices (a ray cast through the whole volume, several
 * times the slices' cost without a GPU) is paused while a run is live and comes back with the result.
 */
export class LiveLayer {
  private bitmap: Uint8Array | null = null;
  private map: RasIndexMap | null = null;
  private shown: LiveFrame | null = null;
  /** between start() (or the first frame) and clear(): a run is live */
  private running = false;
  /** whether the 3D rendering is to be shown after the run (null: not paused) */
  private show3DAfterRun: boolean | null = null;
  /** the background's voxels along its own axes, its permutation to RAS, and its voxels along the RAS axes */
  private dims: [number, number, number] = [0, 0, 0];
  private perm: number[] = [1, 2, 3];
  private rasDims: [number, number, number] = [0, 0, 0];
  /** the pixel-ratio setting to restore after a run drawn at reduced resolution, or null at full resolution */
  private restorePixelRatio: number | null = null;
  /** frames are drawn at reduced resolution: a software rasteriser, or a frame went over budget */
  private slow: boolean;

  constructor(private readonly nv: Niivue) {
    this.slow = softwareRenderer(nv.gl);
  }

  /** Forgets the bitmap (after the background volume changed); the next frame makes one for the new case. */
  reset(): void {
    this.shown = null;
    this.running = false;
    this.resume3D();
    this.map = null;
    if (this.bitmap) {
      this.bitmap = null;
      this.nv.closeDrawing();
    }
  }

  /**
   * Makes the bitmap and the colour table for the current background (empty: nothing drawn), so that the first
   * frame of a run only copies and uploads. Called when a case is shown; show() does it too if needed.
   */
  prepare(): void {
    this.ensureBitmap();
  }

  /**
   * A run starts: the canvas goes to reduced resolution now if frames will be drawn so (a software rasteriser, or an
   * earlier run's frames over budget), while the page still has the cores to itself. Redraws when it changes.
   */
  start(): void {
    if (!this.ensureBitmap()) return;
    this.running = true;
    const paused = this.show3DAfterRun === null && this.nv.opts.multiplanarShowRender !== SHOW_RENDER.NEVER;
    this.pause3D();
    if (this.slow && this.restorePixelRatio === null) this.reduceResolution();
    else if (paused) this.nv.drawScene();
  }

  /**
   * Shows or hides the 3D rendering: now, or (while a run is live, which pauses it) when the run ends. True when
   * the change is for now (the caller redraws).
   */
  setShow3D(show: boolean): boolean {
    if (this.running) {
      this.show3DAfterRun = show;
      return false;
    }
    this.nv.opts.multiplanarShowRender = show ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    return true;
  }

  private pause3D(): void {
    if (this.show3DAfterRun !== null) return;
    this.show3DAfterRun = this.nv.opts.multiplanarShowRender !== SHOW_RENDER.NEVER;
    this.nv.opts.multiplanarShowRender = SHOW_RENDER.NEVER;
  }

  /** The 3D rendering as it is to be after the run; true when that changed the view (a redraw is due). */
  private resume3D(): boolean {
    const show = this.show3DAfterRun;
    this.show3DAfterRun = null;
    if (show === null) return false;
    this.nv.opts.multiplanarShowRender = show ? SHOW_RENDER.ALWAYS : SHOW_RENDER.NEVER;
    return show;
  }

  /** The frame on screen (null when none): for the readout under the crosshair. */
  get frame(): LiveFrame | null {
    return this.shown;
  }

  /** Draws a frame in place of the previous one; `redraw` false leaves the redraw to the caller. */
  show(frame: LiveFrame, redraw = true): void {
    const bitmap = this.ensureBitmap();
    if (!bitmap) return;
    for (let a = 0; a < 3; a++) {
      if (frame.origin[a] < 0 || frame.origin[a] + frame.shape[a] > this.dims[a])
        throw new RangeError(`live frame box [${frame.origin}] + [${frame.shape}] lies outside the case grid [${this.dims}]`);
    }
    const t0 = performance.now();
    this.running = true;
    this.pause3D();
    const previous = this.shown;
    if (previous) this.write(bitmap, previous, null);
    this.write(bitmap, frame, frame.colors);
    this.shown = frame;
    const box = this.rasBoxOf(frame);
    this.upload(previous ? union(box, this.rasBoxOf(previous)) : box);
    if (!redraw) return;
    if (this.slow && this.restorePixelRatio === null) this.reduceResolution();
    else this.nv.drawScene();
    const reduced = this.restorePixelRatio !== null;
    void afterPaint().then(() => this.frameDrawn(performance.now() - t0, reduced));
  }

  /** The main-thread time of a frame, once painted: over budget at full resolution, the next ones are reduced. */
  private frameDrawn(ms: number, reduced: boolean): void {
    if (reduced || ms <= LIVE_FRAME_BUDGET_MS) return;
    this.slow = true;
    if (this.running && this.restorePixelRatio === null) this.reduceResolution();
  }

  /** Draws the canvas at REDUCED_RESOLUTION of its pixel ratio (NiiVue resizes the canvas and redraws it once). */
  private reduceResolution(): void {
    const nv = this.nv;
    this.restorePixelRatio = nv.opts.forceDevicePixelRatio;
    nv.opts.forceDevicePixelRatio = REDUCED_RESOLUTION * (nv.uiData.dpr ?? 1);
    nv.resizeListener();
  }

  /**
   * The view as before a live run, once it is cleared: the pixel ratio (NiiVue resizes the canvas and redraws) and
   * the 3D rendering if the run paused it (a redraw). False, nothing drawn, when there was nothing to restore or
   * while a run is live.
   */
  restoreView(): boolean {
    if (this.running) return false;
    const resumed = this.resume3D();
    if (this.restorePixelRatio === null) {
      if (resumed) this.nv.drawScene();
      return resumed;
    }
    this.nv.opts.forceDevicePixelRatio = this.restorePixelRatio;
    this.restorePixelRatio = null;
    this.nv.resizeListener();
    return true;
  }

  /**
   * Removes the frame and ends the run; `redraw` false leaves the redraw to the caller, who then calls restoreView
   * (which redraws when it restores something) and draws only if that returns false.
   */
  clear(redraw = true): void {
    this.running = false;
    if (this.bitmap && this.shown) {
      this.write(this.bitmap, this.shown, null);
      this.upload(this.rasBoxOf(this.shown));
    }
    const changed = this.shown !== null || this.show3DAfterRun !== null;
    this.shown = null;
    if (redraw && !this.restoreView() && changed) this.nv.drawScene();
  }

  private rasBoxOf(box: CaseBox): RasBox {
    return rasBox(this.perm, this.dims, box);
  }

  /**
   * Uploads one box of the bitmap to NiiVue's drawing texture (texture unit 7, one byte per voxel): the rows of the
   * box straight from the whole bitmap (WebGL2 unpack skip / row length), instead of NiiVue's refreshDrawing,
   * which uploads the whole bitmap and scans it.
   */
  private upload(box: RasBox): void {
    const nv = this.nv;
    if (nv.opts.is2DSliceShader) {
      // an image too large for a 3D texture: NiiVue keeps one slice of the drawing in a 2D texture
      nv.refreshDrawing(false);
      return;
    }
    const gl = nv.gl;
    const [w, h] = this.rasDims;
    gl.activeTexture(gl.TEXTURE7);
    gl.bindTexture(gl.TEXTURE_3D, nv.drawTexture);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, w);
    gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, h);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, box.origin[0]);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, box.origin[1]);
    gl.pixelStorei(gl.UNPACK_SKIP_IMAGES, box.origin[2]);
    gl.texSubImage3D(gl.TEXTURE_3D, 0, ...box.origin, ...box.shape, gl.RED, gl.UNSIGNED_BYTE, this.bitmap);
    // NiiVue's uploads assume the defaults
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
    gl.pixelStorei(gl.UNPACK_IMAGE_HEIGHT, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_IMAGES, 0);
  }

  /** Copies a box's colour indices into the bitmap (zeros when `colors` is null). */
  private write(bitmap: Uint8Array, box: LiveFrame, colors: Uint8Array | null): void {
    const { base, stride } = this.map as RasIndexMap;
    const [i0, j0, k0] = box.origin;
    const [bx, by, bz] = box.shape;
    const s0 = stride[0];
    let n = 0;
    for (let k = 0; k < bz; k++) {
      for (let j = 0; j < by; j++) {
        let p = base + i0 * s0 + (j0 + j) * stride[1] + (k0 + k) * stride[2];
        if (colors) {
          for (let i = 0; i < bx; i++, p += s0) bitmap[p] = colors[n++];
        } else {
          for (let i = 0; i < bx; i++, p += s0) bitmap[p] = 0;
        }
      }
    }
  }

  /** NiiVue's drawing bitmap for the current background, made (empty, with the live colour table) when missing. */
  private ensureBitmap(): Uint8Array | null {
    const nv = this.nv;
    const back = nv.back;
    if (!back?.hdr || !back.permRAS) return null;
    const dims: [number, number, number] = [back.hdr.dims[1], back.hdr.dims[2], back.hdr.dims[3]];
    const voxels = dims[0] * dims[1] * dims[2];
    if (this.bitmap && nv.drawBitmap === this.bitmap && this.bitmap.length === voxels) return this.bitmap;
    nv.drawLut = { lut: liveColorTable(nv.colormap(TEMPERATURE_OVERLAY.colormap)), min: 0, max: 255, labels: new Array(256).fill('') };
    // the colour table reaches the GPU with the colour maps; the table's alphas are the opacities
    nv.refreshColormaps();
    nv.drawOpacity = 1;
    nv.createEmptyDrawing();
    this.bitmap = nv.drawBitmap;
    this.dims = dims;
    this.perm = back.permRAS.slice();
    this.rasDims = [0, 1, 2].map((r) => dims[Math.abs(this.perm[r]) - 1]) as [number, number, number];
    this.map = rasIndexMap(back.permRAS, dims);
    this.shown = null;
    return this.bitmap;
  }
}

/**
 * Whether WebGL runs on a software rasteriser (no GPU: Chrome's SwiftShader, Mesa's llvmpipe / softpipe), from the
 * unmasked renderer name where the browser gives it.
 */
export function softwareRenderer(gl: WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(name);
}
