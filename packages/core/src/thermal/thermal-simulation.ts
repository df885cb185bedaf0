import { InputError, requireFinite } from '../errors.js';
import { type Grid3D, type Vec3, voxelCount, voxelVolume } from '../grid/grid3d.js';
import type { KernelArgs } from '../parallel/kernel-registry.js';
import { type ParallelExecutor, SerialExecutor, sharedFloat32, sharedFloat64, sharedUint8 } from '../parallel/parallel-executor.js';
import { BoilingState, type BoilingOptions, boilingMaterials } from './boiling.js';
import { shieldedSource } from './bubble-shielding.js';
import { type HeatSource, addPatchSource, forEachSourceVoxel } from './heat-source.js';
import { PENNES_EXPLICIT_KERNEL, sameLabelVoxels } from './pennes-explicit-kernel.js';
import { TaylorStepper } from './taylor-step.js';
import { type ImplicitProblem, ImplicitWorkspace, implicitStep } from './pennes-implicit.js';
import type { PerfusionResponse } from '../tissue/thermoregulation.js';
import { type TimelineSegment, segmentScale } from './sonication-timeline.js';
import { THERMAL_DOSE_KERNEL } from './thermal-dose-kernel.js';
import { type ArrheniusParameters, GAS_CONSTANT, LETHAL_CEM43, cem43Factor } from './thermal-dose.js';
import {
  type MaterialTables,
  type ThermalBoundary,
  type ThermalMedium,
  boundaryCode,
  explicitStabilityLimit,
  materialTables,
} from './thermal-medium.js';

/**
 * Time-stepping schemes: explicit forward Euler (the reference: second order in space, parallel, at its stability
 * limit), 'explicit4' (fourth order in space where the medium is homogeneous, second order in time, same step;
 * pennes-taylor-kernel.ts), backward Euler, Crank–Nicolson.
 */
export type ThermalScheme = 'explicit' | 'explicit4' | 'implicit' | 'crank-nicolson';

/** Physics and execution options of a bioheat simulation (defaults in DEFAULT_THERMAL_OPTIONS). */
export interface ThermalOptions {
  /** scheme while a source is on (default 'explicit') */
  scheme?: ThermalScheme;
  /** scheme while cooling (default: `scheme`); 'implicit' takes long steps through long pauses */
  coolingScheme?: ThermalScheme;
  /** forced explicit step, s; beyond the stability limit it is an InputError (default: courant × limit) */
  dt?: number;
  /** fraction of the explicit stability limit used for the automatic step, (0, 1] (default 0.9) */
  courant?: number;
  /** step of the implicit schemes, s (default max(0.5 s, the explicit step)) */
  implicitDt?: number;
  /** what lies outside the grid (default 'body': tissue at the arterial temperature) */
  boundary?: ThermalBoundary;
  /** °C, a number or one value per voxel (default the arterial temperature) */
  initialTemperature?: number | ArrayLike<number>;
  /** CEM43 minutes at which tissue counts as dead: lesion contour and perfusion shutdown (default 240) */
  doseThreshold?: number;
  /** perfusion multiplier once dead, [0, 1] (default 0: flow stops) */
  perfusionShutdown?: number;
  /** also integrate Arrhenius damage Ω (dead once Ω ≥ 1) */
  arrhenius?: ArrheniusParameters | null;
  /** runs the explicit and dose kernels (default: serial) */
  executor?: ParallelExecutor;
  /** keep the energy budget (deposited, perfusion, boundary, stored); two more passes per step */
  trackEnergy?: boolean;
  /**
   * voxels held at a fixed temperature (°C) from the start and after every step: a well-mixed, temperature-controlled
   * bath such as the coupling water circulated against the skin (a Dirichlet condition inside the grid)
   */
  held?: { voxels: ArrayLike<number>; temperature: number };
  /**
   * perfusion that follows temperature, by material name: each living voxel of such a material perfuses at its
   * material's rate × response.factor(T), updated after every step (e.g. LANG_1999_PERFUSION for muscle and fat)
   */
  perfusionResponse?: Readonly<Record<string, PerfusionResponse>>;
  /**
   * boiling of tissue water (thermal/boiling.ts): latent heat holds voxels at 100 °C while their water vaporises,
   * vapour bubbles mark the greyscale (default true; false: plain Pennes, temperatures may pass 100 °C)
   */
  boiling?: boolean | BoilingOptions;
  /**
   * bubbles reflect a whole-grid ('field') source: shadow behind them, reflected heat in front (bubble-shielding.ts);
   * `beam` is the propagation direction in the grid's axes, `absorption` the amplitude absorption coefficient (Np/m)
   * at the drive frequency per material label (shieldingAbsorption); without it bubbles shadow only (default: no
   * shielding)
   */
  bubbleShielding?: { beam: Vec3; absorption?: readonly number[] };
}

export const DEFAULT_THERMAL_OPTIONS = {
  scheme: 'explicit',
  courant: 0.9,
  boundary: 'body',
  doseThreshold: LETHAL_CEM43,
  perfusionShutdown: 0,
} as const;

/**
 * Energy budget in J since the start (trackEnergy). stored = deposited − perfusionLoss − boundaryLoss up to round-off;
 * stored counts sensible heat ρC·ΔT and the latent heat of vaporised water (`latent`, part of stored).
 */
export interface EnergyBudget {
  deposited: number;
  perfusionLoss: number;
  boundaryLoss: number;
  stored: number;
  latent: number;
}

/** Progress report passed to advance()'s onProgress. */
export interface ThermalProgress {
  time: number;
  endTime: number;
  steps: number;
  peakTemperature: number;
  segment: number;
}

/** Options of advance(): progress, cooperative yielding (so a Web Worker can receive a cancel), an abort signal. */
export interface AdvanceOptions {
  onProgress?: (p: ThermalProgress) => void;
  /** yield to the event loop (setTimeout 0) at least this often, ms (default: never) */
  yieldEveryMs?: number;
  signal?: { readonly aborted: boolean };
}

interface StepTables {
  cx: Float64Array;
  cy: Float64Array;
  cz: Float64Array;
  pc: Float64Array;
  sc: Float64Array;
}

const EMPTY_F32 = sharedFloat32(1);
const EMPTY_F64 = sharedFloat64(1);

/**
 * A bioheat simulation that advances step by step through a timeline of segments (Pennes' equation on a
 * ThermalMedium, CEM43 and optional Arrhenius dose, perfusion shutdown, boiling flag). State is readable between
 * steps: `temperature` (°C), `dose` (CEM43 min), `damage` (Ω), `boiled`, `time`; `version` increases with every
 * step (a viewer re-uploads when it changes). Segments can be appended while running (a live console).
 *
 * Steps: within a segment of duration D the explicit step is D/ceil(D/Δt_max) with Δt_max = courant × the
 * stability limit (or the forced dt); a segment's last step lands exactly on its end. Results therefore do not
 * depend on how advance() is called.
 */
export class ThermalSimulation {
  readonly grid: Grid3D;
  readonly medium: ThermalMedium;
  /** CEM43, minutes, per voxel (Float64, shared) */
  readonly dose: Float64Array;
  private readonly held: { voxels: Int32Array; temperature: number } | null = null;
  /** voxels whose perfusion follows temperature, and the response of each */
  private readonly regulated: { voxels: Int32Array; response: Uint8Array; responses: PerfusionResponse[] } | null = null;
  /** CEM43 factor R^(43−T) of the current temperature per voxel, kept for the dose kernel (one exp per step) */
  private readonly cemFactor: Float64Array;
  /** Arrhenius Ω per voxel, or null */
  readonly damage: Float64Array | null;
  /** 1 where T has reached 100 °C */
  readonly boiled: Uint8Array;
  /** perfusion multiplier per voxel (1 alive, perfusionShutdown once dead) */
  readonly perfusionScale: Float32Array;
  /** the explicit scheme's stability limit, s */
  readonly explicitDtLimit: number;
  /** the explicit step bound in use (forced or courant × limit), s */
  readonly explicitDt: number;
  /** the implicit step bound in use, s */
  readonly implicitDt: number;
  /** the step last taken, s, and its scheme */
  lastDt = 0;
  lastScheme: ThermalScheme | null = null;
  time = 0;
  steps = 0;
  version = 0;
  /** highest temperature anywhere so far, °C */
  peakTemperature: number;
  /** highest temperature now, °C */
  currentPeakTemperature: number;
  /** peak temperature after every step (and at t = 0) */
  readonly timeline: { t: number[]; peakTemperature: number[] } = { t: [], peakTemperature: [] };
  readonly energy: EnergyBudget | null;

  private T: Float64Array;
  private Tn: Float64Array;
  private readonly segments: TimelineSegment[] = [];
  private readonly scales: number[] = [];
  private seg = 0;
  private segStep = 0;
  private segSteps = 0;
  private segDt = 0;
  private segScheme: ThermalScheme = 'explicit';
  private segStart = 0;
  private cancelled = false;
  private readonly executor: ParallelExecutor;
  private readonly tables: MaterialTables;
  private readonly tableCache = new Map<number, StepTables>();
  private readonly zMax: Float64Array;
  private readonly options: Required<
    Omit<
      ThermalOptions,
      | 'arrhenius'
      | 'executor'
      | 'dt'
      | 'initialTemperature'
      | 'implicitDt'
      | 'coolingScheme'
      | 'held'
      | 'perfusionResponse'
      | 'boiling'
      | 'bubbleShielding'
    >
  > & {
    arrhenius: ArrheniusParameters | null;
    coolingScheme: ThermalScheme;
  };
  private readonly bc: number;
  private implicitProblem: ImplicitProblem | null = null;
  private implicitWork: ImplicitWorkspace | null = null;
  private taylor: TaylorStepper | null = null;
  private readonly initial: Float64Array | null;
  /** vapour and greyscale state (null: boiling off) */
  readonly boiling: BoilingState | null;
  private readonly shieldBeam: Vec3 | null;
  private readonly shieldAbsorption: number[] | null;
  /** the field source as the bubbles leave it, and the source it was computed from (null: unshielded) */
  private shielded: { from: Float32Array; q: Float32Array } | null = null;
  private shieldStale = false;

  constructor(medium: ThermalMedium, timeline: readonly TimelineSegment[] = [], options: ThermalOptions = {}) {
    this.medium = medium;
    this.grid = medium.grid;
    const n = voxelCount(this.grid);
    if (medium.labels.length !== n) throw new InputError('medium.labels', `has ${medium.labels.length} voxels, the grid has ${n}`);
    const scheme = checkScheme(options.scheme ?? DEFAULT_THERMAL_OPTIONS.scheme, 'scheme');
    const coolingScheme = checkScheme(options.coolingScheme ?? scheme, 'coolingScheme');
    const courant = requireFinite('courant', options.courant ?? DEFAULT_THERMAL_OPTIONS.courant, 'positive');
    if (courant > 1) throw new InputError('courant', `must be in (0, 1], got ${courant}`);
    const boundary = options.boundary ?? DEFAULT_THERMAL_OPTIONS.boundary;
    this.bc = boundaryCode(boundary);
    const doseThreshold = requireFinite('doseThreshold', options.doseThreshold ?? DEFAULT_THERMAL_OPTIONS.doseThreshold, 'positive');
    const perfusionShutdown = requireFinite(
      'perfusionShutdown',
      options.perfusionShutdown ?? DEFAULT_THERMAL_OPTIONS.perfusionShutdown,
      'non-negative',
    );
    if (perfusionShutdown > 1) throw new InputError('perfusionShutdown', `must be in [0, 1], got ${perfusionShutdown}`);
    const arrhenius = options.arrhenius ?? null;
    if (arrhenius) {
      requireFinite('arrhenius.frequencyFactor', arrhenius.frequencyFactor, 'positive');
      requireFinite('arrhenius.activationEnergy', arrhenius.activationEnergy, 'positive');
    }
    this.options = {
      scheme,
      coolingScheme,
      courant,
      boundary,
      doseThreshold,
      perfusionShutdown,
      arrhenius,
      trackEnergy: options.trackEnergy ?? false,
    };
    this.executor = options.executor ?? new SerialExecutor();

    this.tables = materialTables(medium);
    const responses = medium.materials.map((m) => options.perfusionResponse?.[m.name] ?? null);
    // the explicit limit holds for the highest perfusion the responses can reach
    const fastest = responses.some((r) => r !== null)
      ? { ...medium, materials: medium.materials.map((m, a) => ({ ...m, perfusion: m.perfusion * (responses[a]?.maxFactor ?? 1) })) }
      : medium;
    this.explicitDtLimit = explicitStabilityLimit(fastest, boundary);
    if (options.dt !== undefined) {
      const dt = requireFinite('dt', options.dt, 'positive');
      if ((isExplicit(scheme) || isExplicit(coolingScheme)) && dt > this.explicitDtLimit * (1 + 1e-12)) {
        throw new InputError(
          'dt',
          `${dt} s is beyond the explicit stability limit of ${this.explicitDtLimit.toPrecision(4)} s for this grid and medium ` +
            '(ρC/(Σ k_f/h² + w ρ_b C_b)); use a smaller dt, omit it for the automatic step, or choose the implicit scheme',
        );
      }
      this.explicitDt = isExplicit(scheme) || isExplicit(coolingScheme) ? dt : courant * this.explicitDtLimit;
      this.implicitDt = isExplicit(scheme) && isExplicit(coolingScheme) ? Math.max(0.5, dt) : dt;
    } else {
      this.explicitDt = courant * this.explicitDtLimit;
      this.implicitDt = Math.max(0.5, this.explicitDt);
    }
    if (options.implicitDt !== undefined) this.implicitDt = requireFinite('implicitDt', options.implicitDt, 'positive');

    this.T = sharedFloat64(n);
    this.Tn = sharedFloat64(n);
    const init = options.initialTemperature ?? medium.arterialTemperature;
    if (typeof init === 'number') this.T.fill(requireFinite('initialTemperature', init));
    else {
      if (init.length !== n) throw new InputError('initialTemperature', `has ${init.length} values, the grid has ${n}`);
      for (let i = 0; i < n; i++) this.T[i] = requireFinite('initialTemperature', init[i]);
    }
    if (options.held) {
      if (options.trackEnergy) throw new InputError('held', 'the energy budget does not yet count the heat held voxels take up');
      const th = requireFinite('held.temperature', options.held.temperature);
      const idx: number[] = [];
      for (let i = 0; i < options.held.voxels.length; i++) {
        const v = options.held.voxels[i];
        if (!Number.isInteger(v) || v < 0 || v >= n) throw new InputError('held.voxels', `index ${v} is outside the grid (${n} voxels)`);
        idx.push(v);
      }
      this.held = { voxels: Int32Array.from(idx), temperature: th };
      for (const i of this.held.voxels) this.T[i] = th;
    }
    this.dose = sharedFloat64(n);
    this.cemFactor = sharedFloat64(n);
    for (let i = 0; i < n; i++) this.cemFactor[i] = cem43Factor(this.T[i]);
    this.damage = arrhenius ? sharedFloat64(n) : null;
    this.boiled = sharedUint8(n);
    this.perfusionScale = sharedFloat32(n).fill(1);
    if (responses.some((r) => r !== null)) {
      const voxels: number[] = [];
      const which: number[] = [];
      const list: PerfusionResponse[] = [];
      const slot = responses.map((r) => {
        if (!r) return -1;
        list.push(r);
        return list.length - 1;
      });
      for (let i = 0; i < n; i++) {
        const k = slot[medium.labels[i]];
        if (k >= 0) {
          voxels.push(i);
          which.push(k);
        }
      }
      this.regulated = { voxels: Int32Array.from(voxels), response: Uint8Array.from(which), responses: list };
      this.regulatePerfusion();
    }
    this.zMax = sharedFloat64(this.grid.shape[2]);
    let peak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (this.T[i] > peak) peak = this.T[i];
    this.peakTemperature = peak;
    this.currentPeakTemperature = peak;
    this.timeline.t.push(0);
    this.timeline.peakTemperature.push(peak);
    this.initial = this.options.trackEnergy ? Float64Array.from(this.T) : null;
    this.energy = this.options.trackEnergy ? { deposited: 0, perfusionLoss: 0, boundaryLoss: 0, stored: 0, latent: 0 } : null;
    const boil = options.boiling ?? true;
    this.boiling =
      boil === false ? null : new BoilingState(n, boilingMaterials(medium.materials, boil === true ? {} : boil), boil === true ? {} : boil);
    this.shieldBeam = options.bubbleShielding ? options.bubbleShielding.beam : null;
    const absorption = options.bubbleShielding?.absorption;
    if (absorption && absorption.length !== medium.materials.length)
      throw new InputError(
        'bubbleShielding.absorption',
        `has ${absorption.length} values, the medium has ${medium.materials.length} materials`,
      );
    this.shieldAbsorption = absorption
      ? absorption.map((a, i) => requireFinite(`bubbleShielding.absorption[${i}]`, a, 'non-negative'))
      : null;
    this.append(timeline);
  }

  /** Temperature now, °C (the live array: read it between steps, do not keep it across steps). */
  get temperature(): Float64Array {
    return this.T;
  }

  /** End of the last segment so far, s. */
  get endTime(): number {
    let t = 0;
    for (const s of this.segments) t += s.duration;
    return t;
  }

  /** True when every segment has been stepped. */
  get done(): boolean {
    return this.seg >= this.segments.length;
  }

  /** Index of the segment being stepped (segments.length when done). */
  get segmentIndex(): number {
    return this.seg;
  }

  /** Appends segments (validated) to the timeline. */
  append(segments: readonly TimelineSegment[]): void {
    segments.forEach((s, k) => {
      const field = `timeline[${this.segments.length + k}]`;
      const scale = segmentScale(s, field);
      if (s.source?.kind === 'field' && s.source.q.length !== voxelCount(this.grid)) {
        throw new InputError(`${field}.source`, `has ${s.source.q.length} voxels, the grid has ${voxelCount(this.grid)}`);
      }
      this.scales.push(scale);
    });
    this.segments.push(...segments);
  }

  /** Asks a running advance() to stop after the current step (it resolves with cancelled: true). */
  cancel(): void {
    this.cancelled = true;
  }

  /** Takes one step; false when the timeline is finished. */
  async step(): Promise<boolean> {
    if (this.seg >= this.segments.length) return false;
    if (this.segStep === 0) this.enterSegment();
    const segment = this.segments[this.seg];
    const scale = this.scales[this.seg];
    const dt = this.segDt;
    const source = this.effectiveSource(scale !== 0 ? (segment.source ?? null) : null);
    if (this.energy) this.accountBefore(source, scale, dt);
    if (this.segScheme === 'explicit') await this.explicitStep(source, scale, dt);
    else if (this.segScheme === 'explicit4') await this.taylorStep(source, scale, dt);
    else this.implicitStep(source, scale, dt, this.segScheme === 'implicit' ? 1 : 0.5);
    if (this.energy) this.accountAfter(dt);
    if (this.held) {
      const th = this.held.temperature;
      for (const i of this.held.voxels) this.Tn[i] = th;
    }
    if (this.boiling) {
      const tEnd = this.segStep + 1 === this.segSteps ? this.segStart + segment.duration : this.segStart + (this.segStep + 1) * dt;
      const formed = this.boiling.project(this.Tn, this.medium.labels, tEnd);
      const faded = this.boiling.fade(dt, this.medium.labels);
      if (formed || faded) this.shieldStale = true;
    }
    if (this.energy) this.accountStored();
    await this.doseStep(dt);
    const tmp = this.T;
    this.T = this.Tn;
    this.Tn = tmp;
    if (this.regulated) this.regulatePerfusion();
    this.segStep++;
    this.steps++;
    this.time = this.segStep === this.segSteps ? this.segStart + segment.duration : this.segStart + this.segStep * dt;
    this.lastDt = dt;
    this.lastScheme = this.segScheme;
    this.version++;
    this.timeline.t.push(this.time);
    this.timeline.peakTemperature.push(this.currentPeakTemperature);
    if (this.segStep === this.segSteps) {
      this.segStart += segment.duration;
      this.seg++;
      this.segStep = 0;
    }
    return true;
  }

  /**
   * Steps until the next step would end after `toTime` (default: the end of the timeline), or cancel()/signal.
   */
  async advance(toTime = Number.POSITIVE_INFINITY, options: AdvanceOptions = {}): Promise<{ cancelled: boolean; time: number }> {
    this.cancelled = false;
    let lastYield = Date.now();
    while (!this.done) {
      if (this.cancelled || options.signal?.aborted) return { cancelled: true, time: this.time };
      if (this.nextStepEnd() > toTime + 1e-9) break;
      await this.step();
      options.onProgress?.({
        time: this.time,
        endTime: this.endTime,
        steps: this.steps,
        peakTemperature: this.currentPeakTemperature,
        segment: this.seg,
      });
      if (options.yieldEveryMs !== undefined && Date.now() - lastYield >= options.yieldEveryMs) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
    }
    return { cancelled: false, time: this.time };
  }

  /** Highest CEM43 anywhere, minutes. */
  maxDose(): number {
    let m = 0;
    for (let i = 0; i < this.dose.length; i++) if (this.dose[i] > m) m = this.dose[i];
    return m;
  }

  /** Volume where CEM43 ≥ threshold (default: the simulation's dose threshold), m³. */
  lesionVolume(threshold = this.options.doseThreshold): number {
    let c = 0;
    for (let i = 0; i < this.dose.length; i++) if (this.dose[i] >= threshold) c++;
    return c * voxelVolume(this.grid);
  }

  /** The dose threshold in use (CEM43 min). */
  get doseThreshold(): number {
    return this.options.doseThreshold;
  }

  private nextStepEnd(): number {
    if (this.segStep === 0) {
      const d = this.segments[this.seg].duration;
      const sch = this.schemeOf(this.seg);
      const dtMax = isExplicit(sch) ? this.explicitDt : this.implicitDt;
      return this.segStart + d / Math.ceil(d / dtMax - 1e-9);
    }
    return this.segStep + 1 === this.segSteps
      ? this.segStart + this.segments[this.seg].duration
      : this.segStart + (this.segStep + 1) * this.segDt;
  }

  private schemeOf(k: number): ThermalScheme {
    return this.scales[k] !== 0 ? this.options.scheme : this.options.coolingScheme;
  }

  private enterSegment(): void {
    const d = this.segments[this.seg].duration;
    this.segScheme = this.schemeOf(this.seg);
    const dtMax = isExplicit(this.segScheme) ? this.explicitDt : this.implicitDt;
    this.segSteps = Math.max(1, Math.ceil(d / dtMax - 1e-9));
    this.segDt = d / this.segSteps;
  }

  private stepTables(dt: number): StepTables {
    let t = this.tableCache.get(dt);
    if (t) return t;
    const L = this.tables.count;
    const [dx, dy, dz] = this.grid.spacing;
    const cx = sharedFloat64(L * L);
    const cy = sharedFloat64(L * L);
    const cz = sharedFloat64(L * L);
    const pc = sharedFloat64(L);
    const sc = sharedFloat64(L);
    for (let a = 0; a < L; a++) {
      const s = dt * this.tables.invRhoC[a];
      sc[a] = s;
      pc[a] = dt * this.tables.perfusionRate[a];
      for (let b = 0; b < L; b++) {
        const k = this.tables.faceConductivity[a * L + b];
        cx[a * L + b] = (s * k) / (dx * dx);
        cy[a * L + b] = (s * k) / (dy * dy);
        cz[a * L + b] = (s * k) / (dz * dz);
      }
    }
    t = { cx, cy, cz, pc, sc };
    if (this.tableCache.size > 16) this.tableCache.clear();
    this.tableCache.set(dt, t);
    return t;
  }

  /** the explicit kernel's same-label mask (made at the first explicit step of a multi-material medium) */
  private sameLabel: Uint8Array | null = null;

  private async explicitStep(source: HeatSource | null, scale: number, dt: number): Promise<void> {
    const tab = this.stepTables(dt);
    const [nx, ny, nz] = this.grid.shape;
    const full = source?.kind === 'field';
    const args: Record<string, KernelArgs[string]> = {
      T0: this.T,
      T1: this.Tn,
      labels: this.medium.labels,
      ...tab,
      ps: this.perfusionScale,
      q: full ? source.q : EMPTY_F32,
      qs: full ? scale : 0,
      nx,
      ny,
      nz,
      L: this.tables.count,
      bc: this.bc,
      Ta: this.medium.arterialTemperature,
      Tb: this.medium.arterialTemperature,
    };
    if (this.tables.count > 1) {
      this.sameLabel ??= sameLabelVoxels(this.medium.labels, this.grid.shape);
      args.same = this.sameLabel;
    }
    await this.executor.run(PENNES_EXPLICIT_KERNEL, args, nz);
    if (source?.kind === 'patch') addPatchSource(this.Tn, this.medium.labels, tab.sc, this.grid, source, scale);
  }

  /** One 'explicit4' step (TaylorStepper; held voxels get no rate, they are reset after the step anyway). */
  private async taylorStep(source: HeatSource | null, scale: number, dt: number): Promise<void> {
    if (!this.taylor) this.taylor = new TaylorStepper(this.grid, this.medium.labels, this.tables, this.bc, this.executor);
    const Ta = this.medium.arterialTemperature;
    await this.taylor.step(this.T, this.Tn, this.perfusionScale, source, scale, dt, Ta, Ta, this.held?.voxels ?? null);
  }

  private implicitStep(source: HeatSource | null, scale: number, dt: number, theta: number): void {
    if (!this.implicitProblem) {
      this.implicitProblem = {
        shape: this.grid.shape,
        spacing: this.grid.spacing,
        labels: this.medium.labels,
        L: this.tables.count,
        rhoC: this.tables.rhoC,
        faceConductivity: this.tables.faceConductivity,
        perfusionCoefficient: this.tables.perfusionCoefficient,
        ps: this.perfusionScale,
        bc: this.bc,
      };
      this.implicitWork = new ImplicitWorkspace(this.T.length);
    }
    const grid = this.grid;
    const add = source
      ? (b: Float64Array) => {
          forEachSourceVoxel(source, grid, (i, q) => {
            b[i] += scale * q;
          });
        }
      : null;
    implicitStep(
      this.implicitProblem,
      this.T,
      this.Tn,
      add,
      this.medium.arterialTemperature,
      dt,
      theta,
      this.implicitWork as ImplicitWorkspace,
    );
  }

  /** Sets the perfusion scale of the regulated voxels from their temperature now (dead ones keep the shutdown). */
  private regulatePerfusion(): void {
    const r = this.regulated;
    if (!r) return;
    const threshold = this.options.doseThreshold;
    const omega = this.damage;
    const T = this.T;
    const ps = this.perfusionScale;
    for (let n = 0; n < r.voxels.length; n++) {
      const i = r.voxels[n];
      if (this.dose[i] >= threshold || (omega !== null && omega[i] >= 1)) continue;
      ps[i] = r.responses[r.response[n]].factor(T[i]);
    }
  }

  private async doseStep(dt: number): Promise<void> {
    const [nx, ny, nz] = this.grid.shape;
    const arr = this.options.arrhenius;
    await this.executor.run(
      THERMAL_DOSE_KERNEL,
      {
        T0: this.T,
        T1: this.Tn,
        dose: this.dose,
        ps: this.perfusionScale,
        boiled: this.boiled,
        zMax: this.zMax,
        dt,
        threshold: this.options.doseThreshold,
        shutdown: this.options.perfusionShutdown,
        Toff: 0,
        arr: arr !== null,
        lnA: arr ? Math.log(arr.frequencyFactor) : 0,
        eaOverR: arr ? arr.activationEnergy / GAS_CONSTANT : 0,
        omega: this.damage ?? EMPTY_F64,
        hasBg: false,
        bg0: EMPTY_F64,
        bg1: EMPTY_F64,
        f0: 0,
        f1: 0,
        factor: this.cemFactor,
        nx,
        ny,
      },
      nz,
    );
    let peak = Number.NEGATIVE_INFINITY;
    for (let z = 0; z < nz; z++) if (this.zMax[z] > peak) peak = this.zMax[z];
    this.currentPeakTemperature = peak;
    if (peak > this.peakTemperature) this.peakTemperature = peak;
  }

  // Energy budget: the explicit step's losses are its rates at T^n times Δt; the θ-method's are θ·rates(T^{n+1})
  // + (1 − θ)·rates(T^n). Deposited energy is Σ Q V Δt. With these, the discrete budget closes to round-off.
  private pendingRates: [number, number] = [0, 0];
  private accountBefore(source: HeatSource | null, scale: number, dt: number): void {
    const e = this.energy as EnergyBudget;
    if (source) {
      let s = 0;
      forEachSourceVoxel(source, this.grid, (_i, q) => {
        s += q;
      });
      e.deposited += scale * s * voxelVolume(this.grid) * dt;
    }
    this.pendingRates = this.lossRates(this.T);
  }

  private accountAfter(dt: number): void {
    const e = this.energy as EnergyBudget;
    const w = isExplicit(this.segScheme) ? 0 : this.segScheme === 'implicit' ? 1 : 0.5;
    const after = w > 0 ? this.lossRates(this.Tn) : this.pendingRates;
    e.perfusionLoss += dt * ((1 - w) * this.pendingRates[0] + w * after[0]);
    e.boundaryLoss += dt * ((1 - w) * this.pendingRates[1] + w * after[1]);
    if (this.segScheme === 'explicit4' && this.taylor) {
      // the Taylor step's correction Δt²/2·A₂v loses heat at A₂'s rates for the field v (ghost 0)
      const [perf, boundary] = this.lossRates(this.taylor.rate, 0);
      e.perfusionLoss += 0.5 * dt * dt * perf;
      e.boundaryLoss += 0.5 * dt * dt * boundary;
    }
  }

  /** Stored energy after the step (and after boiling's projection, which moves sensible heat into latent heat). */
  private accountStored(): void {
    const e = this.energy as EnergyBudget;
    const init = this.initial as Float64Array;
    const lab = this.medium.labels;
    let stored = 0;
    for (let i = 0; i < init.length; i++) stored += this.tables.rhoC[lab[i]] * (this.Tn[i] - init[i]);
    const V = voxelVolume(this.grid);
    e.latent = this.boiling ? this.boiling.latentEnergyDensity(lab) * V : 0;
    e.stored = stored * V + e.latent;
  }

  /** The source as the bubbles leave it: a whole-grid source shielded and reflected once bubbles exist. */
  private effectiveSource(source: HeatSource | null): HeatSource | null {
    if (!source || source.kind !== 'field' || !this.shieldBeam || !this.boiling || this.boiling.onset === null) return source;
    if (this.shieldStale || !this.shielded || this.shielded.from !== source.q) {
      const out = this.shielded && this.shielded.q.length === source.q.length ? this.shielded.q : undefined;
      const absorbing = this.shieldAbsorption ? { labels: this.medium.labels, absorption: this.shieldAbsorption } : undefined;
      const q = shieldedSource(source.q, this.grid, this.shieldBeam, this.boiling.greyscaleVoxels(), out, undefined, absorbing);
      this.shielded = { from: source.q, q };
      this.shieldStale = false;
    }
    return { ...source, q: this.shielded.q };
  }

  /** [perfusion loss, boundary loss] in W at temperature field T. */
  private lossRates(T: Float64Array, Ta = this.medium.arterialTemperature): [number, number] {
    const lab = this.medium.labels;
    const V = voxelVolume(this.grid);
    let perf = 0;
    for (let i = 0; i < T.length; i++) perf += this.tables.perfusionCoefficient[lab[i]] * this.perfusionScale[i] * (T[i] - Ta);
    let boundary = 0;
    if (this.bc === 0) {
      const [nx, ny, nz] = this.grid.shape;
      const h = this.grid.spacing;
      const L = this.tables.count;
      const kf = this.tables.faceConductivity;
      const face = (i: number, h2: number) => {
        const a = lab[i];
        boundary += (kf[a * L + a] * (T[i] - Ta)) / h2;
      };
      for (let z = 0; z < nz; z++)
        for (let y = 0; y < ny; y++) {
          face(nx * (y + ny * z), h[0] * h[0]);
          face(nx - 1 + nx * (y + ny * z), h[0] * h[0]);
        }
      for (let z = 0; z < nz; z++)
        for (let x = 0; x < nx; x++) {
          face(x + nx * ny * z, h[1] * h[1]);
          face(x + nx * (ny - 1 + ny * z), h[1] * h[1]);
        }
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          face(x + nx * y, h[2] * h[2]);
          face(x + nx * (y + ny * (nz - 1)), h[2] * h[2]);
        }
    }
    return [perf * V, boundary * V];
  }
}

function isExplicit(s: ThermalScheme): boolean {
  return s === 'explicit' || s === 'explicit4';
}

function checkScheme(s: string, field: string): ThermalScheme {
  if (s === 'explicit' || s === 'explicit4' || s === 'implicit' || s === 'crank-nicolson') return s;
  throw new InputError(field, `must be "explicit", "explicit4", "implicit" or "crank-nicolson", got ${JSON.stringify(s)}`);
}
