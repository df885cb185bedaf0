import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { FuasError, InputError } from '../errors.js';
import { type Grid3D, type Vec3, createGrid, voxelCount } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { TreatmentSimulation, type TreatmentSonication } from '../thermal/treatment-simulation.js';
import { checkSonicationLimits, deviceLimits } from './device-limits.js';
import type { Finding } from './finding.js';
import { type NearFieldResult, nearFieldRunFits, simulateNearField } from './near-field.js';
import { type SimulationOutcome, computeOutcome } from './outcome.js';
import { type Plan, expandShots } from './plan.js';
import { caseThermalMedium, gridFrame, outsideMask } from './case-grids.js';
import { type NonlinearVerdict, nonlinearTreatmentSources } from './nonlinear-sources.js';
import { type TreatmentDomainOptions, type TreatmentDomains, checkDomainsFor, treatmentDomains } from './treatment-domains.js';
import { placeBeamPatch } from './treatment-sources.js';
import { checkPlanCouchWindow } from './reachable-plan.js';
import { checkFiniteBeams, checkFiniteField, checkFiniteNearField, checkFiniteTreatmentStep } from './finite-fields.js';

/** Progress of a plan simulation, for progress bars and live views. */
export interface PlanSimulationProgress {
  phase: 'acoustics' | 'near-field' | 'treatment' | 'outcome';
  /** 0..1 within the phase */
  fraction: number;
  /** s of treatment time simulated (thermal phases) */
  time?: number;
  sonication?: number;
  peakTemperature?: number;
}

export interface PlanSimulationOptions extends TreatmentDomainOptions {
  /** the plan's acoustics and domains, as the planner computed them (autoPlan's `domains`): not computed again */
  domains?: TreatmentDomains;
  /**
   * a near-field run of this plan's timeline on these domains (autoPlan's `nearField`, from its cooling fit): taken
   * as the near field instead of simulating it again; InputError if it stepped another timeline
   */
  nearFieldRun?: NearFieldResult;
  /** s of each pause the fine window follows before handing over to the coarse level (default 3) */
  windowCooling?: number;
  /** fine window margin around the focal patch, m (default 2 mm) */
  windowMargin?: number;
  /**
   * near field: muscle and fat perfusion rising with temperature (Lang et al. 1999; default true); false keeps
   * resting perfusion. The fine domain (target and its margin) keeps resting perfusion either way.
   */
  thermoregulation?: boolean;
  /** skip the near-field simulation (faster; skin/fat/muscle then come from the fine domain only) */
  nearField?: boolean;
  /** runs the acoustic and near-field kernels (default serial) */
  executor?: ParallelExecutor;
  /**
   * runs the treatment heating (default serial: its fine windows hold ~10⁴ voxels, less work per step than a worker
   * round trip; measured on the demo with 2 threads: 35 s against 30 s serial)
   */
  treatmentExecutor?: ParallelExecutor;
  onProgress?: (p: PlanSimulationProgress) => void;
  /**
   * live frames of the treatment heating, at most every `frameIntervalMs` (default 500 ms of wall time): the
   * temperature now (°C) on the solver's coarse grid (affine to RAS mm), with the hottest fine voxel of the moving
   * window pooled into its cell while a window is open, and the thermal dose so far (CEM43 min, the highest fine
   * dose of each cell: TreatmentSimulation.doseSnapshot) for a live 240 CEM43 contour; frames come between sonications
   */
  onFrame?: (f: { time: number; sonication: number; grid: Grid3D; temperature: Float32Array; dose: Float32Array }) => void;
  frameIntervalMs?: number;
  signal?: { readonly aborted: boolean };
}

/** Everything a simulation produced: the contract's outcome plus the maps and curves behind it. */
export interface PlanSimulationResult {
  outcome: SimulationOutcome;
  /** the fine thermal grid (axes of the case grid, affine to RAS mm) and its maps */
  grid: Grid3D;
  labels: Uint8Array;
  /** CEM43 min and maximum temperature °C per fine voxel */
  dose: Float32Array;
  maxTemperature: Float32Array;
  /** near-field grid and its maps (absent when disabled) */
  nearField?: { grid: Grid3D; labels: Uint8Array; dose: Float32Array; maxTemperature: Float32Array };
  /** time series: peak temperature in the fine domain (≈ at the focus while sonicating), peak outside it (near field), cumulative energy */
  timeline: { t: number[]; focalTemperature: number[]; energy: number[]; nearFieldTemperature?: number[] };
  /** what was computed: beam computations, seconds per phase */
  stats: {
    beamComputations: number;
    acousticsSeconds: number;
    nearFieldSeconds: number;
    treatmentSeconds: number;
    /** voxel-updates of the treatment solver (fine window + coarse level): its cost, independent of machine load */
    treatmentVoxelUpdates: number;
    fineVoxels: number;
    nearFieldVoxels: number;
  };
  /** the nonlinear heat-source verdicts per distinct (beam, power), and which one each sonication used (absent with `linear`) */
  nonlinear?: { beams: NonlinearVerdict[]; beamOfSonication: Int32Array };
}

/**
 * The two-level solver's coarse grid (which lives in the fine grid's frame: origin offset, spacing × factor)
 * with an affine to RAS mm built from the fine grid's, so viewers can place its frames.
 */
function coarseFrameGrid(fine: Grid3D, coarse: Grid3D, factor: number): Grid3D {
  const a = fine.affine;
  const f = [0, 1, 2].map((k) => coarse.origin[k] / fine.spacing[k]); // fine voxel index of coarse voxel 0
  const row = (r: number) => [
    a[4 * r] * factor,
    a[4 * r + 1] * factor,
    a[4 * r + 2] * factor,
    a[4 * r] * f[0] + a[4 * r + 1] * f[1] + a[4 * r + 2] * f[2] + a[4 * r + 3],
  ];
  return createGrid(coarse.shape, coarse.spacing, [0, 0, 0], [...row(0), ...row(1), ...row(2), 0, 0, 0, 1]);
}

/** Cumulative acoustic energy (J) of a plan at times t (s): linear during sonications, flat during cooling. */
export function cumulativeEnergy(plan: Plan, t: readonly number[]): number[] {
  plan = expandShots(plan);
  const starts: number[] = [];
  let clock = 0;
  for (const s of plan.sonications) {
    starts.push(clock);
    clock += s.exposure + s.cooling;
  }
  return t.map((time) => {
    let e = 0;
    for (let i = 0; i < plan.sonications.length; i++) {
      const s = plan.sonications[i];
      if (time <= starts[i]) break;
      e += s.power * Math.min(s.exposure, time - starts[i]);
    }
    return e;
  });
}

/**
 * Simulates a whole treatment plan on a case and predicts its outcome (issue 6):
 * 1. acoustics: the beam of every sonication through the planar layers on its axis, one angular-spectrum
 *    computation per group of equivalent layer stacks (treatmentBeamSources), as heat-source patches per watt;
 * 2. treatment heating at `fineSpacing` (0.5 mm) over the target and a margin, by the two-level solver
 *    (TreatmentSimulation: a fine window follows the focus, a coarse grid carries earlier heat), with thermal dose,
 *    perfusion shutdown and maximum temperature per voxel;
 * 3. near-field heating of the whole beam path (skin, fat, muscle, bowel) on a coarse grid with the path patches;
 * 4. outcome metrics and findings (computeOutcome), per-structure maxima over both domains.
 * Cancellation through options.signal ends with a FuasError('cancelled').
 */
export async function simulatePlan(c: Case, plan: Plan, options: PlanSimulationOptions = {}): Promise<PlanSimulationResult> {
  plan = expandShots(plan); // plan v2: a sonication's repeated shots are delivered one by one
  const executor = options.executor ?? new SerialExecutor();
  const progress = options.onProgress ?? (() => {});
  const cancelled = () => {
    if (options.signal?.aborted) throw new FuasError('cancelled', 'simulation cancelled');
  };
  const limits = deviceLimits(plan.device);
  for (let i = 0; i < plan.sonications.length; i++) checkSonicationLimits(limits, plan.sonications[i], `plan.sonications[${i}]`);
  checkPlanCouchWindow(c, plan);
  const structures = structureLabels(c);
  const targetLabel = structures[c.target];
  if (targetLabel === undefined) throw new InputError('case.target', `no structure "${c.target}"`);
  const findings: Finding[] = [];

  // 1. Acoustic sources and domains (or those the planner computed for these foci).
  progress({ phase: 'acoustics', fraction: 0 });
  let domains = options.domains;
  if (domains) {
    checkDomainsFor(domains, plan);
    const fine = options.fineSpacing ?? domains.fine.spacing[0];
    if (Math.abs(fine - domains.fine.spacing[0]) > 1e-9 || (options.coarseFactor ?? domains.coarseFactor) !== domains.coarseFactor)
      throw new InputError('domains', 'were computed at another fine spacing or coarse factor than asked');
  } else domains = await treatmentDomains(c, plan, options, executor);
  const { sources, fine: grid, coarseFactor } = domains;
  // the nonlinear heat source where it matters (nonlinear-sources.ts): the domains' own, or computed here for powers
  // the domains did not see (a plan edited after planning)
  const tn0 = performance.now();
  const nonlinear = options.linear ? undefined : await nonlinearTreatmentSources(sources, plan, {}, executor, domains.nonlinear);
  checkFiniteBeams(sources, nonlinear);
  const acousticsSeconds =
    (options.domains ? 0 : domains.seconds) + (nonlinear && nonlinear !== domains.nonlinear ? (performance.now() - tn0) / 1000 : 0);
  progress({ phase: 'acoustics', fraction: 1 });
  cancelled();

  // 2. Fine domain.
  const { medium, labels } = caseThermalMedium(c, grid);
  const placedFine = sources.sources.map((s) => s.focal);
  const shifted = (i: number): Vec3 => domains.nearField.positions[i];
  const sonications: TreatmentSonication[] = plan.sonications.map((s, i) => {
    const focus = s.focus as unknown as Vec3;
    const linearSource = sources.sources[sources.sourceOfSonication[i]];
    const nl = nonlinear?.beams[nonlinear.beamOfSonication[i]];
    const src = nl?.nonlinear && nl.focal ? { focal: nl.focal, pathOutsideFocal: nl.pathOutsideFocal } : linearSource;
    const beam = placeBeamPatch(src.focal, grid, focus);
    return {
      position: gridFrame(grid, focus),
      power: s.power,
      duration: s.exposure,
      cooling: s.cooling,
      beam: { ...beam, offset: [0, 0, 0] },
      ...(src.pathOutsideFocal ? { coarseBeam: src.pathOutsideFocal.source, coarsePosition: gridFrame(grid, shifted(i)) } : {}),
    };
  });
  let nearField: PlanSimulationResult['nearField'];
  let nearTimeline: { t: number[]; peak: number[] } | undefined;
  let nearFieldSeconds = 0;

  // 3. Near field (coarse, the whole beam path).
  if (options.nearField !== false && plan.sonications.length > 0) {
    const tn = performance.now();
    const given = options.nearFieldRun;
    if (given && (!options.domains || !nearFieldRunFits(given, plan, options.thermoregulation !== false)))
      throw new InputError(
        'nearFieldRun',
        'was simulated for another timeline or without these domains: leave it out to simulate the near field',
      );
    const near =
      given ??
      (await simulateNearField(c, plan, domains.nearField, {
        executor,
        ...(options.thermoregulation === false ? { perfusionResponse: null } : {}),
        onProgress: (p) => progress({ phase: 'near-field', fraction: p.fraction, time: p.time, peakTemperature: p.peakTemperature }),
        signal: options.signal,
      }));
    checkFiniteNearField(near);
    findings.push(...near.findings);
    nearField = { grid: near.grid, labels: near.labels, dose: near.dose, maxTemperature: near.maxTemperature };
    nearTimeline = near.timeline;
    nearFieldSeconds = (performance.now() - tn) / 1000;
    progress({ phase: 'near-field', fraction: 1 });
  }

  // 4. Treatment heating on the fine domain.
  const tt = performance.now();
  const first = placedFine[0];
  const treatment = new TreatmentSimulation(
    medium,
    first
      ? { ...placeBeamPatch(first, grid, plan.sonications[0].focus as unknown as Vec3), offset: [0, 0, 0] }
      : { kind: 'patch', q: new Float32Array(1), shape: [1, 1, 1], offset: [0, 0, 0], centre: [0, 0, 0] },
    sonications,
    {
      coarseFactor,
      windowCooling: options.windowCooling ?? 3,
      margin: options.windowMargin ?? 2e-3,
      executor: options.treatmentExecutor ?? new SerialExecutor(),
    },
  );
  const end = treatment.endTime;
  const frameGrid = coarseFrameGrid(grid, treatment.coarseGrid, coarseFactor);
  let lastFrame = Number.NEGATIVE_INFINITY;
  const frameEvery = options.frameIntervalMs ?? 500;
  const result = await treatment.advance(Number.POSITIVE_INFINITY, {
    onProgress: (p) => {
      checkFiniteTreatmentStep(treatment, p);
      progress({
        phase: 'treatment',
        fraction: end > 0 ? p.time / end : 1,
        time: p.time,
        sonication: p.sonication,
        peakTemperature: p.peakTemperature,
      });
      if (options.onFrame && performance.now() - lastFrame >= frameEvery) {
        lastFrame = performance.now();
        options.onFrame({
          time: p.time,
          sonication: p.sonication,
          grid: frameGrid,
          temperature: treatment.temperatureSnapshot(),
          dose: treatment.doseSnapshot(),
        });
      }
    },
    signal: options.signal,
  });
  if (result.cancelled) throw new FuasError('cancelled', 'simulation cancelled');
  const treatmentSeconds = (performance.now() - tt) / 1000;

  // 5. Outcome.
  progress({ phase: 'outcome', fraction: 0 });
  const dose = Float32Array.from(treatment.dose(), (d) => Math.min(d, 3.4e38));
  const maxTemperature = treatment.maxTemperature();
  checkFiniteField('treatment thermal dose (CEM43 min, fine grid)', dose, grid.shape);
  checkFiniteField('treatment maximum temperature (°C, fine grid)', maxTemperature, grid.shape);
  const caseVoxel = c.grid.spacing[0] * c.grid.spacing[1] * c.grid.spacing[2];
  let targetVoxels = 0;
  for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === targetLabel) targetVoxels++;
  const nearMaxima: Record<string, { maxTemperature: number; maxDose: number }> = {};
  if (nearField) {
    const outside = outsideMask(nearField.grid, grid);
    for (const [name, label] of Object.entries(structures)) {
      let tMax = Number.NEGATIVE_INFINITY,
        dMax = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < nearField.labels.length; i++) {
        if (nearField.labels[i] !== label || !outside[i]) continue;
        if (nearField.maxTemperature[i] > tMax) tMax = nearField.maxTemperature[i];
        if (nearField.dose[i] > dMax) dMax = nearField.dose[i];
      }
      if (Number.isFinite(tMax)) nearMaxima[name] = { maxTemperature: tMax, maxDose: dMax };
    }
  } else {
    findings.push({
      severity: 'info',
      code: 'near-field-skipped',
      message: 'near-field heating not simulated: skin, fat and muscle maxima cover the fine domain only',
    });
  }
  if (sources.worstDifference.depth > 0) {
    findings.push({
      severity: 'info',
      code: 'beam-reuse',
      message: `${sources.computations} beam computation(s) for ${plan.sonications.length} sonications (foci whose layer stacks agree share one)`,
      params: { computations: sources.computations, sonications: plan.sonications.length },
    });
  }
  const outcome = computeOutcome({
    plan,
    grid,
    labels,
    structures,
    target: c.target,
    maxTemperature,
    dose,
    targetVolume: targetVoxels * caseVoxel,
    findings,
    otherMaxima: nearMaxima,
  });
  const t = treatment.timeline.t.slice();
  const timeline: PlanSimulationResult['timeline'] = {
    t,
    focalTemperature: treatment.timeline.peakTemperature.slice(),
    energy: cumulativeEnergy(plan, t),
  };
  if (nearTimeline) {
    // Resample the near-field peak onto the treatment's times (both step through the same timeline).
    const nt = nearTimeline;
    let j = 0;
    timeline.nearFieldTemperature = t.map((time) => {
      while (j + 1 < nt.t.length && nt.t[j + 1] <= time + 1e-9) j++;
      return nt.peak[j];
    });
  }
  progress({ phase: 'outcome', fraction: 1 });
  return {
    outcome,
    grid,
    labels,
    dose,
    maxTemperature,
    nearField,
    timeline,
    stats: {
      beamComputations: sources.computations,
      acousticsSeconds,
      nearFieldSeconds,
      treatmentSeconds,
      treatmentVoxelUpdates: treatment.voxelUpdates,
      fineVoxels: voxelCount(grid),
      nearFieldVoxels: nearField ? voxelCount(nearField.grid) : 0,
    },
    ...(nonlinear
      ? {
          nonlinear: {
            beams: nonlinear.beams.map(({ focal, path, pathOutsideFocal, ...v }) => v),
            beamOfSonication: nonlinear.beamOfSonication,
          },
        }
      : {}),
  };
}
