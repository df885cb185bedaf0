import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { InputError } from '../errors.js';
import type { Vec3 } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import { planningCaseOf } from '../planning/auto-plan.js';
import {
  DEFAULT_STACK_TOLERANCE,
  type StackDifference,
  beamAxisLayers,
  stackDifference,
  withinTolerance,
} from '../planning/beam-layers.js';
import { alignedGrid, coarsenPatch, patchBox, structureBox } from '../planning/case-grids.js';
import { nonlinearTreatmentSources } from '../planning/nonlinear-sources.js';
import { type Plan, expandShots } from '../planning/plan.js';
import { type TreatmentDomainOptions, type TreatmentDomains, checkDomainsFor, treatmentDomains } from '../planning/treatment-domains.js';
import { type BeamSources, type TreatmentBeamSources, deviceTransducer } from '../planning/treatment-sources.js';
import { type Tissue, getTissue, withOverrides } from '../tissue/tissue-table.js';

/** The sonications of a plan as the simulation sees them (shots expanded) plus what else it reads: a plan's identity. */
function simulatedPart(plan: Plan): string {
  const p = expandShots(plan);
  return JSON.stringify([p.device, p.placement, p.constraints, p.sonications.map((s) => [s.focus, s.power, s.exposure, s.cooling])]);
}

/**
 * True when `plan` delivers exactly what the expert plan delivers (same device, placement, constraints and, shot by
 * shot, the same foci, powers, exposures and pauses): the simulation is deterministic, so its outcome is the expert's
 * (score.test.ts checks this against a full simulation).
 */
export function samePlanAsExpert(plan: Plan, expert: Plan): boolean {
  return simulatedPart(plan) === simulatedPart(expert);
}

/**
 * The treatment domains of a trainee's plan, reusing the expert's acoustics: a trainee focus whose layer stack
 * (skin → focus on the beam axis) agrees with an expert beam's within `tolerance` (default SCORING_STACK_TOLERANCE)
 * takes the closest such beam, shifted along the axis onto its own skin as treatmentBeamSources does; the others are
 * computed (treatmentDomains of those foci, which share beams among themselves within the planner's
 * DEFAULT_STACK_TOLERANCE). Foci identical to the expert's: the expert's domains themselves. The fine grid is the
 * target's box with the margin, grown to hold every focal patch, as treatmentDomains builds it.
 */
export async function reusedDomains(
  c: Case,
  plan: Plan,
  expert: TreatmentDomains,
  options: TreatmentDomainOptions,
  executor: ParallelExecutor = new SerialExecutor(),
  tolerance: StackDifference = SCORING_STACK_TOLERANCE,
): Promise<TreatmentDomains> {
  const t0 = performance.now();
  plan = expandShots(plan);
  try {
    checkDomainsFor(expert, plan);
    return expert;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  const fine = options.fineSpacing ?? 0.5e-3;
  const coarseFactor = options.coarseFactor ?? 3;
  if (Math.abs(fine - expert.fine.spacing[0]) > 1e-9 || coarseFactor !== expert.coarseFactor)
    throw new InputError('domains', 'the expert reference was simulated at another fine spacing or coarse factor');
  const beam = (plan.placement.beamDirection ?? [0, -1, 0]) as unknown as Vec3;
  const pc = planningCaseOf(c);
  const tissueOf = caseTissues(c);
  const coupling = tissueOf('water');
  const frequency = deviceTransducer(plan.device).frequency;
  const ex = expert.sources;
  const n = plan.sonications.length;
  const sourceOfSonication = new Int32Array(n);
  const pathShift = new Float64Array(n);
  const worst: StackDifference = { ...ex.worstDifference };
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    const focus = plan.sonications[i].focus as unknown as Vec3;
    let group = -1;
    let layers: ReturnType<typeof beamAxisLayers> | null = null;
    try {
      layers = beamAxisLayers(pc, focus, beam);
    } catch (e) {
      if (!(e instanceof InputError)) throw e; // outside the body: treatmentDomains below says why
    }
    // the expert beam closest to this stack (largest difference relative to its tolerance), if within tolerance
    let best: StackDifference | null = null;
    let bestRatio = Number.POSITIVE_INFINITY;
    for (let g = 0; layers && g < ex.sources.length; g++) {
      const L = ex.sources[g].layers;
      const eb = ex.sources[g].beam;
      // another beam direction (a plan moved to another placement): not this beam
      if (eb[0] * beam[0] + eb[1] * beam[1] + eb[2] * beam[2] < (1 - 1e-9) * Math.hypot(beam[0], beam[1], beam[2])) continue;
      if (Math.abs(L.depthBelowSkin - layers.depthBelowSkin) > tolerance.depth) continue;
      const d = stackDifference(L, layers, tissueOf, coupling, frequency);
      if (!withinTolerance(d, tolerance)) continue;
      const ratio = relativeDifference(d, tolerance);
      if (ratio >= bestRatio) continue;
      bestRatio = ratio;
      best = d;
      group = g;
      pathShift[i] = L.depthBelowSkin - layers.depthBelowSkin;
    }
    if (best) {
      worst.depth = Math.max(worst.depth, best.depth);
      worst.attenuationDb = Math.max(worst.attenuationDb, best.attenuationDb);
      worst.profileDb = Math.max(worst.profileDb, best.profileDb);
      worst.soundSpeedPath = Math.max(worst.soundSpeedPath, best.soundSpeedPath);
    }
    if (group < 0) missing.push(i);
    sourceOfSonication[i] = group;
  }
  const sources: BeamSources[] = [...ex.sources];
  let computations = 0;
  if (missing.length > 0) {
    // the foci no expert beam fits: their own beams, as the full path computes them (linear here: the nonlinear
    // sources of the whole plan follow below)
    const sub = await treatmentDomains(
      c,
      { ...plan, sonications: missing.map((i) => plan.sonications[i]) },
      { ...options, linear: true },
      executor,
    );
    const base = sources.length;
    sources.push(...sub.sources.sources);
    computations = sub.sources.computations;
    missing.forEach((i, k) => {
      sourceOfSonication[i] = base + sub.sources.sourceOfSonication[k];
      pathShift[i] = sub.sources.pathShift[k];
    });
    const w = sub.sources.worstDifference;
    worst.depth = Math.max(worst.depth, w.depth);
    worst.attenuationDb = Math.max(worst.attenuationDb, w.attenuationDb);
    worst.profileDb = Math.max(worst.profileDb, w.profileDb);
    worst.soundSpeedPath = Math.max(worst.soundSpeedPath, w.soundSpeedPath);
  }
  const merged: TreatmentBeamSources = {
    sources,
    sourceOfSonication,
    pathShift,
    computations,
    worstDifference: worst,
    seconds: 0,
    sourcePlaneSeconds: 0,
  };
  // the fine grid and near-field beams as treatmentDomains builds them
  const margin = options.targetMargin ?? 0.01;
  const nearFactor = Math.max(1, Math.round((options.nearFieldSpacing ?? 3e-3) / (fine * coarseFactor)));
  const targetLabel = structureLabels(c)[c.target];
  if (targetLabel === undefined) throw new InputError('case.target', `no structure "${c.target}"`);
  const foci = plan.sonications.map((s) => s.focus as unknown as Vec3);
  const box = structureBox(c, targetLabel);
  const lo: [number, number, number] = [box.lo[0] - margin, box.lo[1] - margin, box.lo[2] - margin];
  const hi: [number, number, number] = [box.hi[0] + margin, box.hi[1] + margin, box.hi[2] + margin];
  foci.forEach((f, i) => {
    const b = patchBox(sources[sourceOfSonication[i]].focal, f);
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], b.lo[a]);
      hi[a] = Math.max(hi[a], b.hi[a]);
    }
  });
  const positions = foci.map((f, i): Vec3 => {
    const b = sources[sourceOfSonication[i]].beam;
    const d = pathShift[i];
    return [f[0] + d * b[0], f[1] + d * b[1], f[2] + d * b[2]];
  });
  const fineGrid = alignedGrid(c.grid, fine, lo, hi);
  // nonlinear sources: the expert's per (beam, power) reused (its beams keep their indices), the others computed
  const nonlinear = options.linear ? undefined : await nonlinearTreatmentSources(merged, plan, {}, executor, expert.nonlinear);
  const patches = sources.map((s, g) =>
    g < ex.sources.length && nearFactor === expertNearFactor(expert) ? expert.nearField.patches[g] : coarsenPatch(s.path, nearFactor),
  );
  return {
    sources: merged,
    ...(nonlinear ? { nonlinear } : {}),
    fine: fineGrid,
    coarseFactor,
    nearField: { patches, sourceOfSonication, positions, fine: fineGrid, spacing: fine * coarseFactor * nearFactor },
    foci,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * How far a trainee focus's layer stack may differ from an expert beam's for scoring to take that beam: twice the
 * planner's DEFAULT_STACK_TOLERANCE (6 mm depth, 0.4 dB attenuation and profile ≈ ±10 % focal intensity, 0.5 mm
 * sound-speed path ≈ half a training voxel of focal shift). The planner's tolerance shares beams within one plan,
 * where a computation serves many foci; a trainee's plan moved off the expert's points falls just outside it
 * (anterior-45-t1, every focus 1.5 mm off and slices 2.5 mm deeper: at most 1.71 × the planner's tolerance from the
 * closest expert beam, docs/training.md), which cost 8–11 beam computations (≈ 16 s CPU) per scoring. Its effect
 * on the score against a full simulation is bounded in score.test.ts (0.5 point per component, 0.01 NPV ratio,
 * 2 % EEF, the same safety events) and measured on the 45 mm case in docs/training.md.
 */
export const SCORING_STACK_TOLERANCE: StackDifference = {
  depth: 2 * DEFAULT_STACK_TOLERANCE.depth,
  attenuationDb: 2 * DEFAULT_STACK_TOLERANCE.attenuationDb,
  profileDb: 2 * DEFAULT_STACK_TOLERANCE.profileDb,
  soundSpeedPath: 2 * DEFAULT_STACK_TOLERANCE.soundSpeedPath,
};

/** The largest of a stack difference's parts, each relative to its tolerance (≤ 1: within). */
function relativeDifference(d: StackDifference, t: StackDifference): number {
  return Math.max(d.depth / t.depth, d.attenuationDb / t.attenuationDb, d.profileDb / t.profileDb, d.soundSpeedPath / t.soundSpeedPath);
}

/** The near-field coarsening factor the expert's domains used. */
function expertNearFactor(d: TreatmentDomains): number {
  return Math.round(d.nearField.spacing / (d.fine.spacing[0] * d.coarseFactor));
}

/** Structure name → tissue with the case's overrides (as the beam sources see the case). */
function caseTissues(c: Case): (name: string) => Tissue {
  const tissues = new Map<string, Tissue>();
  for (const s of c.structures) {
    const base = getTissue(s.tissue, `case.structures.${s.name}.tissue`);
    const o = c.tissueOverrides?.[s.name];
    tissues.set(s.name, o ? withOverrides(base, o, `case.tissueOverrides.${s.name}`) : base);
  }
  return (name) => tissues.get(name) ?? getTissue(name === 'soft-tissue' ? 'soft-tissue' : name, 'structure');
}
