import { type CouchGeometry, type Vec3, rasMmToVoxel } from '@openfuas/core';
import {
  type BeamPlaneFrame,
  type SideViewPlane,
  beamPlaneFrame,
  bowlSection,
  directionLetter,
  planeToRas,
  rasToPlane,
  samplePlane,
  sideViewExtent,
} from '../../engine/beam-plane.js';
import { depthFromSkin } from '../../engine/case-geometry.js';
import { isBlocking } from '../../engine/point-safety.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useLanguage } from '../../i18n/language-signal.js';
import { usePlanState } from './use-plan-state.js';
import { labelColorTable } from '../../viewer/label-colors.js';
import { fmt } from '../../ui/dom.js';
import type { PlanState } from './plan-state.js';
import { robustRange } from '../../viewer/grey-window.js';

/** Canvas width in pixels (drawn at twice the panel's CSS width for sharp lines); the height follows the extent. */
const WIDTH = 720;
/** The case image is sampled at half that resolution (about one sample per CSS pixel), then scaled. */
const RASTER = 2;
const BACKGROUND = '#0a0c0e';
const COLORS = {
  water: 'rgba(40, 100, 175, 0.42)',
  couch: '#46525e',
  membrane: '#7fb6e6',
  cone: 'rgba(80, 220, 255, 0.17)',
  coneEdge: 'rgba(80, 220, 255, 0.75)',
  coneBlocked: 'rgba(255, 90, 70, 0.22)',
  coneBlockedEdge: 'rgba(255, 90, 70, 0.9)',
  bowl: '#d6dee6',
  probe: '#7d8a96',
  focus: '#3cff78',
  slice: '#ffe63c',
  other: '#5aaaff',
  text: '#c9d4de',
  margin: [245, 245, 245] as const,
};

/** The grey window of the case image (robust range), kept while the case stays. */
type WindowCache = { current: { image: Float32Array; range: [number, number] } | null };

/**
 * The transducer side view of the Plan tab: a plane through the current focus containing the beam axis, at true
 * scale: the case (image and labels), the water bath under the couch's window, the bowl (radius of curvature,
 * aperture, central hole with the imaging probe) placed at the focus minus R along the beam, the beam cone from
 * the rim to the focus, the plan's points near the plane, and the margin contour (where foci may sit). It follows
 * the selected point (else the target centre of the probe sonication).
 */
export function BowlView({ state, getCase }: { state: PlanState; getCase: () => WorkstationCase | null }) {
  const lang = useLanguage();
  const events = usePlanState(state);
  const [plane, setPlane] = useState<SideViewPlane>('sagittal');
  const canvas = useRef<HTMLCanvasElement>(null);
  const cache = useRef<WindowCache['current']>(null);
  const c = getCase();
  const shown = Boolean(state.planned && c && state.bowl());
  useLayoutEffect(() => {
    if (shown && c && canvas.current) drawSideView(canvas.current, c, state, plane, cache);
  }, [events.current, lang, plane, shown, c]);
  return (
    <section class="bowl-section" data-testid="bowl-section" hidden={!shown}>
      <div class="row inline">
        <h3>{t('plan.bowl.title')}</h3>
        <select
          data-testid="bowl-plane"
          value={plane}
          onChange={(e) => setPlane((e.currentTarget as HTMLSelectElement).value as SideViewPlane)}
        >
          {(['sagittal', 'transverse'] as const).map((p) => (
            <option key={p} value={p}>
              {t(`plan.bowl.${p}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <canvas class="bowl-view" width={WIDTH} height={WIDTH} data-testid="bowl-view" ref={canvas} />
      <p class="hint">{t('plan.bowl.caption')}</p>
    </section>
  );
}

function drawSideView(canvas: HTMLCanvasElement, c: WorkstationCase, state: PlanState, plane: SideViewPlane, cache: WindowCache): void {
  const planned = state.planned;
  const bowl = state.bowl();
  if (!planned || !bowl) return;
  const index = state.currentPoint();
  const son = index === null ? undefined : state.sonications[index];
  const focusM = son ? son.focus : planned.probeFocus;
  const focusMm: Vec3 = [focusM[0] * 1000, focusM[1] * 1000, focusM[2] * 1000];
  const frame = beamPlaneFrame(focusMm, state.beam(), plane);
  const R = bowl.radiusOfCurvature * 1000;
  const couch = c.core?.couch ?? null;
  const halfWidth = Math.max(bowl.aperture * 500, (couch?.windowRadius ?? 0) * 1000);
  const extent = sideViewExtent(c.grid, frame, halfWidth, R);
  const scale = WIDTH / (extent.uMax - extent.uMin);
  const height = Math.round((extent.wMax - extent.wMin) * scale);
  if (canvas.height !== height) canvas.height = height;
  const x = (u: number) => (u - extent.uMin) * scale;
  const y = (w: number) => (extent.wMax - w) * scale;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = BACKGROUND;
  g.fillRect(0, 0, WIDTH, height);

  if (couch) drawBath(g, frame, couch, x, y, height);
  if (!cache.current || cache.current.image !== c.image) cache.current = { image: c.image, range: robustRange(c.image) };
  drawCase(g, c, frame, extent, cache.current.range, state.allowed, height);

  const warnings = index === null ? [] : state.warnings(index);
  const blocked = warnings.some(isBlocking);
  const cut = bowlSection(bowl);
  // the beam cone: rim to focus, minus the central opening's shadow
  g.beginPath();
  g.moveTo(x(cut.rim[0][0]), y(cut.rim[0][1]));
  g.lineTo(x(0), y(0));
  g.lineTo(x(cut.rim[1][0]), y(cut.rim[1][1]));
  g.closePath();
  g.moveTo(x(cut.hole[0][0]), y(cut.hole[0][1]));
  g.lineTo(x(0), y(0));
  g.lineTo(x(cut.hole[1][0]), y(cut.hole[1][1]));
  g.closePath();
  g.fillStyle = blocked ? COLORS.coneBlocked : COLORS.cone;
  g.fill('evenodd');
  g.strokeStyle = blocked ? COLORS.coneBlockedEdge : COLORS.coneEdge;
  g.lineWidth = 1.5;
  g.stroke();
  // the imaging probe in the hole, then the bowl's radiating surface
  const holeHalf = Math.abs(cut.hole[1][0]);
  if (holeHalf > 0) {
    g.fillStyle = COLORS.probe;
    const top = cut.hole[1][1] + 6;
    g.fillRect(x(-holeHalf * 0.55), y(top), holeHalf * 1.1 * scale, (top - (cut.apex[1] - 30)) * scale);
  }
  g.strokeStyle = COLORS.bowl;
  g.lineWidth = 7;
  g.lineCap = 'round';
  for (const half of cut.halves) {
    g.beginPath();
    g.moveTo(x(half[0][0]), y(half[0][1]));
    for (const [u, w] of half) g.lineTo(x(u), y(w));
    g.stroke();
  }
  g.lineCap = 'butt';

  // the plan's points within 2.5 mm of the plane, then the focus
  const sons = state.sonications;
  sons.forEach((s, i) => {
    if (i === index) return;
    const p = rasToPlane(frame, [s.focus[0] * 1000, s.focus[1] * 1000, s.focus[2] * 1000]);
    if (Math.abs(p.off) > 2.5) return;
    g.fillStyle = son && s.slice === son.slice ? COLORS.slice : COLORS.other;
    g.beginPath();
    g.arc(x(p.u), y(p.w), 3.2, 0, 2 * Math.PI);
    g.fill();
  });
  g.strokeStyle = COLORS.focus;
  g.lineWidth = 2.5;
  g.beginPath();
  g.arc(x(0), y(0), 8, 0, 2 * Math.PI);
  g.moveTo(x(0) - 14, y(0));
  g.lineTo(x(0) + 14, y(0));
  g.moveTo(x(0), y(0) - 14);
  g.lineTo(x(0), y(0) + 14);
  g.stroke();

  // words: orientation letters at the middle of each edge, focus, depth, bowl, scale (on dark boxes over the image)
  g.font = '22px system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif';
  const minus = (d: Vec3): Vec3 => [-d[0], -d[1], -d[2]];
  label(g, directionLetter(frame.along), WIDTH / 2, 16, 'center');
  label(g, directionLetter(minus(frame.along)), WIDTH / 2, height - 16, 'center');
  label(g, directionLetter(minus(frame.across)), 16, height / 2, 'center');
  label(g, directionLetter(frame.across), WIDTH - 16, height / 2, 'center');
  label(g, son ? t('plan.bowl.focusAt', { label: son.label ?? String((index ?? 0) + 1) }) : t('plan.bowl.probeFocus'), 10, 20, 'left');
  const v = rasMmToVoxel(c.grid, focusMm[0], focusMm[1], focusMm[2], [0, 0, 0]);
  const voxel: Vec3 = [Math.round(v[0]), Math.round(v[1]), Math.round(v[2])];
  const inside = voxel.every((q, a) => q >= 0 && q < c.grid.shape[a]);
  const depth = inside ? depthFromSkin(c, voxel) : null;
  if (depth !== null) label(g, t('plan.bowl.depth', { d: fmt(depth * 1000, 0), w: fmt(R - depth * 1000, 0) }), 10, 50, 'left');
  label(
    g,
    t('plan.bowl.geometry', { r: fmt(R, 0), a: fmt(bowl.aperture * 1000, 0), h: fmt(bowl.holeDiameter * 1000, 0) }),
    10,
    height - 48,
    'left',
  );
  if (couch) label(g, t('plan.bowl.water'), 10, height - 80, 'left', COLORS.membrane);
  // 50 mm scale bar
  g.strokeStyle = COLORS.text;
  g.fillStyle = COLORS.text;
  g.lineWidth = 3;
  const barEnd = WIDTH - 16;
  const barY = height - 16;
  g.beginPath();
  g.moveTo(barEnd - 50 * scale, barY);
  g.lineTo(barEnd, barY);
  g.stroke();
  g.textAlign = 'right';
  g.textBaseline = 'bottom';
  g.fillText(`50 ${t('unit.mm')}`, barEnd, barY - 6);
  // for tests and tools: what was drawn
  canvas.dataset.focus = focusMm.map((q) => q.toFixed(1)).join(',');
  canvas.dataset.margins = state.allowed ? 'shown' : 'none';
  canvas.dataset.bowlApexMm = planeToRas(frame, 0, -R)
    .map((q) => q.toFixed(1))
    .join(',');
}

/** A line of text on a dark box, vertically centred on y. */
function label(g: CanvasRenderingContext2D, text: string, x: number, y: number, align: 'left' | 'center', color = COLORS.text): void {
  const w = g.measureText(text).width;
  const left = align === 'center' ? x - w / 2 : x;
  g.fillStyle = 'rgba(10, 12, 14, 0.72)';
  g.fillRect(left - 5, y - 14, w + 10, 28);
  g.fillStyle = color;
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  g.fillText(text, left, y + 1);
}

/** The water bath: from the couch's membrane down (away from the patient), the couch beside its window. */
function drawBath(
  g: CanvasRenderingContext2D,
  frame: BeamPlaneFrame,
  couch: CouchGeometry,
  x: (u: number) => number,
  y: (w: number) => number,
  height: number,
): void {
  const m = rasToPlane(frame, [couch.membraneCenter[0] * 1000, couch.membraneCenter[1] * 1000, couch.membraneCenter[2] * 1000]);
  const r = couch.windowRadius * 1000;
  const top = y(m.w);
  const bottom = Math.min(height, y(m.w - couch.waterDepth * 1000));
  g.fillStyle = COLORS.water;
  g.fillRect(0, top, WIDTH, bottom - top);
  g.fillStyle = COLORS.couch;
  g.fillRect(0, top - 10, x(m.u - r), 10);
  g.fillRect(x(m.u + r), top - 10, WIDTH - x(m.u + r), 10);
  g.strokeStyle = COLORS.membrane;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(x(m.u - r), top);
  g.lineTo(x(m.u + r), top);
  g.stroke();
}

/** The case in the plane: grey image, labels in their colours, and the outline of the allowed region in white. */
function drawCase(
  g: CanvasRenderingContext2D,
  c: WorkstationCase,
  frame: BeamPlaneFrame,
  extent: ReturnType<typeof sideViewExtent>,
  range: [number, number],
  allowed: Uint8Array | null,
  height: number,
): void {
  const w = Math.round(WIDTH / RASTER);
  const hh = Math.max(1, Math.round(height / RASTER));
  const index = samplePlane(c.grid, frame, extent, w, hh);
  const colors = new Map(labelColorTable(c.structures).map((l) => [l.label, l]));
  const raster = new ImageData(w, hh);
  const px = raster.data;
  const [lo, hi] = range;
  const LABEL_ALPHA = 0.38;
  for (let p = 0; p < index.length; p++) {
    const i = index[p];
    if (i < 0) continue;
    const grey = Math.max(0, Math.min(255, ((c.image[i] - lo) / (hi - lo)) * 255));
    let r = grey;
    let gg = grey;
    let b = grey;
    const label = c.labels ? colors.get(c.labels[i]) : undefined;
    if (label && label.alpha > 0) {
      r = r * (1 - LABEL_ALPHA) + label.rgb[0] * LABEL_ALPHA;
      gg = gg * (1 - LABEL_ALPHA) + label.rgb[1] * LABEL_ALPHA;
      b = b * (1 - LABEL_ALPHA) + label.rgb[2] * LABEL_ALPHA;
    }
    if (allowed?.[i] && isEdge(index, allowed, p, w, hh)) [r, gg, b] = COLORS.margin;
    px[4 * p] = r;
    px[4 * p + 1] = gg;
    px[4 * p + 2] = b;
    px[4 * p + 3] = 255;
  }
  const off = document.createElement('canvas');
  off.width = w;
  off.height = hh;
  off.getContext('2d')?.putImageData(raster, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(off, 0, 0, WIDTH, height);
}

/** Whether raster pixel p of the allowed region has a 4-neighbour outside it. */
function isEdge(index: Int32Array, allowed: Uint8Array, p: number, w: number, h: number): boolean {
  const x = p % w;
  const y = (p - x) / w;
  const out = (q: number) => index[q] < 0 || !allowed[index[q]];
  return (x > 0 && out(p - 1)) || (x < w - 1 && out(p + 1)) || (y > 0 && out(p - w)) || (y < h - 1 && out(p + w));
}
