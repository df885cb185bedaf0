import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { labelCentroidVoxel, tissuesByLabel } from '../case/case-metrics.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { rasMmToVoxel, voxelToRasMm } from '../grid/grid3d.js';
import type { ParallelExecutor } from '../parallel/parallel-executor.js';
import { BLOOD } from '../tissue/tissue-table.js';
import { getTransducerPreset } from '../transducer/presets.js';
import { deviceLimits } from './device-limits.js';
import type { Finding } from './finding.js';
import type { Plan, PlanConstraints } from './plan.js';
import { type PlannedTreatment, planTreatment } from './planner.js';
import type { PlanningCase } from './planning-case.js';
import { type SingleShot, chooseShot, repeatedShots } from './single-shot.js';
import { type NearFieldResult, simulateNearField, waitCauseSummary } from './near-field.js';
import { nonlinearBeamSource } from './nonlinear-sources.js';
import { type TreatmentDomainOptions, type TreatmentDomains, treatmentDomains } from './treatment-domains.js';
import { dropUnreachableFoci, reachableProbeFocus } from './reachable-plan.js';
import { type BeamSources, computeBeamSources, deviceTransducer, focusChecker } from './treatment-sources.js';

export interface AutoPlanOptions {
  /** default { preset: 'clinical-0.8mhz' } */
  device?: Plan['device'];
  constraints?: Partial<PlanConstraints>;
  /**
   * how power and exposure are chosen:
   * - 'clinical' (default): the ultrasound-guided protocol as HIFU centres run it (shared/reference/
   *   devices-and-protocol.md): shots of `exposure` (default 2 s) at `maxPower` (default 400 W), repeated at a point
   *   until the simulated greyscale change appears (boiling, thermal/boiling.ts) or `maxPointEnergy` is spent, points
   *   one lesion width apart (pitchFactor default 1);
   * - 'sized': the highest power (≤ maxPower) whose single shot of `exposure` (default 3 s) keeps the focus at or
   *   below `maxPeakTemperature` (default 95 °C), points `pitchFactor` (default 2.5) lesion widths apart.
   * Both are followed by the near-field cooling fit (fitCooling).
   */
  pacing?: 'sized' | 'clinical';
  /** s per shot (default 3 sized, 2 clinical: within the protocol's 1–5 s) */
  exposure?: number;
  /** W, highest power (default 400, the usual upper end of 300–400 W for fibroids), within the device's range */
  maxPower?: number;
  /** °C, single-shot peak the 'sized' power is chosen for (default 95, below boiling) */
  maxPeakTemperature?: number;
  /**
   * s between repeated shots at one point (default: the device's shortest pause, the mechanical minimum); the
   * operator repeats shots until the greyscale change appears, at most `maxPointEnergy` J per point
   */
  shotGap?: number;
  /**
   * J, energy limit per point (default 7,100 J: the per-sonication energy limit of the ExAblate 2000 system,
   * FDA PMA P040003, devices-and-protocol.md)
   */
  maxPointEnergy?: number;
  /**
   * lattice pitch / lesion width at a point (default 2.5 'sized': neighbouring lesions merge through the heat that
   * accumulates; 1 'clinical': contiguous boiling lesions). The whole-treatment simulation measures the coverage
   * this gives (NPV ratio).
   */
  pitchFactor?: number;
  /**
   * skip lattice points whose slab a deeper point's lesion already covers (planTreatment's skipCovered; default true
   * with the clinical pacing: the operator does not sonicate tissue that already shows the greyscale change)
   */
  skipCovered?: boolean;
  /** s, longest base cooling pause from the heat budget (default 3 × exposure, the common 1:3 duty cycle) */
  maxCooling?: number;
  /**
   * fit each pause by simulating the near field of the laid-out plan (default true): a pause is lengthened until
   * no protected tissue outside the target region would pass the near-field limit during the next sonication
   * (simulateNearField's cooling rule); false keeps the base cooling from the heat budget
   */
  fitCooling?: boolean;
  /** s, most cooling the fit adds to one pause (default 120) */
  maxAddedCooling?: number;
  /** resolution and source options of the acoustics and near field the fit runs (as simulatePlan's) */
  domains?: TreatmentDomainOptions;
  /** the fit's near field: muscle and fat perfusion rising with temperature (default true, as simulatePlan) */
  thermoregulation?: boolean;
  /**
   * progress: 'probe' (the probe sonication and the layout), then, when fitting, 'acoustics' (every beam) and
   * 'near-field' (the fit, fraction = sonications stepped / all)
   */
  onProgress?: (p: { stage: 'probe' | 'acoustics' | 'near-field'; fraction: number }) => void;
  /** cancels the cooling fit (FuasError 'cancelled') */
  signal?: { readonly aborted: boolean };
  executor?: ParallelExecutor;
}

export interface AutoPlanResult extends PlannedTreatment {
  /** the probe sonication that set power and point spacing */
  shot: SingleShot;
  /** focus of the probe shot (RAS m) */
  probeFocus: Vec3;
  /** the near-field heating estimate that set the base cooling time */
  cooling: { seconds: number; nearFieldHeatingRate: number; removalRate: number; structure: string };
  /** the plan's acoustics and domains when the cooling was fitted: pass them to simulatePlan to reuse them */
  domains?: TreatmentDomains;
  /** s of cooling the fit added to each pause (the pause after sonication i), when fitted */
  addedCooling?: Float64Array;
  /**
   * the fit's near-field run, which stepped this plan's timeline (its pauses in the chunks the fit waited): pass it
   * to simulatePlan (`nearFieldRun`) to take it instead of simulating the near field again
   */
  nearField?: NearFieldResult;
}

/** The PlanningCase view of a Case. */
export function planningCaseOf(c: Case): PlanningCase {
  return {
    name: c.name,
    grid: c.grid,
    labels: c.labels,
    structures: structureLabels(c),
    target: c.target,
    beamDirection: c.couch.beamDirection,
  };
}

/** Centroid (RAS m) of the voxels with a label (a structure's); InputError when there is none. */
export function labelCentroid(c: Pick<Case, 'grid' | 'labels'>, label: number): Vec3 {
  const v = labelCentroidVoxel(c.labels, c.grid, label);
  if (!v) throw new InputError('case.target', 'has no voxels');
  const mm = voxelToRasMm(c.grid, v[0], v[1], v[2]);
  return [mm[0] / 1000, mm[1] / 1000, mm[2] / 1000];
}

const NEAR_FIELD = ['skin', 'fat', 'muscle'];

/**
 * Cooling from a near-field heat budget. While on, the hottest near-field voxel of the path patch heats at
 * h = q·P/(ρC) (K/s); heat leaves it at the rate λ = w_b ρ_b C_b/(ρC) + κ (2π/W)² (perfusion, and conduction
 * across a beam footprint of width W ≈ the path patch's lateral size at the skin). Over many sonications with
 * duty cycle D = t_on/(t_on + t_off) the mean rise settles at h·D/λ, and each shot adds h·t_on on top. Requiring
 * 37 + h·D/λ + h·t_on ≤ limit gives D, hence the pause. A first-order estimate: the simulation then checks it.
 */
export function nearFieldCooling(
  c: Case,
  beam: BeamSources,
  focus: Vec3,
  power: number,
  exposure: number,
  limit: number,
): AutoPlanResult['cooling'] {
  const tissues = tissuesByLabel(c);
  const nameOfLabel = new Map(c.structures.map((s) => [s.label, s.name]));
  const patch = beam.path;
  const s = patch.source.shape;
  const centre = patch.source.centre;
  const v = [0, 0, 0];
  const [nx, ny, nz] = c.grid.shape;
  let worst = { rate: 0, removal: 1, structure: 'skin' };
  const width = Math.min(s[0] * patch.spacing[0], s[2] * patch.spacing[2]);
  for (let k = 0; k < s[2]; k++)
    for (let j = 0; j < s[1]; j++)
      for (let i = 0; i < s[0]; i++) {
        const q = patch.source.q[i + s[0] * (j + s[1] * k)];
        if (q <= 0) continue;
        const p = [0, 1, 2].map(
          (r) =>
            focus[r] +
            ((i - centre[0]) * patch.spacing[0] * patch.axes[0][r] +
              (j - centre[1]) * patch.spacing[1] * patch.axes[1][r] +
              (k - centre[2]) * patch.spacing[2] * patch.axes[2][r]),
        );
        rasMmToVoxel(c.grid, p[0] * 1000, p[1] * 1000, p[2] * 1000, v);
        const a = Math.round(v[0]),
          b = Math.round(v[1]),
          d = Math.round(v[2]);
        if (a < 0 || b < 0 || d < 0 || a >= nx || b >= ny || d >= nz) continue;
        const label = c.labels[a + nx * (b + ny * d)];
        const name = nameOfLabel.get(label);
        if (!name || !NEAR_FIELD.includes(name)) continue;
        const t = tissues[label];
        if (!t) continue;
        const rhoC = t.density * t.specificHeat;
        const rate = (q * power) / rhoC;
        const removal = (t.perfusion * BLOOD.density * BLOOD.specificHeat) / rhoC + (t.conductivity / rhoC) * ((2 * Math.PI) / width) ** 2;
        // the binding voxel is the one needing the lowest duty cycle
        if (rate / removal > worst.rate / worst.removal) worst = { rate, removal, structure: name };
      }
  const h = worst.rate;
  const headroom = limit - 37 - h * exposure;
  if (h === 0) return { seconds: 0, nearFieldHeatingRate: 0, removalRate: worst.removal, structure: worst.structure };
  if (headroom <= 0)
    return { seconds: Number.POSITIVE_INFINITY, nearFieldHeatingRate: h, removalRate: worst.removal, structure: worst.structure };
  const duty = Math.min(1, (worst.removal * headroom) / h);
  return { seconds: exposure * (1 / duty - 1), nearFieldHeatingRate: h, removalRate: worst.removal, structure: worst.structure };
}

/**
 * The automatic fibroid plan with its parameters from the physics: a probe sonication at the target's centroid
 * (acoustic field through the case's layers, bioheat with boiling in the case's tissues) sets the number of shots at a
 * point (clinical pacing: repeated until the greyscale change) or the power (sized pacing) and the lesion size, which
 * sets the point spacing; a near-field heat budget
 * sets the base cooling; `planTreatment` lays out slices and points within the margins; then every pause is fitted
 * on a near-field simulation of the plan (fitCooling: simulateNearField's cooling rule, at the plan's
 * maxSkinTemperature and a 15 CEM43 dose budget), and the acoustics it computed are returned for simulatePlan.
 */
export async function autoPlan(c: Case, options: AutoPlanOptions = {}): Promise<AutoPlanResult> {
  const device = options.device ?? { preset: 'clinical-0.8mhz' };
  const transducer = 'preset' in device ? getTransducerPreset(device.preset) : deviceTransducer(device);
  const limits = deviceLimits(device);
  const clinical = options.pacing === undefined || options.pacing === 'clinical';
  if (options.pacing !== undefined && options.pacing !== 'sized' && !clinical)
    throw new InputError('pacing', `must be "sized" or "clinical", got ${JSON.stringify(options.pacing)}`);
  const exposure = options.exposure ?? (clinical ? 2 : 3);
  options.onProgress?.({ stage: 'probe', fraction: 0 });
  const pc = planningCaseOf(c);
  const targetLabel = pc.structures[c.target];
  // foci the device cannot treat (reach, gas or bone on the axis) are avoided by the probe and dropped from the plan
  const reach = focusChecker(c, device, c.couch.beamDirection);
  const probeFocus = reachableProbeFocus(c, targetLabel, labelCentroid(c, targetLabel), reach);
  const beam = await computeBeamSources({ case: c, focus: probeFocus, beam: c.couch.beamDirection, device }, options.executor);
  const shotGap = options.shotGap ?? limits.minCooling;
  let shot: SingleShot;
  const maxPointEnergy = options.maxPointEnergy ?? 7100;
  if (clinical) {
    // the operator's rule at the probe point: shots at clinical power, repeated until the greyscale change appears
    const power = Math.min(limits.maxPower, options.maxPower ?? 400);
    if (power < limits.minPower) throw new InputError('maxPower', `${power} W is below the device's ${limits.minPower} W`);
    const maxShots = Math.max(1, Math.floor(maxPointEnergy / (power * exposure) + 1e-9));
    // the lesion model heats with the nonlinear source at this power where it matters (nonlinear-sources.ts)
    const nl = await nonlinearBeamSource(beam, beam.medium, device, power, { linear: options.domains?.linear }, options.executor);
    const shotBeam = nl.nonlinear && nl.focal ? { ...beam, focal: nl.focal } : beam;
    shot = await repeatedShots(c, shotBeam, probeFocus, power, exposure, {
      gap: shotGap,
      maxShots,
      executor: options.executor,
      frequency: transducer.frequency,
    });
  } else {
    shot = await chooseShot(c, beam, probeFocus, limits, {
      exposure,
      maxPower: options.maxPower,
      maxPeakTemperature: options.maxPeakTemperature,
      executor: options.executor,
    });
  }
  if (!(shot.lesionWidth > 0) || !(shot.lesionLength > 0)) throw new InputError('power', 'the probe sonication made no measurable lesion');
  const limit = options.constraints?.maxSkinTemperature ?? 43;
  // a point's shots follow each other closely: the near field sees their sum
  const cool = nearFieldCooling(c, beam, probeFocus, shot.power, exposure * (shot.shots ?? 1), limit);
  const maxCooling = options.maxCooling ?? 3 * exposure;
  const findings: Finding[] = [];
  const fit = options.fitCooling !== false;
  let cooling = Math.max(limits.minCooling, Math.ceil(cool.seconds));
  if (!(cooling <= maxCooling) && fit) cooling = maxCooling;
  else if (!(cooling <= maxCooling)) {
    findings.push({
      severity: 'warning',
      code: 'cooling-capped',
      message: `the near-field heat budget asks for ${Number.isFinite(cool.seconds) ? cool.seconds.toFixed(0) : '∞'} s of cooling per sonication (${cool.structure}); capped at ${maxCooling} s: check near-field temperatures in the simulation`,
      params: { cooling: Number.isFinite(cool.seconds) ? cool.seconds : 'Infinity', structure: cool.structure, maxCooling },
    });
    cooling = maxCooling;
  }
  const planned = planTreatment(pc, {
    device,
    geometry: { radiusOfCurvature: transducer.radiusOfCurvature, aperture: transducer.aperture },
    constraints: options.constraints,
    power: shot.power,
    exposure,
    cooling,
    shots: shot.shots ?? 1,
    shotGap,
    // plan v2: each shot carries the operator's rule that ends the repeats at a point early
    ...(clinical ? { feedback: { rule: 'greyscale' as const, maxEnergy: maxPointEnergy } } : {}),
    lesionWidth: shot.lesionWidth * (options.pitchFactor ?? (clinical ? 1 : 2.5)),
    lesionLength: shot.lesionLength,
    // clinical: tissue a deeper boiling lesion already covers is not sonicated again (the greyscale endpoint)
    skipCovered: options.skipCovered ?? clinical,
  });
  dropUnreachableFoci(planned, reach);
  findings.push({
    severity: 'info',
    code: 'probe-shot',
    message: `probe point at the target centroid: ${shot.shots ?? 1} shot(s) of ${shot.power} W × ${exposure} s${clinical ? ` (greyscale change ${shot.greyscaleOnset != null ? `at ${shot.greyscaleOnset.toFixed(1)} s` : 'not reached'})` : ''} → peak ${shot.peakTemperature.toFixed(0)} °C, lesion ${(shot.lesionWidth * 1000).toFixed(1)} × ${(shot.lesionLength * 1000).toFixed(1)} mm; cooling ${cooling} s from the ${cool.structure} heat budget`,
    params: {
      power: shot.power,
      exposure,
      shots: shot.shots ?? 1,
      greyscaleOnset: shot.greyscaleOnset ?? 'none',
      temperature: shot.peakTemperature,
      lesionWidth: shot.lesionWidth,
      lesionLength: shot.lesionLength,
      cooling,
      structure: cool.structure,
    },
  });
  const result: AutoPlanResult = {
    ...planned,
    findings: [...planned.findings, ...findings],
    shot,
    probeFocus,
    cooling: { ...cool, seconds: cooling },
  };
  if (fit && planned.plan.sonications.length > 0) await fitNearFieldCooling(c, result, limit, options);
  return result;
}

/**
 * Lengthens the pauses of an auto plan by simulating its near field (see NearFieldCoolingRule), in place: the wait
 * found before sonication n is added to the pause after sonication n − 1. Adds the domains for reuse and a finding
 * with the cooling added.
 */
async function fitNearFieldCooling(c: Case, result: AutoPlanResult, limit: number, options: AutoPlanOptions): Promise<void> {
  const plan = result.plan;
  options.onProgress?.({ stage: 'acoustics', fraction: 0 });
  const domains = await treatmentDomains(c, plan, options.domains, options.executor);
  options.onProgress?.({ stage: 'near-field', fraction: 0 });
  const maxAdded = options.maxAddedCooling ?? 120;
  const near = await simulateNearField(c, plan, domains.nearField, {
    executor: options.executor,
    coolingRule: { limit, maxAdded },
    ...(options.thermoregulation === false ? { perfusionResponse: null } : {}),
    onProgress: (p) => options.onProgress?.({ stage: 'near-field', fraction: p.fraction }),
    signal: options.signal,
  });
  const added = new Float64Array(plan.sonications.length);
  for (let n = 1; n < plan.sonications.length; n++) added[n - 1] = near.addedCooling[n];
  plan.sonications = plan.sonications.map((s, i) => (added[i] > 0 ? { ...s, cooling: s.cooling + added[i] } : s));
  let total = 0;
  let longest = 0;
  let lengthened = 0;
  for (const a of added) {
    total += a;
    longest = Math.max(longest, a);
    if (a > 0) lengthened++;
  }
  result.findings.push(...near.fitFindings);
  // what asked for the waits: which tissue, how far in front of the focus, the dose pacing or the temperature limit
  const cause = waitCauseSummary(c, plan, near);
  const first = cause ? Object.entries(cause.byStructure).sort((a, b) => b[1] - a[1])[0] : undefined;
  result.findings.push({
    severity: 'info',
    code: 'cooling-fitted',
    message: `near-field simulation of the plan: ${lengthened} of ${plan.sonications.length} pauses lengthened (${(total / 60).toFixed(1)} min in all, up to ${longest} s) to keep protected tissue outside the target region under ${limit} °C${cause && first ? `; ${Math.round(100 * cause.doseShare)} % of the waiting asked for by the dose pacing rather than the limit, ${Math.round((100 * first[1]) / cause.waited)} % by ${first[0]}, a median ${(cause.medianAhead * 1000).toFixed(0)} mm in front of the focus` : ''}`,
    params: {
      pauses: lengthened,
      sonications: plan.sonications.length,
      addedCooling: total,
      longest,
      limit,
      ...(cause && first ? { waitStructure: first[0], waitDoseShare: cause.doseShare, waitMedianAhead: cause.medianAhead } : {}),
    },
  });
  result.domains = domains;
  result.addedCooling = added;
  result.nearField = near;
}
