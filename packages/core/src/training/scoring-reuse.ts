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
 * (skin → focus on the beam axis) agrees with an expert beam's within the stack tolerance that treatmentBeamSources
 * uses to share one beam computation between foci of one plan (DEFAULT_STACK_TOLERANCE: 3 mm depth, 0.2 dB
 * attenuation and profile, 0.25 mm sound-speed path) takes that beam, shifted along the axis onto its own skin as
 * treatmentBeamSources does; the others are computed (treatmentDomains of those foci). Foci identical to the
 * expert's: the expert's domains themselves. The fine grid is the target's box with the margin, grown to hold every
 * focal patch, as treatmentDomains builds it.
 */
export async function reusedDomains(
  c: Case,
  plan: Plan,
  expert: TreatmentDomains,
  options: TreatmentDomainOptions,
  executor: ParallelExecutor = new SerialExecutor(),
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
    for (let g = 0; layers && g < ex.sources.length && group < 0; g++) {
      const L = ex.sources[g].layers;
      if (Math.abs(L.depthBelowSkin - layers.depthBelowSkin) > DEFAULT_STACK_TOLERANCE.depth) continue;
      const d = stackDifference(L, layers, tissueOf, coupling, frequency);
      if (!withinTolerance(d, DEFAULT_STACK_TOLERANCE)) continue;
      group = g;
      pathShift[i] = L.depthBelowSkin - layers.depthBelowSkin;
      worst.depth = Math.max(worst.depth, d.depth);
      worst.attenuationDb = Math.max(worst.attenuationDb, d.attenuationDb);
      worst.profileDb = Math.max(worst.profileDb, d.profileDb);
      worst.soundSpeedPath = Math.max(worst.soundSpeedPath, d.soundSpeedPath);
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
