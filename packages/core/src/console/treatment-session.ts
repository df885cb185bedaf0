import type { Case } from '../case/case.js';
import { FormatError, FuasError, InputError } from '../errors.js';
import { type Vec3, rasMmToVoxel } from '../grid/grid3d.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { checkSonicationLimits, deviceLimits } from '../planning/device-limits.js';
import type { SimulationOutcome } from '../planning/outcome.js';
import { type Plan, expandShots, parsePlan } from '../planning/plan.js';
import { checkPlanCouchWindow } from '../planning/reachable-plan.js';
import type { TreatmentDomains } from '../planning/treatment-domains.js';
import { getTransducerPreset } from '../transducer/presets.js';
import { beamPathObstruction } from './beam-path-watch.js';
import { BModeRenderer, focalGrey } from './bmode-image.js';
import { contentHash } from './canonical-json.js';
import { type DeliveredFragment, deliveredOutcome } from './delivered-outcome.js';
import {
  AMPLIFIER_FAULT_GAIN,
  COUPLING_LOSS_REFLECTED,
  FAULT_HEATING,
  type FaultInjection,
  type FaultName,
  TARGET_MOTION,
} from './faults.js';
import { type InterlockKernelState, evaluateInterlocks, resetInterlocks } from './interlock-kernel.js';
import { type InterlockCode, type InterlockLimits, interlockLimits } from './interlock-limits.js';
import { MrThermometry, type ThermometryMap } from './mr-thermometry.js';
import { type SessionAction, type SessionState, canTransition, transition } from './session-state.js';
import { type FaultHeat, SimulatedPatient } from './simulated-patient.js';
import { LOG_FORMAT, LOG_VERSION, type LogEvent, type LogHeader, type LogSink, encodeRecord } from './treatment-log.js';
import { sha256Hex } from '../provenance/provenance.js';

/**
 * The control tick: 100 ms of treatment time. Every command, measurement and interlock evaluation happens once
 * per tick; the interlock kernel evaluates at the end of each tick, so a fault seen in tick k has the output off
 * from tick k + 1: within one tick. Ticks are counted as integers and times written as tick / 10 (exact decimals).
 */
export const CONTROL_TICK = 0.1;
export const TICKS_PER_SECOND = 10;

export type Modality = 'us' | 'mr';
export type OperatorPolicy = 'auto' | 'plan';

/** What the session's results depend on (hashed into the log header). */
export interface SessionSettings {
  readonly modality: Modality;
  readonly operator: OperatorPolicy;
  readonly injections: readonly FaultInjection[];
  /** seeds thermometry noise and speckle */
  readonly seed: number;
}

/** An operator's action (from the workstation, a script or a test), applied at the start of the next tick. */
export type OperatorAction =
  | { readonly type: 'lockPlan' | 'arm' | 'start' | 'pause' | 'resume' | 'stop' | 'emergencyStop' | 'skipPoint' }
  | {
      readonly type: 'setParameters';
      /** plan index (default: the current point, else the next) */
      readonly point?: number;
      readonly power?: number;
      readonly exposure?: number;
      readonly cooling?: number;
    }
  | {
      readonly type: 'replan';
      /** the remaining points in their new order, each a plan index not yet started, with its parameters */
      readonly points: ReadonlyArray<{
        readonly point: number;
        readonly power: number;
        readonly exposure: number;
        readonly cooling: number;
      }>;
    };

/** The summary of `fuas treat --json` and `fuas log replay --json` (issue 13's contract). */
export interface SessionSummary {
  state: SessionState;
  delivered: { sonications: number; energy: number; sonicationTime: number };
  stop: null | { reason: string; time: number; tick: number; faultTime: number | null };
  interlocks: Array<{ time: number; code: string; level: 'warning' | 'error' }>;
  outcome: SimulationOutcome | null;
}

/** The fault behind each interlock, for the stop record's faultTime. */
const FAULT_OF: Partial<Record<InterlockCode, FaultName[]>> = {
  'near-field-temperature': ['skin-overheat'],
  'near-field-dose': ['skin-overheat'],
  'far-field-temperature': ['far-field-overheat'],
  'far-field-dose': ['far-field-overheat'],
  'coupling-loss': ['coupling-loss'],
  'target-motion': ['target-motion'],
  'beam-path': ['target-motion'],
  'amplifier-fault': ['amplifier-fault'],
  'sonication-energy': ['amplifier-fault'],
  'monitoring-loss': ['monitoring-loss'],
  'emergency-stop': ['emergency-stop'],
  heartbeat: ['control-stall'],
};

/** Operator rule of `--operator auto` for MR: a point whose focus reads below this (°C) had no effect (rule of thumb). */
const AUTO_MR_EFFECT = 55;
/**
 * ... for US: a focal grey rise below this (of 255, over the frame before the point's first shot) means no
 * greyscale change (rule of thumb: 10 of 255 levels is ≈ 2.4 dB in the 60 dB display, the least rise an operator
 * is taken to see; the bubbles' +25 dB (bmode-image.ts) at full level is ≈ 100 levels). Also the greyscale rule of
 * the plan's feedback (repeat the shots at a point until the greyscale change appears).
 */
export const GREYSCALE_CHANGE = 10;
/** power step of the auto operator, and the longest it waits for a near-field warning to clear (s) */
const AUTO_POWER_STEP = 1.1;
const AUTO_MAX_WAIT = 60;

export interface SessionSetup {
  readonly case: Case;
  readonly plan: Plan;
  readonly domains: TreatmentDomains;
  readonly settings: SessionSettings;
  /** where the log goes (absent: nothing written; replay) */
  readonly sink?: LogSink;
  /** called with each tick's events once they are durable */
  readonly onDurable?: (events: readonly LogEvent[]) => void;
  /** written into the header, not hashed (e.g. the case folder and the speed) */
  readonly run?: Record<string, unknown>;
  readonly executor?: ParallelExecutor;
  /**
   * The plan as a log's header holds it (replay, resume): the session's plan hash is this document's, as written,
   * so that a log written before plan format v2 (its header holds a version-1 plan) keeps its hash. It must parse
   * to the same plan as `plan` (InputError otherwise).
   */
  readonly loggedPlan?: unknown;
  /**
   * Ticks between extra reads of the patient (0 or absent: only the session's own reads). The workstation reads
   * every 10 ticks under ultrasound guidance to show the bubbles; the patient's solver steps the intervals between
   * reads, so the read pattern is part of what makes a run bit-identical (a log records it: patientReadEveryOf).
   */
  readonly patientReadEvery?: number;
}

/**
 * A treatment session: the state machine (session-state.ts) driven tick by tick over a simulated patient, with
 * simulated monitoring (MR thermometry maps or B-mode frames), the interlock kernel, fault injection and the
 * treatment log. Deterministic: the same plan, settings and logged operator actions give the same events and
 * numbers, which is what replay and crash recovery rest on.
 */
export class TreatmentSession {
  readonly plan: Plan;
  readonly settings: SessionSettings;
  readonly planHash: string;
  readonly settingsHash: string;
  readonly limits: InterlockLimits;
  readonly patient: SimulatedPatient;
  readonly thermometry: MrThermometry | null;
  state: SessionState = 'idle';
  tick = 0;
  seq = 0;
  /** latest thermometry map (MR) */
  lastMap: ThermometryMap | null = null;
  readonly interlockHistory: Array<{ time: number; code: string; level: 'warning' | 'error' }> = [];
  stop: SessionSummary['stop'] = null;
  readonly fragments: DeliveredFragment[] = [];

  private readonly c: Case;
  private readonly domains: TreatmentDomains;
  private readonly sink: LogSink | undefined;
  private readonly onDurable: ((events: readonly LogEvent[]) => void) | undefined;
  private readonly run: Record<string, unknown> | undefined;
  private readonly executor: ParallelExecutor | undefined;
  private readonly beam: Vec3;
  private readonly focalDistance: number;
  /** per plan point: working parameters, delivered energy (forward, J) and on-time (s) */
  private readonly power: Float64Array;
  private readonly exposure: Float64Array;
  private readonly cooling: Float64Array;
  private readonly energy: Float64Array;
  private readonly onTime: Float64Array;
  /** remaining points, in order; the current one is not in it */
  private queue: number[];
  private current = -1;
  /** earliest time the next point may start (end of the last cooling) */
  private readyAt = 0;
  private kernel: InterlockKernelState = resetInterlocks();
  private heartbeat = 0;
  /** ticks (end of) of the latest guidance image and thermometry map */
  private lastImageTick = 0;
  private lastMapTick = 0;
  private lastCommand: { point: number; power: number } | null = null;
  private buttonPressed = false;
  private measuredDisplacement = 0;
  private obstruction = 0;
  private readonly baselineObstruction: number[];
  private pending: OperatorAction[] = [];
  private events: LogEvent[] = [];
  private headerWritten = false;
  /** replay: the logged events to compare against, and the logged operator actions and crashes by tick */
  private expected: LogEvent[] | null = null;
  private expectedAt = 0;
  private feed = new Map<number, LogEvent[]>();
  private lastEffect: { point: number; grey: number | null } | null = null;
  /** ticks between the extra reads of the patient (0: none) */
  readonly patientReadEvery: number;
  /**
   * Per plan index (one shot each), the first and last shot of its point: consecutive shots at one focus with the
   * same label and feedback are one point's repeats (expandShots writes them so).
   */
  private readonly groupFirst: Int32Array;
  private readonly groupLast: Int32Array;
  /** focal grey of the monitored frame before each point's first shot (NaN: not read), by its first shot's index */
  private readonly baselineGrey: Float64Array;
  private baselinePending = -1;
  /** the operator's B-mode frames (the anatomy layer kept while the focus stays) */
  private readonly bmode = new BModeRenderer();
  private waitStart = -1;

  constructor(setup: SessionSetup) {
    this.c = setup.case;
    this.plan = expandShots(setup.plan); // plan v2: one point of the session per delivered shot
    this.settings = setup.settings;
    this.domains = setup.domains;
    this.sink = setup.sink;
    this.onDurable = setup.onDurable;
    this.run = setup.run;
    this.executor = setup.executor;
    const s = setup.settings;
    if (s.modality !== 'us' && s.modality !== 'mr')
      throw new InputError('modality', `must be "us" or "mr", got ${JSON.stringify(s.modality)}`);
    if (s.operator !== 'auto' && s.operator !== 'plan')
      throw new InputError('operator', `must be "auto" or "plan", got ${JSON.stringify(s.operator)}`);
    const limits = deviceLimits(this.plan.device);
    for (let i = 0; i < this.plan.sonications.length; i++)
      checkSonicationLimits(limits, this.plan.sonications[i], `plan.sonications[${i}]`);
    // the device's geometry, as simulatePlan checks it: no beam cone outside the couch window is ever delivered
    checkPlanCouchWindow(this.c, this.plan);
    this.limits = interlockLimits(this.plan);
    if (setup.loggedPlan !== undefined && contentHash(expandShots(parsePlan(setup.loggedPlan)), 'plan') !== contentHash(this.plan, 'plan'))
      throw new InputError('loggedPlan', 'is not the plan of this session');
    this.planHash = contentHash(setup.loggedPlan ?? this.plan, 'plan');
    const reads = setup.patientReadEvery ?? 0;
    if (!Number.isInteger(reads) || reads < 0)
      throw new InputError('patientReadEvery', `must be a whole number of ticks ≥ 0, got ${reads}`);
    this.patientReadEvery = reads;
    this.settingsHash = contentHash(this.hashedSettings(), 'settings');
    const n = this.plan.sonications.length;
    this.power = Float64Array.from(this.plan.sonications, (p) => p.power);
    this.exposure = Float64Array.from(this.plan.sonications, (p) => p.exposure);
    this.cooling = Float64Array.from(this.plan.sonications, (p) => p.cooling);
    this.energy = new Float64Array(n);
    this.onTime = new Float64Array(n);
    this.queue = Array.from({ length: n }, (_, i) => i);
    this.groupFirst = new Int32Array(n);
    this.groupLast = new Int32Array(n);
    this.baselineGrey = new Float64Array(n).fill(Number.NaN);
    const son = this.plan.sonications;
    for (let i = 0; i < n; i++) {
      const a = son[i - 1];
      const b = son[i];
      const repeat =
        a?.focus.every((v, k) => v === b.focus[k]) === true &&
        a.label === b.label &&
        contentHash(a.feedback ?? null) === contentHash(b.feedback ?? null);
      this.groupFirst[i] = repeat ? this.groupFirst[i - 1] : i;
    }
    for (let i = n - 1; i >= 0; i--)
      this.groupLast[i] = i + 1 < n && this.groupFirst[i + 1] === this.groupFirst[i] ? this.groupLast[i + 1] : i;
    this.beam = this.plan.placement.beamDirection as unknown as Vec3;
    this.focalDistance =
      'preset' in this.plan.device ? getTransducerPreset(this.plan.device.preset).radiusOfCurvature : this.plan.device.radiusOfCurvature;
    this.patient = new SimulatedPatient(this.c, this.plan, this.domains, { executor: setup.executor });
    this.thermometry =
      s.modality === 'mr' ? new MrThermometry(this.c, this.patient, { name: this.c.target, beam: this.beam }, { seed: s.seed }) : null;
    this.baselineObstruction = this.plan.sonications.map((p) =>
      beamPathObstruction(this.c, p.focus as unknown as Vec3, this.beam, [0, 0, 0]),
    );
  }

  /** The settings that shape the results, as hashed: the session settings, the tick, the case and the limits. */
  hashedSettings(): Record<string, unknown> {
    return {
      ...this.settings,
      tick: CONTROL_TICK,
      case: { name: this.c.name, target: this.c.target, labels: sha256Hex(this.c.labels) },
      limits: this.limits ?? interlockLimits(this.plan),
    };
  }

  /** Whether the patient was read at the end of the last tick by the extra read schedule (patientReadEvery). */
  get readThisTick(): boolean {
    return this.patientReadEvery > 0 && this.tick % this.patientReadEvery === 0;
  }

  /** Treatment time now, s. */
  get time(): number {
    return this.tick / TICKS_PER_SECOND;
  }

  /** The session has ended (completed, or terminated by an interlock). */
  get finished(): boolean {
    return this.state === 'completed' || this.state === 'terminated';
  }

  /** Queues an operator action for the next tick; SessionStateError now if the state forbids it already. */
  act(action: OperatorAction): void {
    if (action.type !== 'emergencyStop') {
      const a = action.type as SessionAction;
      if (!canTransition(this.state, a)) transition(this.state, a);
    }
    this.pending.push(action);
  }

  /** Delivered totals so far: points with output, forward energy (J), on-time (s). */
  delivered(): SessionSummary['delivered'] {
    let sonications = 0;
    let energy = 0;
    let time = 0;
    for (let i = 0; i < this.energy.length; i++) {
      if (this.onTime[i] > 0) sonications++;
      energy += this.energy[i];
      time += this.onTime[i];
    }
    return { sonications, energy, sonicationTime: time };
  }

  /** Energy (J) and on-time (s) delivered at each plan point. */
  deliveredPerPoint(): { energy: Float64Array; onTime: Float64Array } {
    return { energy: Float64Array.from(this.energy), onTime: Float64Array.from(this.onTime) };
  }

  /** The summary object (outcome: from `outcome()`, or null). */
  summary(outcome: SimulationOutcome | null): SessionSummary {
    return { state: this.state, delivered: this.delivered(), stop: this.stop, interlocks: [...this.interlockHistory], outcome };
  }

  /** The predicted outcome of what was delivered (the fine two-level solver; see deliveredOutcome). */
  async outcome(): Promise<SimulationOutcome> {
    return deliveredOutcome(this.c, this.plan, this.domains, this.fragments, this.patient, this.time, this.executor);
  }

  /** The header record of this session's log. */
  header(): LogHeader {
    return {
      kind: 'header',
      format: LOG_FORMAT,
      version: LOG_VERSION,
      planHash: this.planHash,
      settingsHash: this.settingsHash,
      plan: this.plan,
      settings: this.settings,
      ...(this.run ? { run: this.run } : {}),
    } as LogHeader;
  }

  /** Logs an event of this tick, stamped with `time` (default the tick's start; measurements: the tick's end). */
  private emit(type: string, data: Record<string, unknown> = {}, time = this.time): void {
    const e: LogEvent = { seq: ++this.seq, time, tick: this.tick, type, ...data };
    this.events.push(e);
  }

  private active(f: FaultName, until: number): FaultInjection | undefined {
    return this.settings.injections.find((x) => x.fault === f && x.time < until - 1e-9);
  }

  /**
   * Runs one control tick: operator actions, the command, the amplifier and coupling, the patient, the monitoring,
   * the interlock kernel, the sonication bookkeeping; then the tick's events go to the log (appended, synced) and
   * only then to onDurable. Returns the tick's events.
   */
  async step(): Promise<LogEvent[]> {
    if (this.finished) return [];
    const k = this.tick;
    const t1 = (k + 1) / TICKS_PER_SECOND;
    if (this.sink && !this.headerWritten) {
      await this.sink.append(encodeRecord(this.header()));
      await this.sink.sync();
      this.headerWritten = true;
    }
    const stalled = this.active('control-stall', t1) !== undefined;
    // replayed crashes come first: the console restarted here, output off
    for (const e of this.feed.get(k) ?? []) if (e.type === 'crash') this.recover(e.lastSeq as number);
    if (!stalled) {
      this.heartbeat++;
      for (const e of this.feed.get(k) ?? [])
        if (e.type === 'action' && e.source === 'operator') this.pending.push(e.action as OperatorAction);
      const external = this.pending;
      this.pending = [];
      for (const a of external) this.apply(a, 'operator');
      for (let guard = 0; guard < 8; guard++) {
        const a = this.policy();
        if (!a) break;
        this.apply(a, this.settings.operator);
      }
      if (this.baselinePending >= 0) {
        // a point's first shot starts: the operator's reference frame, the monitored image as it is now
        const g = this.baselinePending;
        this.baselinePending = -1;
        await this.patient.advance();
        this.baselineGrey[g] = this.grey(g, true);
      }
    }
    if (this.active('emergency-stop', t1)) this.buttonPressed = true;

    // command and hardware
    let command: { point: number; power: number } | null = null;
    let onDur = 0;
    if (stalled) {
      // the control loop is frozen: the amplifier keeps its last command until the kernel's gate shuts
      command = this.lastCommand;
      onDur = command ? CONTROL_TICK : 0;
    } else if (this.state === 'sonicating' && this.current >= 0) {
      command = { point: this.current, power: this.power[this.current] };
      onDur = Math.min(CONTROL_TICK, this.exposure[this.current] - this.onTime[this.current]);
      if (onDur < 1e-9) onDur = 0;
    }
    if (!this.kernel.outputEnabled) onDur = 0;
    this.lastCommand = command && onDur > 0 ? command : null;
    const gain = this.active('amplifier-fault', t1) ? AMPLIFIER_FAULT_GAIN : 1;
    const forward = command && onDur > 0 ? command.power * gain : 0;
    const reflected = this.active('coupling-loss', t1) ? COUPLING_LOSS_REFLECTED * forward : 0;
    const intoPatient = forward - reflected;
    const displacement: Vec3 = this.active('target-motion', t1) ? [TARGET_MOTION, 0, 0] : [0, 0, 0];
    if (command && onDur > 0) {
      const faults = this.faultHeat(command.point, t1);
      this.patient.heat(onDur, { point: command.point, power: intoPatient, displacement, faults });
      this.patient.heat(CONTROL_TICK - onDur, null);
      this.energy[command.point] += forward * onDur;
      this.onTime[command.point] += onDur;
      this.addFragment(command.point, intoPatient, k / TICKS_PER_SECOND, onDur, displacement);
    } else this.patient.heat(CONTROL_TICK, null);

    // sonication bookkeeping (the control loop's; frozen while stalled)
    if (!stalled) {
      if (this.state === 'sonicating' && this.current >= 0 && this.onTime[this.current] >= this.exposure[this.current] - 1e-9) {
        await this.endSonication('exposureDone', t1 - (CONTROL_TICK - onDur));
      } else if (this.state === 'cooling' && t1 >= this.readyAt - 1e-9) {
        this.change('coolingDone');
      }
    }

    // monitoring
    const lost = this.active('monitoring-loss', t1) !== undefined;
    const live = this.state === 'armed' || this.state === 'sonicating' || this.state === 'paused' || this.state === 'cooling';
    if (!lost) {
      if (this.thermometry) {
        if ((k + 1) % Math.round(this.thermometry.period * TICKS_PER_SECOND) === 0) {
          await this.patient.advance();
          const focus = this.focusOf(this.current >= 0 ? this.current : (this.queue[0] ?? 0));
          const map = this.thermometry.acquire(t1, this.patient, focus);
          this.lastMap = map;
          this.lastMapTick = k + 1;
          this.measure(displacement);
          this.emit(
            'thermometry',
            {
              index: map.index,
              nearFieldTemperature: map.nearFieldTemperature,
              farFieldTemperature: map.farFieldTemperature,
              nearFieldDose: map.nearFieldDose,
              farFieldDose: map.farFieldDose,
              focusTemperature: map.focusTemperature,
              dose240Volume: map.dose240Volume,
              dose17Volume: map.dose17Volume,
            },
            t1,
          );
        }
      } else {
        this.lastImageTick = k + 1;
        this.measure(displacement);
      }
    }
    if (live) this.evaluate(t1, command && onDur > 0 ? command.power : 0, forward, reflected);
    this.tick = k + 1;
    if (this.readThisTick && !this.finished) await this.patient.advance();
    return this.flush(k);
  }

  /** Runs ticks until the session ends (or `maxTicks`), with an optional pause between ticks (real-time pacing). */
  async runToEnd(options: { maxTicks?: number; between?: (tick: number) => Promise<void> | void } = {}): Promise<void> {
    const max = options.maxTicks ?? Number.POSITIVE_INFINITY;
    for (let n = 0; n < max && !this.finished; n++) {
      await this.step();
      await options.between?.(this.tick);
      if (this.expected && this.expectedAt >= this.expected.length && !this.finished) break;
    }
  }

  private measure(displacement: Vec3): void {
    this.measuredDisplacement = Math.hypot(displacement[0], displacement[1], displacement[2]);
    const p = this.current >= 0 ? this.current : this.queue[0];
    if (p === undefined) return;
    this.obstruction =
      this.measuredDisplacement > 0
        ? Math.max(0, beamPathObstruction(this.c, this.focusOf(p), this.beam, displacement) - this.baselineObstruction[p])
        : 0;
  }

  private focusOf(point: number): Vec3 {
    return this.plan.sonications[point].focus as unknown as Vec3;
  }

  private evaluate(t1: number, commanded: number, forward: number, reflected: number): void {
    const map = this.lastMap;
    // ages in whole ticks (exact), then seconds
    const monitors = this.thermometry
      ? [{ age: (this.tick + 1 - this.lastMapTick) / TICKS_PER_SECOND, period: this.thermometry.period }]
      : [{ age: (this.tick + 1 - this.lastImageTick) / TICKS_PER_SECOND, period: CONTROL_TICK }];
    const sonicationEnergy = this.current >= 0 ? this.energy[this.current] : 0;
    const { state, changes } = evaluateInterlocks(
      this.limits,
      {
        time: t1,
        commandedPower: commanded,
        forwardPower: forward,
        reflectedPower: reflected,
        sonicationEnergy,
        nearFieldTemperature: map ? map.nearFieldTemperature : null,
        farFieldTemperature: map ? map.farFieldTemperature : null,
        nearFieldDose: map ? map.nearFieldDose : null,
        farFieldDose: map ? map.farFieldDose : null,
        beamPathObstruction: this.obstruction,
        targetDisplacement: this.measuredDisplacement,
        monitors,
        emergencyStop: this.buttonPressed,
        heartbeat: this.heartbeat,
      },
      this.kernel,
    );
    const wasEnabled = this.kernel.outputEnabled;
    this.kernel = state;
    for (const ch of changes) {
      this.emit('interlock', { code: ch.code, level: ch.level, value: ch.value, reason: ch.reason }, t1);
      if (ch.level !== 'ok') this.interlockHistory.push({ time: t1, code: ch.code, level: ch.level });
    }
    if (wasEnabled && !state.outputEnabled && this.state !== 'terminated') {
      const cause = changes.find((c) => c.level === 'error') ?? changes[0];
      const faults = FAULT_OF[cause.code] ?? [];
      const fault = this.settings.injections
        .filter((f) => faults.includes(f.fault) && f.time < t1 - 1e-9)
        .sort((a, b) => a.time - b.time)[0];
      this.stop = { reason: `${cause.code}: ${cause.reason}`, time: t1, tick: this.tick + 1, faultTime: fault ? fault.time : null };
      this.change(cause.code === 'emergency-stop' ? 'emergencyStop' : 'interlock', { code: cause.code });
      this.emit('output-off', { reason: this.stop.reason, faultTime: this.stop.faultTime }, t1);
    }
  }

  /** The operator policy's next action, or null (plan: as written; auto: with its rules). */
  private policy(): OperatorAction | null {
    switch (this.state) {
      case 'idle':
        return { type: 'lockPlan' };
      case 'planLocked':
      case 'recovered':
        return { type: 'arm' };
      case 'armed': {
        if (this.time < this.readyAt - 1e-9) return null;
        const next = this.current >= 0 ? this.current : this.queue[0];
        if (next === undefined) return { type: 'start' }; // finish, see apply
        if (this.settings.operator === 'auto') {
          const a = this.autoRule(next);
          if (a) return a;
        }
        return { type: 'start' };
      }
      default:
        return null;
    }
  }

  /** Auto operator: wait for a near-field warning to clear (≤ 60 s); raise power 10 % after a point without effect. */
  private autoRule(next: number): OperatorAction | null {
    const near = this.kernel.levels['near-field-temperature'] !== 'ok' || this.kernel.levels['near-field-dose'] !== 'ok';
    if (near) {
      if (this.waitStart < 0) this.waitStart = this.time;
      if (this.time - this.waitStart < AUTO_MAX_WAIT) return null;
    }
    this.waitStart = -1;
    const e = this.lastEffect;
    if (e && e.point !== next && this.onTime[next] === 0) {
      this.lastEffect = null;
      const noEffect = this.thermometry
        ? (this.lastMap?.focusTemperature ?? 37) < AUTO_MR_EFFECT
        : e.grey !== null && e.grey < GREYSCALE_CHANGE;
      const max = deviceLimits(this.plan.device).maxPower;
      if (noEffect && this.power[next] < max)
        return { type: 'setParameters', point: next, power: Math.min(max, this.power[next] * AUTO_POWER_STEP) };
    }
    return null;
  }

  private change(action: SessionAction, data: Record<string, unknown> = {}): void {
    const from = this.state;
    this.state = transition(from, action);
    this.emit('state', { from, to: this.state, action, ...data });
  }

  private refuse(a: OperatorAction, source: string, reason: string): void {
    this.emit('action-refused', { source, action: a, reason });
  }

  /** Applies an operator action (logged with its source); a forbidden one is logged as refused. */
  private apply(a: OperatorAction, source: string): void {
    if (source === 'operator') this.emit('action', { source, action: a });
    try {
      switch (a.type) {
        case 'lockPlan':
          this.change('lockPlan', { planHash: this.planHash, settingsHash: this.settingsHash });
          return;
        case 'arm': {
          this.change('arm');
          // the kernel last saw the heartbeat of the previous tick (this tick's beat is already counted)
          this.kernel = resetInterlocks(this.heartbeat - 1);
          this.buttonPressed = false;
          this.lastImageTick = this.tick;
          if (!this.lastMap) this.lastMapTick = this.tick;
          return;
        }
        case 'start': {
          if (this.state === 'armed' && this.current < 0 && this.queue.length === 0) {
            this.change('finish');
            return;
          }
          transition(this.state, 'start');
          if (this.current < 0) this.current = this.queue.shift() as number;
          const first = this.groupFirst[this.current];
          if (this.readsGrey(this.current) && this.current === first && Number.isNaN(this.baselineGrey[first]))
            this.baselinePending = first;
          this.change('start', { point: this.current, power: this.power[this.current], exposure: this.exposure[this.current] });
          return;
        }
        case 'pause':
        case 'resume':
          this.change(a.type, { point: this.current });
          return;
        case 'stop':
          this.endSonicationNow('stop');
          return;
        case 'emergencyStop':
          this.buttonPressed = true;
          return;
        case 'skipPoint': {
          transition(this.state, 'skipPoint');
          const skipped = this.state === 'paused' ? this.current : this.current >= 0 ? this.current : this.queue.shift();
          if (this.state === 'paused' || this.current >= 0) this.current = -1;
          this.change('skipPoint', { point: skipped ?? null });
          return;
        }
        case 'setParameters': {
          transition(this.state, 'setParameters');
          const p = a.point ?? (this.current >= 0 ? this.current : this.queue[0]);
          if (p === undefined || !Number.isInteger(p) || p < 0 || p >= this.power.length)
            throw new InputError('setParameters.point', `no point ${p}`);
          if (p !== this.current && !this.queue.includes(p))
            throw new InputError('setParameters.point', `point ${p} is not current or remaining`);
          const next = { power: a.power ?? this.power[p], exposure: a.exposure ?? this.exposure[p], cooling: a.cooling ?? this.cooling[p] };
          checkSonicationLimits(deviceLimits(this.plan.device), next, `point ${p}`);
          if (next.exposure < this.onTime[p] - 1e-9)
            throw new InputError('setParameters.exposure', `is shorter than the ${this.onTime[p]} s already delivered`);
          this.power[p] = next.power;
          this.exposure[p] = next.exposure;
          this.cooling[p] = next.cooling;
          this.change('setParameters', { point: p, ...next });
          return;
        }
        case 'replan': {
          transition(this.state, 'replan');
          const seen = new Set<number>();
          const lim = deviceLimits(this.plan.device);
          for (const q of a.points) {
            if (!Number.isInteger(q.point) || q.point < 0 || q.point >= this.power.length)
              throw new InputError('replan.point', `no point ${q.point}`);
            if (seen.has(q.point)) throw new InputError('replan.point', `point ${q.point} listed twice`);
            if (q.point === this.current || this.onTime[q.point] > 0)
              throw new InputError('replan.point', `point ${q.point} was already delivered`);
            checkSonicationLimits(lim, q, `replan point ${q.point}`);
            seen.add(q.point);
          }
          for (const q of a.points) {
            this.power[q.point] = q.power;
            this.exposure[q.point] = q.exposure;
            this.cooling[q.point] = q.cooling;
          }
          this.queue = a.points.map((q) => q.point);
          this.change('replan', { points: this.queue.length, remainingHash: contentHash(a.points) });
          return;
        }
      }
    } catch (e) {
      if (e instanceof FuasError) {
        this.refuse(a, source, e.message);
        return;
      }
      throw e;
    }
  }

  /** Operator stop: the rest of the point is dropped; its cooling follows. */
  private endSonicationNow(action: 'stop'): void {
    transition(this.state, action);
    const p = this.current;
    this.emit('sonication-end', { point: p, energy: this.energy[p], onTime: this.onTime[p], complete: false });
    this.readyAt = this.time + this.cooling[p];
    this.lastEffect = { point: p, grey: null };
    this.current = -1;
    this.change(action, { point: p });
  }

  private async endSonication(action: 'exposureDone', endTime: number): Promise<void> {
    const p = this.current;
    this.readyAt = endTime + this.cooling[p];
    let g: number | null = null;
    if (this.readsGrey(p)) {
      // the greyscale change as the operator sees it: the monitored frame now against the one before the point's
      // first shot (both B-mode images of the simulated patient; never its hidden temperature or dose)
      await this.patient.advance();
      const first = this.groupFirst[p];
      const before = Number.isNaN(this.baselineGrey[first]) ? this.grey(p, false) : this.baselineGrey[first];
      g = this.grey(p, true) - before;
    }
    this.emit('sonication-end', {
      point: p,
      energy: this.energy[p],
      onTime: this.onTime[p],
      complete: true,
      ...(g !== null ? { greyChange: g } : {}),
    });
    this.lastEffect = { point: p, grey: g };
    this.current = -1;
    this.change(action, { point: p });
    this.feedbackRule(p, g, endTime);
  }

  /**
   * The feedback rule at a point of repeated shots (the plan's `feedback`, or the auto operator's greyscale rule):
   * once the greyscale change has appeared (US guidance) or the point has received its `maxEnergy`, its remaining
   * shots are dropped and the point's own cooling (its last shot's) follows. Logged as a 'feedback' event.
   */
  private feedbackRule(p: number, grey: number | null, endTime: number): void {
    const fb = this.plan.sonications[p].feedback;
    if (!fb && this.settings.operator !== 'auto') return;
    const first = this.groupFirst[p];
    const last = this.groupLast[p];
    const rest = this.queue.filter((q) => q > p && q <= last && this.groupFirst[q] === first);
    if (rest.length === 0) return;
    let energy = 0;
    for (let i = first; i <= last; i++) energy += this.energy[i];
    const rule =
      grey !== null && grey >= GREYSCALE_CHANGE
        ? 'greyscale'
        : fb?.maxEnergy !== undefined && energy >= fb.maxEnergy - 1e-9
          ? 'maxEnergy'
          : null;
    if (!rule) return;
    this.queue = this.queue.filter((q) => !rest.includes(q));
    this.readyAt = endTime + this.cooling[last];
    this.emit('feedback', { point: p, rule, greyChange: grey, pointEnergy: energy, skipped: rest });
  }

  /** Whether the greyscale of the monitored image is read at `point`'s shots (US guidance, auto operator or feedback). */
  private readsGrey(point: number): boolean {
    return !this.thermometry && (this.settings.operator === 'auto' || this.plan.sonications[point].feedback?.rule === 'greyscale');
  }

  /**
   * Focal grey of a B-mode frame at a point's focus (the operator's greyscale reading): with the bubbles of the
   * patient now, or without any (the baseline the change is read against).
   */
  private grey(point: number, bubbles: boolean): number {
    const img = this.bmode.render(this.c, {
      focus: this.focusOf(point),
      beam: this.beam,
      focalDistance: this.focalDistance,
      seed: this.settings.seed,
      frame: this.tick,
      ...(bubbles ? { bubbles: { grid: this.patient.grid, fraction: this.patient.bubbles } } : {}),
    });
    return focalGrey(img, this.focalDistance);
  }

  private faultHeat(point: number, t1: number): FaultHeat[] {
    const out: FaultHeat[] = [];
    const f = this.focusOf(point);
    const b = this.beam;
    if (this.active('skin-overheat', t1)) out.push({ centre: this.alongBeam(f, b, -1), radius: 2.5e-3, heatingPerWatt: FAULT_HEATING });
    if (this.active('far-field-overheat', t1)) out.push({ centre: this.alongBeam(f, b, 1), radius: 2.5e-3, heatingPerWatt: FAULT_HEATING });
    return out;
  }

  /**
   * Where a fault's hot spot sits: towards the transducer (dir −1), the first voxel with PRF signal (muscle or
   * skin; fat is blind) inside the body on the axis; away from it (dir +1), the first voxel with signal that is not
   * target, uterus or endometrium, 10 mm past the target.
   */
  private alongBeam(f: Vec3, b: Vec3, dir: 1 | -1): Vec3 {
    const names = new Map(this.c.structures.map((s) => [s.label, s.name]));
    const g = this.patient.grid;
    const [nx, ny, nz] = g.shape;
    const v = [0, 0, 0];
    const labelAt = (p: number[]): string => {
      rasMmToVoxel(g, p[0] * 1000, p[1] * 1000, p[2] * 1000, v);
      const i = Math.round(v[0]);
      const j = Math.round(v[1]);
      const k = Math.round(v[2]);
      if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return '';
      return names.get(this.patient.labels[i + nx * (j + ny * k)]) ?? '';
    };
    if (dir < 0) {
      // the abdominal wall's muscle (PRF-visible), 3 mm inside it; skin if the path has no muscle
      for (const want of ['muscle', 'skin'])
        for (let s = 0.15; s > 0; s -= 0.0005) {
          const p = [f[0] - b[0] * s, f[1] - b[1] * s, f[2] - b[2] * s];
          if (labelAt(p) === want) return [p[0] + b[0] * 3e-3, p[1] + b[1] * 3e-3, p[2] + b[2] * 3e-3];
        }
      return [f[0] - b[0] * 0.04, f[1] - b[1] * 0.04, f[2] - b[2] * 0.04];
    }
    let past = false;
    for (let s = 0; s < 0.1; s += 0.0005) {
      const p = [f[0] + b[0] * s, f[1] + b[1] * s, f[2] + b[2] * s];
      const n = labelAt(p);
      if (!past) {
        if (n !== this.c.target && n !== 'uterus' && n !== 'endometrium') past = true;
        continue;
      }
      if (s < 0.01) continue;
      if (n && !['fat', 'bone', 'bowel-gas', 'air', 'water', this.c.target, 'uterus', 'endometrium'].includes(n)) return [p[0], p[1], p[2]];
    }
    return [f[0] + b[0] * 0.03, f[1] + b[1] * 0.03, f[2] + b[2] * 0.03];
  }

  private addFragment(point: number, power: number, start: number, duration: number, displacement: Vec3): void {
    const last = this.fragments[this.fragments.length - 1];
    if (
      last &&
      last.point === point &&
      last.power === power &&
      Math.abs(last.start + last.duration - start) < 1e-9 &&
      last.displacement.every((v, a) => v === displacement[a])
    ) {
      this.fragments[this.fragments.length - 1] = { ...last, duration: last.duration + duration };
      return;
    }
    this.fragments.push({ point, power, start, duration, displacement });
  }

  /** A console restart at the start of this tick: output off, the machine in `recovered`, resume offered. */
  private recover(lastSeq: number): void {
    const from = this.state;
    this.state = transition(from, 'crash');
    this.emit('crash', { lastSeq, from });
    this.lastCommand = null;
    this.pending = [];
    if (from === 'cooling') this.current = -1;
  }

  /** Ends the session: its summary as the log's last event (with the outcome). */
  async finish(outcome: SimulationOutcome | null): Promise<LogEvent[]> {
    const s = this.summary(outcome);
    this.emit('end', { summary: s });
    return this.flush(this.tick);
  }

  private async flush(tick: number): Promise<LogEvent[]> {
    const events = this.events;
    this.events = [];
    if (events.length === 0) return events;
    if (this.expected) {
      for (const e of events) {
        const want = this.expected[this.expectedAt];
        if (!want) throw new FormatError('log', `replay produced event ${e.seq} (${e.type}) beyond the end of the log's tick ${tick}`);
        if (!sameEvent(e, want))
          throw new FormatError(
            'log',
            `replay diverged at event ${want.seq} (${want.type}): logged ${JSON.stringify(want)}, replayed ${JSON.stringify(e)}`,
          );
        this.expectedAt++;
      }
      if (this.expected) return events;
    }
    if (this.sink) {
      await this.sink.append(encodeRecord({ kind: 'events', tick, events }));
      await this.sink.sync();
    }
    this.onDurable?.(events);
    return events;
  }

  /**
   * Replays a logged session: its logged operator actions and crashes are fed at their ticks and every event it
   * produces is compared with the log (FormatError at the first difference: a replay is bit-identical or fails).
   * Stops when the log's events are used up. With `resume`, it then marks the crash (output was off from the last
   * durable event) and the session continues live into the sink.
   */
  async replay(logged: readonly LogEvent[], options: { resume?: boolean } = {}): Promise<void> {
    this.expected = [...logged];
    this.expectedAt = 0;
    this.feed = new Map();
    for (const e of logged) {
      if (e.type === 'crash' || (e.type === 'action' && e.source === 'operator')) {
        const list = this.feed.get(e.tick) ?? [];
        list.push(e);
        this.feed.set(e.tick, list);
      }
    }
    this.headerWritten = true;
    const endLogged = logged.some((e) => e.type === 'end');
    while (this.expected && this.expectedAt < this.expected.length && !this.finished) {
      await this.step();
    }
    if (this.expected && this.expectedAt < this.expected.length && !(endLogged && this.finished))
      throw new FormatError('log', `replay ended at event ${this.seq} but the log holds ${logged.length}`);
    // a finished log's 'end' event (it carries the outcome) stays expected: finish() compares it
    if (!(endLogged && this.finished)) {
      this.seq = logged.length > 0 ? logged[logged.length - 1].seq : 0;
      this.expected = null;
    }
    if (options.resume && !this.finished && !endLogged && logged.length > 0) {
      this.feed = new Map([[this.tick, [{ seq: 0, time: this.time, tick: this.tick, type: 'crash', lastSeq: this.seq }]]]);
    } else this.feed = new Map();
  }
}

function sameEvent(a: LogEvent, b: LogEvent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
