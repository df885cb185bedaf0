import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { type Grid3D, type Vec3, voxelCount, voxelToRasMm } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32 } from '../parallel/parallel-executor.js';
import { alignedGrid, caseMaterials, caseThermalMedium, patchBox } from '../planning/case-grids.js';
import type { Plan } from '../planning/plan.js';
import type { TreatmentDomains } from '../planning/treatment-domains.js';
import { placeBeamPatch } from '../planning/treatment-sources.js';
import type { HeatSource } from '../thermal/heat-source.js';
import { forEachSourceVoxel } from '../thermal/heat-source.js';
import type { TimelineSegment } from '../thermal/sonication-timeline.js';
import { ThermalSimulation } from '../thermal/thermal-simulation.js';
import { LANG_1999_PERFUSION } from '../tissue/thermoregulation.js';

/** Extra heat of an injected fault: a sphere absorbing `perWatt` W/m³ per W delivered (see faults.ts). */
export interface FaultHeat {
  /** RAS m */
  readonly centre: Vec3;
  /** m */
  readonly radius: number;
  /** K/s per W delivered */
  readonly heatingPerWatt: number;
}

/** What reaches the patient during an interval: point index, W into the tissue, anatomy displacement (m, RAS). */
export interface PatientDrive {
  readonly point: number;
  readonly power: number;
  readonly displacement: Vec3;
  readonly faults: readonly FaultHeat[];
}

/** m past each focus along the beam that the patient grid covers (the far field). */
export const FAR_FIELD_DEPTH = 0.045;

/** The patient grid's spacing: the plan's path patches (pathSpacing = 3 × the 0.5 mm fine spacing by default). */
function pathSpacing(domains: TreatmentDomains): number {
  return domains.sources.sources[0]?.path.spacing[0] ?? 1.5e-3;
}

/**
 * The simulated patient under a treatment session (the hidden truth the monitoring only samples): Pennes bioheat
 * (ThermalSimulation) on one grid along the case's axes at the plan's path-patch spacing (1.5 mm by default)
 * covering the target, its margin, the whole beam path of every point (skin to beyond the focus) and the far field
 * (FAR_FIELD_DEPTH past each focus; the beam's heat there beyond the path patch's end is not modelled), with each
 * point's full path patch (the beam's heat from skin to far field, the angular spectrum through the layers of the
 * plan's domains) placed at the point's focus shifted onto its own skin, the coupling water held at the plan's
 * temperature, and muscle and fat perfusion rising with temperature (Lang et al. 1999) as in the near-field run.
 *
 * Stepping is lazy: the session hands over intervals of constant drive (one per control tick) and the patient
 * merges equal neighbours into one timeline segment, stepping only when someone reads it (a thermometry map, the
 * end of a sonication, the outcome). Steps are the solver's own (segment / ceil(segment / Δt_max)), so the same
 * sequence of reads gives the same numbers: a replay that reads at the same ticks is bit-identical.
 *
 * The 1.5 mm grid under-resolves the focal peak (the outcome uses the 0.5 mm two-level solver instead); MR voxels
 * of 2.5 mm average over it anyway.
 */
export class SimulatedPatient {
  readonly grid: Grid3D;
  /** case labels per voxel */
  readonly labels: Uint8Array;
  readonly structures: Readonly<Record<string, number>>;
  /** °C, highest per voxel so far */
  readonly maxTemperature: Float32Array;
  readonly sim: ThermalSimulation;
  private readonly domains: TreatmentDomains;
  private readonly sources = new Map<string, HeatSource>();
  private pending: { key: string; source: HeatSource | null; power: number; duration: number } | null = null;
  /** s of treatment time handed over (stepped or pending) */
  scheduled = 0;

  constructor(c: Case, plan: Plan, domains: TreatmentDomains, options: { executor?: ParallelExecutor } = {}) {
    this.domains = domains;
    const spacing = pathSpacing(domains);
    const lo: [number, number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    const hi: [number, number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const grow = (b: { lo: Vec3; hi: Vec3 }) => {
      for (let a = 0; a < 3; a++) {
        lo[a] = Math.min(lo[a], b.lo[a]);
        hi[a] = Math.max(hi[a], b.hi[a]);
      }
    };
    grow(gridBox(domains.fine));
    // the far field: FAR_FIELD_DEPTH past every focus along the beam (beyond the path patches' end), where
    // far-field monitoring looks (sacrum side, bowel)
    const b = plan.placement.beamDirection;
    for (const f of plan.sonications) {
      const p: Vec3 = [f.focus[0] + b[0] * FAR_FIELD_DEPTH, f.focus[1] + b[1] * FAR_FIELD_DEPTH, f.focus[2] + b[2] * FAR_FIELD_DEPTH];
      grow({ lo: p, hi: p });
    }
    const nf = domains.nearField;
    for (let i = 0; i < nf.positions.length; i++) grow(patchBox(domains.sources.sources[nf.sourceOfSonication[i]].path, nf.positions[i]));
    this.grid = alignedGrid(c.grid, spacing, lo, hi);
    const { medium, labels } = caseThermalMedium(c, this.grid);
    this.labels = labels;
    this.structures = structureLabels(c);
    const water = this.structures.water;
    const bath: number[] = [];
    if (water !== undefined) for (let i = 0; i < labels.length; i++) if (labels[i] === water) bath.push(i);
    this.sim = new ThermalSimulation(medium, [], {
      executor: options.executor ?? new SerialExecutor(),
      coolingScheme: 'explicit',
      perfusionResponse: LANG_1999_PERFUSION,
      ...(bath.length > 0 ? { held: { voxels: bath, temperature: plan.placement.waterTemperature } } : {}),
    });
    this.maxTemperature = Float32Array.from(this.sim.temperature);
    this.rhoC = Float64Array.from(caseMaterials(c), (m) => m.density * m.specificHeat);
  }

  private readonly rhoC: Float64Array;

  /** Hands over `duration` s of treatment with this drive (null or zero power: output off). */
  heat(duration: number, drive: PatientDrive | null): void {
    if (!(duration > 0)) return;
    this.scheduled += duration;
    const on = drive !== null && drive.power > 0;
    const key = on ? sourceKey(drive) : 'off';
    const power = on ? drive.power : 0;
    if (this.pending && this.pending.key === key && this.pending.power === power) {
      this.pending.duration += duration;
      return;
    }
    this.flushPending();
    this.pending = { key, source: on ? this.sourceFor(drive, key) : null, power, duration };
  }

  /** Steps everything handed over; then `temperature` is the state at `scheduled`. */
  async advance(): Promise<void> {
    this.flushPending();
    const T = this.sim.temperature;
    const max = this.maxTemperature;
    while (await this.sim.step()) {
      const now = this.sim.temperature;
      for (let i = 0; i < now.length; i++) if (now[i] > max[i]) max[i] = now[i];
    }
    void T;
  }

  /** °C now (call advance() first). */
  get temperature(): Float64Array {
    return this.sim.temperature;
  }

  /** CEM43 min per voxel (true dose). */
  get dose(): Float64Array {
    return this.sim.dose;
  }

  /**
   * Bubble (hyperechoic greyscale) level per voxel, 0..1: the boiling model's greyscale (thermal/boiling.ts: onset,
   * growth while vapour forms, fading over minutes), or, with boiling off, the voxels that reached 100 °C.
   */
  get bubbles(): ArrayLike<number> {
    return this.sim.boiling?.greyscale ?? this.sim.boiled;
  }

  /** RAS m of voxel i's centre. */
  position(i: number, out: number[] = [0, 0, 0]): number[] {
    const [nx, ny] = this.grid.shape;
    voxelToRasMm(this.grid, i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny)), out);
    out[0] /= 1000;
    out[1] /= 1000;
    out[2] /= 1000;
    return out;
  }

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    const seg: TimelineSegment = p.source
      ? { duration: p.duration, source: p.source, power: p.power }
      : { duration: p.duration, source: null };
    this.sim.append([seg]);
    this.pending = null;
  }

  private sourceFor(drive: PatientDrive, key: string): HeatSource {
    let s = this.sources.get(key);
    if (s) return s;
    const nf = this.domains.nearField;
    const patch = this.domains.sources.sources[nf.sourceOfSonication[drive.point]].path;
    const p = nf.positions[drive.point];
    const d = drive.displacement;
    // the anatomy moved by d relative to the beam: the beam lands at −d in the anatomy's frame
    const placed = placeBeamPatch(patch, this.grid, [p[0] - d[0], p[1] - d[1], p[2] - d[2]]);
    if (drive.faults.length === 0) s = placed;
    else {
      const q = sharedFloat32(voxelCount(this.grid));
      forEachSourceVoxel(placed, this.grid, (i, v) => {
        q[i] += v;
      });
      const pos = [0, 0, 0];
      for (const f of drive.faults) {
        for (let i = 0; i < q.length; i++) {
          this.position(i, pos);
          const r = Math.hypot(pos[0] - f.centre[0], pos[1] - f.centre[1], pos[2] - f.centre[2]);
          if (r <= f.radius) q[i] += this.rhoC[this.labels[i]] * f.heatingPerWatt;
        }
      }
      s = { kind: 'field', q, referencePower: 1 };
    }
    if (this.sources.size > 256) this.sources.clear();
    this.sources.set(key, s);
    return s;
  }
}

function sourceKey(d: PatientDrive): string {
  const f = d.faults.map((x) => `${x.centre.join(',')}:${x.radius}:${x.heatingPerWatt}`).join(';');
  return `${d.point}|${d.displacement.join(',')}|${f}`;
}

/** RAS box (m) of a grid's corner voxel centres. */
export function gridBox(g: Grid3D): { lo: Vec3; hi: Vec3 } {
  const lo: [number, number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi: [number, number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const mm = [0, 0, 0];
  for (let c = 0; c < 8; c++) {
    voxelToRasMm(g, c & 1 ? g.shape[0] - 1 : 0, c & 2 ? g.shape[1] - 1 : 0, c & 4 ? g.shape[2] - 1 : 0, mm);
    for (let r = 0; r < 3; r++) {
      lo[r] = Math.min(lo[r], mm[r] / 1000);
      hi[r] = Math.max(hi[r], mm[r] / 1000);
    }
  }
  return { lo, hi };
}
