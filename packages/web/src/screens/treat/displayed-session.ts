import {
  type Case,
  type LogEvent,
  type Plan,
  type SessionSetup,
  TreatmentSession,
  type Vec3,
  BModeRenderer,
  focalGrey,
  getTransducerPreset,
} from '@openfuas/core';
import type { ConsoleFrame, Modality } from './console-protocol.js';
import { SLICE_SCALE, anatomyGrey, bmodeRgba, greyOfLabels, renderSlice, slicePlane } from './console-images.js';

/**
 * How often the workstation reads the simulated patient, in control ticks: with ultrasound guidance every
 * PATIENT_READ_TICKS (the B-mode frames, ten per second, show the bubbles of the latest read: they grow and fade
 * over seconds to minutes), with MR guidance never beyond the session's own reads (each map; 0). The read pattern
 * is part of what makes a run bit-identical: the core session reads on it (SessionSetup.patientReadEvery), the log
 * header records it (`run.workstation.patientReadEvery`), and every replay (the review's, `fuas log replay`) reads
 * the same way (loggedSession).
 */
export const PATIENT_READ_TICKS = 10;

export function patientReadsFor(modality: Modality): number {
  return modality === 'us' ? PATIENT_READ_TICKS : 0;
}

/** A treatment session that reads its patient as the workstation does, with a hook after each tick. */
export class DisplayedSession extends TreatmentSession {
  afterStep: ((events: LogEvent[]) => void | Promise<void>) | null = null;

  constructor(setup: SessionSetup, readEvery: number) {
    super({ ...setup, patientReadEvery: readEvery });
  }

  override async step(): Promise<LogEvent[]> {
    const events = await super.step();
    await this.afterStep?.(events);
    return events;
  }
}

/** m from the imaging probe (at the bowl's apex) to the focus: the bowl's radius of curvature. */
export function focalDistanceOf(plan: Plan): number {
  const d = plan.device;
  return 'preset' in d ? getTransducerPreset(d.preset).radiusOfCurvature : d.radiusOfCurvature;
}

/** Draws what the console shows: B-mode frames (US) or the latest thermometry map (MR), with the plan points. */
export class ConsoleImager {
  private readonly beam: Vec3;
  private readonly focalDistance: number;
  private readonly greys: Uint8Array;
  private mrAnatomy: Uint8Array | null = null;
  private truthAnatomy: Uint8Array | null = null;
  /** B-mode frames at one focus share their anatomy, speckle and attenuation (only bubbles and noise change) */
  private readonly renderer = new BModeRenderer();

  constructor(
    private readonly c: Case,
    private readonly session: DisplayedSession,
  ) {
    this.beam = session.plan.placement.beamDirection as unknown as Vec3;
    this.focalDistance = focalDistanceOf(session.plan);
    this.greys = greyOfLabels(c.structures);
  }

  focusOf(point: number): Vec3 {
    const s = this.session.plan.sonications;
    return s[Math.max(0, Math.min(s.length - 1, point))].focus as unknown as Vec3;
  }

  /** A B-mode frame centred on `point`'s focus, with its focal grey (the operator's greyscale reading). */
  bmode(point: number, done: ArrayLike<number>): { frame: ConsoleFrame; grey: number } {
    const focus = this.focusOf(point);
    const img = this.renderer.render(this.c, {
      focus,
      beam: this.beam,
      focalDistance: this.focalDistance,
      seed: this.session.settings.seed,
      frame: this.session.tick,
      bubbles: { grid: this.session.patient.grid, fraction: this.session.patient.bubbles },
    });
    const [dx, dz] = img.pixelSize;
    // the image plane's axes, as renderBMode builds them
    const b = this.beam;
    const ref = Math.abs(b[0]) < 0.9 ? [1, 0, 0] : [0, 0, 1];
    const dot = ref[0] * b[0] + ref[1] * b[1] + ref[2] * b[2];
    const l0 = [ref[0] - dot * b[0], ref[1] - dot * b[1], ref[2] - dot * b[2]];
    const ln = Math.hypot(l0[0], l0[1], l0[2]);
    const lat = [l0[0] / ln, l0[1] / ln, l0[2] / ln];
    const nrm = [b[1] * lat[2] - b[2] * lat[1], b[2] * lat[0] - b[0] * lat[2], b[0] * lat[1] - b[1] * lat[0]];
    const probe = [focus[0] - b[0] * this.focalDistance, focus[1] - b[1] * this.focalDistance, focus[2] - b[2] * this.focalDistance];
    const points: ConsoleFrame['points'] = [];
    this.session.plan.sonications.forEach((s, i) => {
      const r = [s.focus[0] - probe[0], s.focus[1] - probe[1], s.focus[2] - probe[2]];
      const off = Math.abs(r[0] * nrm[0] + r[1] * nrm[1] + r[2] * nrm[2]);
      if (off > 1.5e-3 || i === point) return;
      const x = (r[0] * lat[0] + r[1] * lat[1] + r[2] * lat[2] + img.width * dx * 0.5) / dx;
      const y = (r[0] * b[0] + r[1] * b[1] + r[2] * b[2]) / dz;
      if (x >= 0 && x < img.width && y >= 0 && y < img.height) points.push({ x, y, done: done[i] > 0 });
    });
    return {
      frame: {
        kind: 'us',
        time: this.session.time,
        image: bmodeRgba(img),
        pixelSize: [dx, dz],
        focus: { x: img.width / 2, y: this.focalDistance / dz },
        points,
      },
      grey: focalGrey(img, this.focalDistance),
    };
  }

  /** The latest thermometry map on the plane through `point`'s focus holding the beam, with the 17/240 CEM43 contours. */
  thermometry(point: number, done: ArrayLike<number>): ConsoleFrame | null {
    const th = this.session.thermometry;
    const map = this.session.lastMap;
    if (!th || !map) return null;
    this.mrAnatomy ??= anatomyGrey(th.labels, this.greys);
    const focus = this.focusOf(point);
    const plane = slicePlane(th.grid, focus, this.beam);
    const image = renderSlice(plane, { anatomy: this.mrAnatomy, temperature: map.temperature, valid: th.valid, dose: map.dose });
    return { kind: 'mr', time: map.time, image, ...this.marks(plane, point, done, th.grid.spacing[0]) };
  }

  /** The patient's true temperature and dose on the plane through `point`'s focus (review only). */
  truth(point: number): ConsoleFrame['image'] {
    const p = this.session.patient;
    this.truthAnatomy ??= anatomyGrey(p.labels, this.greys);
    const plane = slicePlane(p.grid, this.focusOf(point), this.beam);
    return renderSlice(plane, { anatomy: this.truthAnatomy, temperature: p.temperature, dose: p.dose });
  }

  /** True peak temperature within 5 mm of `point`'s focus, and the true volume at ≥ 240 CEM43 (cm³) (review only). */
  trueReadings(point: number): { focus: number; dose240Volume: number } {
    const p = this.session.patient;
    const f = this.focusOf(point);
    const pos = [0, 0, 0];
    let peak = 0;
    let n240 = 0;
    const T = p.temperature;
    const D = p.dose;
    for (let i = 0; i < T.length; i++) {
      if (D[i] >= 240) n240++;
      if (T[i] <= peak) continue;
      p.position(i, pos);
      if (Math.hypot(pos[0] - f[0], pos[1] - f[1], pos[2] - f[2]) <= 5e-3) peak = T[i];
    }
    const [sx, sy, sz] = p.grid.spacing;
    // grid spacing in m: m³ → cm³
    return { focus: peak, dose240Volume: n240 * sx * sy * sz * 1e6 };
  }

  private marks(
    plane: ReturnType<typeof slicePlane>,
    point: number,
    done: ArrayLike<number>,
    voxel: number,
  ): Pick<ConsoleFrame, 'focus' | 'points' | 'pixelSize'> {
    const k = SLICE_SCALE;
    const f = plane.project(this.focusOf(point));
    const points: ConsoleFrame['points'] = [];
    this.session.plan.sonications.forEach((s, i) => {
      if (i === point) return;
      const q = plane.project(s.focus as unknown as Vec3);
      if (q.off <= 0.5) points.push({ x: (q.h + 0.5) * k, y: (q.v + 0.5) * k, done: done[i] > 0 });
    });
    const px = voxel / k;
    return { focus: { x: (f.h + 0.5) * k, y: (f.v + 0.5) * k }, points, pixelSize: [px, px] };
  }
}
