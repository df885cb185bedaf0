import { NVImage, Niivue, SHOW_RENDER } from '@niivue/niivue';
import { type Grid3D, type Vec3, type Volume, encodeNifti, rasMmToVoxel, voxelCount } from '@openfuas/core';
import type { LiveFrame } from '../engine/live-frame.js';
import type { LabelColor } from './label-colors.js';
import { LiveLayer } from './live-layer.js';
import { robustRange } from './grey-window.js';

/**
 * The case viewer: a thin adapter over NiiVue (WebGL2) that shows three orthogonal slices (and optionally a 3D
 * rendering) of the case image with a label-map overlay, named overlays (temperature, dose contour, sonication
 * points) and the live view of a running treatment (live-layer.ts). The rest of the workstation sees only this
 * class and plain typed arrays on a Grid3D: no NiiVue type leaves the viewer folder.
 *
 * Overlay changes re-render the overlay volumes only (renderOverlays), not the background: NiiVue's
 * updateGLVolume re-renders every layer and recomputes the background's gradient texture for the 3D view, which
 * costs hundreds of ms in software WebGL and is needed only when the background itself changes.
 */

export type OverlayColormap = 'hot' | 'warm' | 'winter' | 'red' | 'green' | 'blue' | 'gray';

/** What lies under the crosshair. */
export interface ViewerLocation {
  /** patient RAS+ millimetres */
  mm: Vec3;
  /** voxel indices on the case grid (rounded), or null outside it */
  voxel: Vec3 | null;
  /** image intensity at the voxel */
  image: number | null;
  /** label value at the voxel (null without a label map) */
  label: number | null;
  /** value of each named overlay at the voxel */
  overlays: Record<string, number>;
}

interface OverlayEntry {
  image: NVImage;
  data: Float32Array | Uint8Array;
  /** kept as a layer but not drawn (hideOverlay) */
  hidden: boolean;
}

const BACKGROUND: [number, number, number, number] = [0.04, 0.05, 0.06, 1];

function niftiBuffer(volume: Volume): ArrayBuffer {
  const bytes = encodeNifti(volume);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** NVImage from NIfTI bytes (NVImage.new takes its options positionally). */
function newImage(volume: Volume, name: string, colormap: string, opacity: number, calMin: number, calMax: number): Promise<NVImage> {
  return NVImage.new(
    niftiBuffer(volume),
    name,
    colormap,
    opacity,
    null,
    calMin,
    calMax,
    true,
    0.02,
    false,
    false,
    '',
    0,
    0,
    Number.NaN,
    Number.NaN,
    false,
    null,
    0,
    null,
  );
}

/** NIfTI datatype codes of the overlays' voxel types. */
const DT_UINT8 = 2;
const DT_FLOAT32 = 16;

/**
 * An overlay image on the background's grid holding `data` (not a copy), made from the background's header as
 * NVImage.clone() does, instead of encoding a NIfTI and parsing it again (a few hundred ms for a float volume on a
 * busy main thread). Its intensity range is the data's minimum and maximum (NiiVue's calMinMax would also compute
 * percentiles, which an overlay with its own display range does not need).
 */
function overlayImage(back: NVImage, data: Float32Array | Uint8Array, name: string, colormap: string): NVImage {
  const hdr = back.hdr;
  if (!hdr) throw new Error('the viewer has no background image');
  // the colour map given here, not set later: NVImage's colormap setter recomputes the intensity percentiles
  const image = new NVImage(null, name, colormap);
  const u8 = data instanceof Uint8Array;
  image.hdr = Object.assign(Object.create(Object.getPrototypeOf(hdr)), hdr, {
    dims: hdr.dims.slice(),
    pixDims: hdr.pixDims.slice(),
    affine: hdr.affine.map((row) => row.slice()),
    datatypeCode: u8 ? DT_UINT8 : DT_FLOAT32,
    numBitsPerVoxel: u8 ? 8 : 32,
    scl_slope: 1,
    scl_inter: 0,
    cal_min: 0,
    cal_max: 0,
    intent_code: 0,
  });
  image.img = data;
  image.nFrame4D = 1;
  image.nTotalFrame4D = 1;
  image.nVox3D = data.length;
  image.calculateRAS();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) [lo, hi] = [0, 0];
  image.global_min = lo;
  image.global_max = hi;
  image.robust_min = lo;
  image.robust_max = hi;
  image.cal_min = lo;
  image.cal_max = hi;
  return image;
}

function colorTable(colors: readonly LabelColor[]) {
  return {
    R: colors.map((c) => c.rgb[0]),
    G: colors.map((c) => c.rgb[1]),
    B: colors.map((c) => c.rgb[2]),
    A: colors.map((c) => c.alpha),
    I: colors.map((c) => c.label),
    labels: colors.map((c) => c.name),
  };
}

export class CaseViewer {
  private readonly nv: Niivue;
  private readonly live: LiveLayer;
  private grid: Grid3D | null = null;
  private imageData: Float32Array | null = null;
  private labelData: Uint8Array | null = null;
  private labelImage: NVImage | null = null;
  private labelOpacity = 0.35;
  private readonly overlays = new Map<string, OverlayEntry>();
  private batching = false;
  /** what the batch must do at its end: re-render the overlay volumes, or only redraw */
  private batchDirty = false;
  private batchRedraw = false;
  private readonly listeners = new Set<(loc: ViewerLocation) => void>();
  private readonly scratch = [0, 0, 0];
  /** milliseconds of the steps of the last setVolumes (for the first-paint budget) */
  lastTimings: Record<string, number> = {};

  private constructor(nv: Niivue) {
    this.nv = nv;
    this.live = new LiveLayer(nv);
    nv.onLocationChange = (data: unknown) => {
      const mm = (data as { mm?: ArrayLike<number> }).mm;
      if (mm) this.emit([mm[0], mm[1], mm[2]]);
    };
  }

  /** Attaches a viewer to a canvas (its parent element sets the size). Rejects when WebGL2 is unavailable. */
  static async create(canvas: HTMLCanvasElement): Promise<CaseViewer> {
    const nv = new Niivue({
      backColor: BACKGROUND,
      crosshairColor: [0.2, 0.9, 1, 0.9],
      fontColor: [0.75, 0.82, 0.88, 1],
      show3Dcrosshair: true,
      isColorbar: false,
      isRadiologicalConvention: true,
      multiplanarShowRender: SHOW_RENDER.NEVER,
      multiplanarPadPixels: 4,
      logLevel: 'error',
      loadingText: '',
      isOrientationTextVisible: true,
    });
    await nv.attachToCanvas(canvas, false);
    nv.setSliceType(nv.sliceTypeMultiplanar);
    return new CaseViewer(nv);
  }

  /** Shows a case: the image (grey scale) and, if given, its label map coloured per structure. */
  async setVolumes(
    image: Volume<Float32Array>,
    labels: Volume<Uint8Array> | null,
    colors: readonly LabelColor[],
    onImageShown?: () => void,
  ): Promise<void> {
    this.overlays.clear();
    this.live.reset();
    this.labelImage = null;
    this.grid = image.grid;
    this.imageData = image.data;
    this.labelData = labels ? labels.data : null;
    const tm: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      tm[name] = Math.round(now - t);
      t = now;
    };
    const [lo, hi] = robustRange(image.data);
    const base = await newImage(image, 'image.nii', 'gray', 1, lo, hi);
    lap('image');
    // replace all volumes at once: one GPU upload (addVolume/removeVolume each re-upload every layer)
    this.nv.volumes = [base];
    this.nv.setVolume(base, 0);
    lap('upload');
    this.setCrosshair(centreMm(image.grid));
    lap('draw');
    this.lastTimings = tm;
    onImageShown?.();
    // the live layer's bitmap and colours, ready before any run (its colour table reaches the GPU with the labels)
    this.live.prepare();
    if (labels) {
      // the label overlay follows the first paint of the image
      const lab = await newImage(labels, 'labels.nii', 'gray', this.labelOpacity, 0, 255);
      lab.setColormapLabel(colorTable(colors));
      this.labelImage = lab;
      this.nv.addVolume(lab);
      lap('labels');
    }
  }

  /** Opacity of the label overlay, 0 (hidden) to 1. */
  setLabelOpacity(opacity: number): void {
    this.labelOpacity = opacity;
    if (!this.labelImage) return;
    this.labelImage.opacity = opacity;
    this.changed();
  }

  /**
   * Shows (or updates, or with `data` null removes) a named scalar overlay on the case grid, e.g. the temperature
   * in °C. Values below range[0] are transparent. Updating an existing overlay re-uploads its data only.
   */
  async setOverlay(
    name: string,
    data: Float32Array | null,
    colormap: OverlayColormap,
    range: [number, number],
    opacity = 0.7,
  ): Promise<void> {
    await this.putOverlay(name, data, colormap, (img) => {
      // NVImage's colormap setter recomputes the intensity percentiles: only on a change
      if (img.colormap !== colormap) img.colormap = colormap;
      img.cal_min = range[0];
      img.cal_max = range[1];
      img.opacity = opacity;
    });
  }

  /**
   * Runs overlay updates (and live-layer changes) with one GPU refresh at the end instead of one per update: each
   * refresh re-renders every overlay volume (tens to hundreds of ms in software WebGL), so two updates in one go
   * cost half as much.
   */
  async batch(updates: () => Promise<void>): Promise<void> {
    if (this.batching) return updates();
    this.batching = true;
    this.batchDirty = false;
    this.batchRedraw = false;
    try {
      await updates();
    } finally {
      this.batching = false;
      if (this.batchDirty) this.renderOverlays();
      if (this.batchDirty || this.batchRedraw) this.redraw();
    }
  }

  /**
   * Shows a live frame of a running treatment (temperature colours and the 240 CEM43 contour on the box of the case
   * the simulation covers) in place of the previous one: one byte per voxel uploaded, one redraw.
   */
  showLive(frame: LiveFrame): void {
    if (!this.grid) return;
    this.live.show(frame, !this.batching);
    if (this.batching) this.batchRedraw = true;
  }

  /**
   * A run starts (before its first frame): the live view gets ready, at reduced resolution if its frames will be
   * drawn so (see LiveLayer), while the simulation has not yet taken the cores.
   */
  startLive(): void {
    if (this.grid) this.live.start();
  }

  /** Removes the live frame (at the end of a run). */
  clearLive(): void {
    this.live.clear(!this.batching);
    if (this.batching) this.batchRedraw = true;
  }

  /** Whether a named overlay is shown (setOverlay / setMaskOverlay with data, not hidden since). */
  hasOverlay(name: string): boolean {
    const o = this.overlays.get(name);
    return o !== undefined && !o.hidden;
  }

  /**
   * Hides a named overlay but keeps its layer, so that showing it again (setOverlay / setMaskOverlay) only uploads
   * its data: NiiVue skips a fully transparent layer when it re-renders the overlays.
   */
  hideOverlay(name: string): void {
    const o = this.overlays.get(name);
    if (!o || o.hidden) return;
    o.hidden = true;
    o.image.opacity = 0;
    this.changed();
  }

  /** A named label-style overlay (values 1..n coloured by `colors`, 0 transparent): points, contours, beam cone. */
  async setMaskOverlay(name: string, data: Uint8Array | null, colors: readonly LabelColor[], opacity = 1): Promise<void> {
    await this.putOverlay(name, data, 'gray', (img) => {
      img.setColormapLabel(colorTable([{ label: 0, name: '', rgb: [0, 0, 0], alpha: 0 }, ...colors]));
      img.opacity = opacity;
    });
  }

  private async putOverlay(
    name: string,
    data: Float32Array | Uint8Array | null,
    colormap: string,
    style: (img: NVImage) => void,
  ): Promise<void> {
    const existing = this.overlays.get(name);
    if (!this.grid || data === null) {
      if (existing) {
        this.setLayers(this.nv.volumes.filter((v) => v !== existing.image));
        this.overlays.delete(name);
        this.changed();
      }
      return;
    }
    if (data.length !== voxelCount(this.grid))
      throw new RangeError(`overlay "${name}" has ${data.length} values, the case grid ${voxelCount(this.grid)}`);
    if (existing && existing.data.constructor === data.constructor) {
      (existing.image.img as Float32Array | Uint8Array).set(data);
      existing.data = data;
      existing.hidden = false;
      style(existing.image);
      this.changed();
      return;
    }
    const back = this.nv.back;
    if (!back) return;
    // the image holds a copy: later updates are copied into it, never into the caller's arrays
    const copy = data instanceof Uint8Array ? new Uint8Array(data) : new Float32Array(data);
    const image = overlayImage(back, copy, `${name}.nii`, colormap);
    style(image);
    this.overlays.set(name, { image, data, hidden: false });
    // in the old one's place (an overlay keeps its order among the others), or on top
    const volumes = this.nv.volumes.slice();
    const at = existing ? volumes.indexOf(existing.image) : -1;
    if (at > 0) volumes[at] = image;
    else volumes.push(image);
    this.setLayers(volumes);
    this.changed();
  }

  /** Replaces NiiVue's list of volumes (background first) without its full refresh (see renderOverlays). */
  private setLayers(volumes: NVImage[]): void {
    this.nv.volumes = volumes;
    this.nv.back = volumes[0] ?? null;
    this.nv.overlays = volumes.slice(1);
  }

  /** An overlay changed: refresh now, or at the end of the batch. */
  private changed(): void {
    if (this.batching) this.batchDirty = true;
    else {
      this.renderOverlays();
      this.redraw();
    }
  }

  /**
   * Re-renders the overlay volumes into NiiVue's blended overlay texture, leaving the background's textures (image
   * and 3D gradient) as they are: NiiVue's updateGLVolume less its layer 0 and its redraw. With no overlay left the
   * full refresh runs (layer 0's pass is what tells the slice shader that there are none).
   */
  private renderOverlays(): void {
    const nv = this.nv;
    if (nv.volumes.length < 2) {
      nv.updateGLVolume();
      return;
    }
    for (let layer = 1; layer < nv.volumes.length; layer++) nv.refreshLayers(nv.volumes[layer], layer);
  }

  /** Draws the scene once: at full resolution again if the live view had reduced it (a cleared run). */
  private redraw(): void {
    if (!this.live.restoreView()) this.nv.drawScene();
  }

  /** Moves the crosshair to a patient RAS mm point (and the three slices with it). */
  setCrosshair(mm: Vec3): void {
    if (this.nv.volumes.length === 0) return;
    const frac = this.nv.mm2frac([mm[0], mm[1], mm[2]]);
    this.nv.scene.crosshairPos = frac;
    this.nv.drawScene();
    this.emit(mm);
  }

  /** Shows or hides the 3D rendering beside the three slices. */
  setShow3D(show: boolean): void {
    // while a run is live the 3D view is paused (LiveLayer): the choice applies when it ends
    if (this.live.setShow3D(show)) this.nv.drawScene();
  }

  /** Calls `listener` whenever the crosshair moves (click, drag, keyboard or setCrosshair). */
  onLocationChange(listener: (loc: ViewerLocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The location under a patient RAS mm point, read from the arrays the viewer was given. */
  locate(mm: Vec3): ViewerLocation {
    const loc: ViewerLocation = { mm, voxel: null, image: null, label: null, overlays: {} };
    const g = this.grid;
    if (!g) return loc;
    const f = rasMmToVoxel(g, mm[0], mm[1], mm[2], this.scratch);
    const i = Math.round(f[0]);
    const j = Math.round(f[1]);
    const k = Math.round(f[2]);
    if (i < 0 || j < 0 || k < 0 || i >= g.shape[0] || j >= g.shape[1] || k >= g.shape[2]) return loc;
    const index = i + g.shape[0] * (j + g.shape[1] * k);
    loc.voxel = [i, j, k];
    loc.image = this.imageData ? this.imageData[index] : null;
    loc.label = this.labelData ? this.labelData[index] : null;
    for (const [name, o] of this.overlays) if (!o.hidden) loc.overlays[name] = o.data[index];
    // while a treatment runs, the live temperature inside the box it covers
    const frame = this.live.frame;
    if (frame) {
      const a = i - frame.origin[0];
      const b = j - frame.origin[1];
      const c = k - frame.origin[2];
      const [bx, by, bz] = frame.shape;
      if (a >= 0 && b >= 0 && c >= 0 && a < bx && b < by && c < bz) loc.overlays.temperature = frame.temperature[a + bx * (b + by * c)];
    }
    return loc;
  }

  private emit(mm: Vec3): void {
    if (this.listeners.size === 0) return;
    const loc = this.locate(mm);
    for (const l of this.listeners) l(loc);
  }
}

function centreMm(g: Grid3D): Vec3 {
  const m = g.affine;
  const c = [(g.shape[0] - 1) / 2, (g.shape[1] - 1) / 2, (g.shape[2] - 1) / 2];
  return [
    m[0] * c[0] + m[1] * c[1] + m[2] * c[2] + m[3],
    m[4] * c[0] + m[5] * c[1] + m[6] * c[2] + m[7],
    m[8] * c[0] + m[9] * c[1] + m[10] * c[2] + m[11],
  ];
}
