import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { FuasError } from '../errors.js';
import { type Grid3D, type Vec3, voxelToRasMm } from '../grid/grid3d.js';
import { type ParallelExecutor, SerialExecutor } from '../parallel/parallel-executor.js';
import type { PatchHeatSource } from '../thermal/heat-source.js';
import { ThermalSimulation } from '../thermal/thermal-simulation.js';
import { LANG_1999_PERFUSION, type PerfusionResponse } from '../tissue/thermoregulation.js';
import { alignedGrid, caseMaterials, caseThermalMedium, outsideMask, patchBox } from './case-grids.js';
import type { Finding } from './finding.js';
import { PROTECTED_STRUCTURES } from './outcome.js';
import { type Plan, expandShots } from './plan.js';
import { type BeamPatch, placeBeamPatch } from './treatment-sources.js';

/** A plan's beams on the near-field grid: one patch per beam computation, placed per sonication. */
export interface NearFieldBeams {
  /** near-field beam patch of each source (coarsened path patches) */
  readonly patches: readonly BeamPatch[];
  /** index into `patches` of each sonication */
  readonly sourceOfSonication: ArrayLike<number>;
  /** RAS m where each sonication's patch focus goes (its focus shifted along the beam onto its own skin) */
  readonly positions: readonly Vec3[];
  /** the fine domain of the treatment: voxels inside its box are resolved there and not watched here */
  readonly fine: Grid3D;
  /** m, near-field grid spacing (a multiple of the patches' spacing) */
  readonly spacing: number;
}

/**
 * Cooling fitted by feedback, as a HIFU team waits for the abdominal wall to cool: before each sonication the
 * pause is lengthened (in `step` s) until, for every protected voxel outside the fine domain that the sonication
 * heats,
 * - its temperature now plus the sonication's adiabatic rise q·P·t/(ρC) stays at or below `limit` (conduction and
 *   perfusion during the shot only lower the real rise, so this bounds the peak on this grid), and
 * - its thermal dose stays within `doseBudget` by even pacing: the dose of the coming shot and its planned pause,
 *   bounded by holding the predicted peak throughout, is at most the budget left over the sonications left (the wait
 *   itself is spent cooling, and its dose is counted as it happens).
 * A voxel that fails either test even from rest (37 °C, no dose) is left out: no pause helps it (a finding says so).
 */
export interface NearFieldCoolingRule {
  /** °C (the plan's maxSkinTemperature) */
  readonly limit: number;
  /** CEM43 min a protected voxel may collect over the treatment (default 15, under the 18 CEM43 "possible damage" warning) */
  readonly doseBudget?: number;
  /** s added at a time (default 2) */
  readonly step?: number;
  /** s, most cooling added before one sonication (default 120) */
  readonly maxAdded?: number;
}

export interface NearFieldOptions {
  executor?: ParallelExecutor;
  /** fit the cooling: each pause is lengthened where the rule asks */
  coolingRule?: NearFieldCoolingRule;
  /**
   * perfusion that follows temperature, by tissue name (default LANG_1999_PERFUSION: muscle and fat, whose flow
   * rises several-fold when heated); null for resting perfusion throughout
   */
  perfusionResponse?: Readonly<Record<string, PerfusionResponse>> | null;
  onProgress?: (p: { fraction: number; time: number; peakTemperature: number }) => void;
  signal?: { readonly aborted: boolean };
}

export interface NearFieldResult {
  grid: Grid3D;
  /** case label per voxel */
  labels: Uint8Array;
  /** CEM43 min and maximum temperature °C per voxel */
  dose: Float32Array;
  maxTemperature: Float32Array;
  /** peak temperature outside the fine domain against time */
  timeline: { t: number[]; peak: number[] };
  /** s of cooling the rule added before each sonication (zeros without a rule) */
  addedCooling: Float64Array;
  /**
   * the protected voxel (index into `labels`) that asked for the wait before each sonication, −1 where none did; and
   * whether its dose pacing (1), not the temperature limit (0), bound it: which tissue, where, drives the waits
   */
  waitCause: { voxel: Int32Array; byDose: Uint8Array };
  /**
   * the timeline this run stepped, per sonication: W, s on, s of pause after it (the plan's cooling plus the wait
   * added before the next one), and whether muscle and fat perfusion followed temperature; a plan with the waits
   * written into its pauses has this timeline, so its simulation can take this run (see nearFieldRunFits)
   */
  ran: { power: Float64Array; exposure: Float64Array; pause: Float64Array; thermoregulation: boolean };
  /** findings of the simulation (a missing water bath) */
  findings: Finding[];
  /** findings of the cooling rule (waits capped, voxels no wait can save) */
  fitFindings: Finding[];
}

/** Whether a near-field run stepped the timeline of `plan` (same powers, exposures and pauses, to 1 µs and 1 µW). */
export function nearFieldRunFits(run: NearFieldResult, plan: Plan, thermoregulation: boolean): boolean {
  plan = expandShots(plan);
  const r = run.ran;
  if (r.thermoregulation !== thermoregulation || r.power.length !== plan.sonications.length) return false;
  return plan.sonications.every(
    (s, i) =>
      Math.abs(s.power - r.power[i]) < 1e-6 && Math.abs(s.exposure - r.exposure[i]) < 1e-6 && Math.abs(s.cooling - r.pause[i]) < 1e-6,
  );
}

/** Box (RAS m) holding the fine domain and every sonication's near-field patch. */
function nearFieldBox(beams: NearFieldBeams, lo: Vec3, hi: Vec3): { lo: Vec3; hi: Vec3 } {
  const nlo: [number, number, number] = [...lo];
  const nhi: [number, number, number] = [...hi];
  for (let i = 0; i < beams.positions.length; i++) {
    const b = patchBox(beams.patches[beams.sourceOfSonication[i]], beams.positions[i]);
    for (let a = 0; a < 3; a++) {
      nlo[a] = Math.min(nlo[a], b.lo[a]);
      nhi[a] = Math.max(nhi[a], b.hi[a]);
    }
  }
  return { lo: nlo, hi: nhi };
}

/** RAS box (m) of a grid built by alignedGrid: its corner voxel centres. */
function gridBox(g: Grid3D): { lo: Vec3; hi: Vec3 } {
  const lo: [number, number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  const hi: [number, number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const a = g.affine;
  for (let c = 0; c < 8; c++) {
    const v = [c & 1 ? g.shape[0] - 1 : 0, c & 2 ? g.shape[1] - 1 : 0, c & 4 ? g.shape[2] - 1 : 0];
    for (let r = 0; r < 3; r++) {
      const mm = a[4 * r] * v[0] + a[4 * r + 1] * v[1] + a[4 * r + 2] * v[2] + a[4 * r + 3];
      lo[r] = Math.min(lo[r], mm / 1000);
      hi[r] = Math.max(hi[r], mm / 1000);
    }
  }
  return { lo, hi };
}

/**
 * Near-field heating of a whole plan (skin, fat, muscle, bowel, bone: the beam path outside the fine domain) on a
 * coarse grid, with the coupling water held at the plan's water temperature (a Dirichlet bath) where the case has a
 * "water" structure, and muscle and fat perfusion rising with temperature (options.perfusionResponse). With a
 * cooling rule it also fits the pauses (see NearFieldCoolingRule); the temperatures it returns are then those of the
 * plan with the added cooling. Cancellation ends with FuasError('cancelled').
 */
export async function simulateNearField(
  c: Case,
  plan: Plan,
  beams: NearFieldBeams,
  options: NearFieldOptions = {},
): Promise<NearFieldResult> {
  plan = expandShots(plan); // one sonication per delivered shot
  const structures = structureLabels(c);
  const findings: Finding[] = [];
  const fineBox = gridBox(beams.fine);
  const box = nearFieldBox(beams, fineBox.lo, fineBox.hi);
  const grid = alignedGrid(c.grid, beams.spacing, box.lo, box.hi);
  const { medium, labels } = caseThermalMedium(c, grid);
  const sources: PatchHeatSource[] = beams.positions.map((p, i) => placeBeamPatch(beams.patches[beams.sourceOfSonication[i]], grid, p));
  // the coupling water against the skin is circulated at a set temperature: held there (a Dirichlet bath)
  const waterLabel = structures.water;
  const bath: number[] = [];
  if (waterLabel !== undefined) for (let i = 0; i < labels.length; i++) if (labels[i] === waterLabel) bath.push(i);
  if (bath.length === 0)
    findings.push({
      severity: 'info',
      code: 'no-water-bath',
      message: 'the case has no "water" structure below the skin: near-field heating simulated without skin cooling',
    });
  const sim = new ThermalSimulation(medium, [], {
    executor: options.executor ?? new SerialExecutor(),
    coolingScheme: 'explicit',
    ...(options.perfusionResponse !== null ? { perfusionResponse: options.perfusionResponse ?? LANG_1999_PERFUSION } : {}),
    ...(bath.length > 0 ? { held: { voxels: bath, temperature: plan.placement.waterTemperature } } : {}),
  });
  const outside = outsideMask(grid, beams.fine);
  const maxTemperature = Float32Array.from(sim.temperature); // from the start: 37 °C, the bath at its own temperature
  const timeline = { t: [0], peak: [37] };
  const addedCooling = new Float64Array(plan.sonications.length);
  const waitCause = { voxel: new Int32Array(plan.sonications.length).fill(-1), byDose: new Uint8Array(plan.sonications.length) };
  const rule = options.coolingRule;
  // watched voxels: protected tissue outside the fine domain, with its volumetric heat capacity
  const rhoC = new Float64Array(labels.length);
  if (rule) {
    const materials = caseMaterials(c);
    const protectedLabels = new Set(PROTECTED_STRUCTURES.map((n) => structures[n]).filter((l) => l !== undefined));
    for (let i = 0; i < labels.length; i++)
      if (outside[i] && protectedLabels.has(labels[i])) rhoC[i] = materials[labels[i]].density * materials[labels[i]].specificHeat;
  }
  const endTime = plan.sonications.reduce((t, s) => t + s.exposure + s.cooling, 0);
  let lastReport = 0;
  let current = 0;
  const run = async () => {
    while (await sim.step()) {
      const T = sim.temperature;
      let peak = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < T.length; i++) {
        const v = T[i];
        if (v > maxTemperature[i]) maxTemperature[i] = v;
        if (v > peak && outside[i]) peak = v;
      }
      timeline.t.push(sim.time);
      timeline.peak.push(peak);
      if (performance.now() - lastReport > 100) {
        lastReport = performance.now();
        // a fit's waits lengthen the timeline as it goes: its progress counts sonications
        const fraction = rule ? current / plan.sonications.length : Math.min(1, sim.time / endTime);
        options.onProgress?.({ fraction, time: sim.time, peakTemperature: peak });
        if (options.signal?.aborted) throw new FuasError('cancelled', 'simulation cancelled');
      }
    }
  };
  const fitFindings: Finding[] = [];
  let unreachable = 0;
  let capped = 0;
  for (let n = 0; n < plan.sonications.length; n++) {
    current = n;
    const s = plan.sonications[n];
    if (rule) {
      const step = rule.step ?? 2;
      const maxAdded = rule.maxAdded ?? 120;
      const check: SonicationCheck = {
        rise: adiabaticRise(sources[n], grid.shape, rhoC, s.power * s.exposure),
        limit: rule.limit,
        doseBudget: rule.doseBudget ?? 15,
        interval: s.exposure + s.cooling,
        left: plan.sonications.length - n,
      };
      unreachable = Math.max(unreachable, countHopeless(check));
      // wait in chunks sized by how fast the worst voxel cooled over the last one (linear extrapolation; cooling
      // slows down, so a chunk rarely overshoots), at least `step` s, whole seconds
      const first = worstVoxel(sim.temperature, sim.dose, check);
      let deficit = first.excess;
      if (deficit > 0) {
        waitCause.voxel[n] = first.voxel;
        waitCause.byDose[n] = first.byDose ? 1 : 0;
      }
      let chunk = step;
      while (deficit > 0) {
        if (addedCooling[n] >= maxAdded) {
          capped++;
          break;
        }
        chunk = Math.min(chunk, maxAdded - addedCooling[n]);
        sim.append([{ duration: chunk, source: null, label: `sonication ${n + 1} wait` }]);
        await run();
        addedCooling[n] += chunk;
        const after = worstVoxel(sim.temperature, sim.dose, check).excess;
        const rate = (deficit - after) / chunk;
        chunk = rate > 0 ? Math.max(step, Math.ceil(after / rate)) : 2 * chunk;
        deficit = after;
      }
    }
    sim.append([{ duration: s.exposure, source: sources[n], power: s.power, label: `sonication ${n + 1}` }]);
    if (s.cooling > 0) sim.append([{ duration: s.cooling, source: null }]);
    await run();
  }
  if (rule && unreachable > 0)
    fitFindings.push({
      severity: 'warning',
      code: 'near-field-single-shot',
      message: `a sonication alone takes up to ${unreachable} near-field voxel(s) past ${rule.limit} °C or the dose budget from rest: no pause can prevent it; lower the power`,
      params: { voxels: unreachable, limit: rule.limit },
    });
  if (rule && capped > 0)
    fitFindings.push({
      severity: 'warning',
      code: 'near-field-wait-capped',
      message: `${capped} pause(s) reached the longest added cooling (${rule.maxAdded ?? 120} s) before the near field was safe for the next sonication`,
      params: { pauses: capped, maxAdded: rule.maxAdded ?? 120, limit: rule.limit },
    });
  const dose = Float32Array.from(sim.dose, (d) => Math.min(d, 3.4e38));
  const count = plan.sonications.length;
  const ran = {
    power: Float64Array.from(plan.sonications, (s) => s.power),
    exposure: Float64Array.from(plan.sonications, (s) => s.exposure),
    pause: Float64Array.from(plan.sonications, (s, i) => s.cooling + (i + 1 < count ? addedCooling[i + 1] : 0)),
    thermoregulation: options.perfusionResponse !== null,
  };
  return { grid, labels, dose, maxTemperature, timeline, addedCooling, waitCause, ran, findings, fitFindings };
}

/** What drove a near-field fit's waits (waitCauseSummary). */
export interface WaitCauseSummary {
  /** s of added cooling, by the structure name of the voxel that asked for it */
  readonly byStructure: Record<string, number>;
  /** m, median distance of those voxels in front of the focus (along the beam, towards the transducer) */
  readonly medianAhead: number;
  /** the part of the added cooling its dose pacing asked for (the rest: the temperature limit) */
  readonly doseShare: number;
  /** s of added cooling in all */
  readonly waited: number;
}

/**
 * Which tissue asked for a fit's waits, how far in front of the focus, and by which test (the dose pacing or the
 * temperature limit): what drives the near-field cooling. Null where nothing waited. `plan` is the plan the fit ran
 * (its shots expanded as simulateNearField does).
 */
export function waitCauseSummary(c: Case, plan: Plan, run: NearFieldResult): WaitCauseSummary | null {
  plan = expandShots(plan);
  const nameOf = new Map(Object.entries(structureLabels(c)).map(([name, label]) => [label, name]));
  const grid = run.grid;
  const [nx, ny] = grid.shape;
  const beam = plan.placement.beamDirection;
  const byStructure: Record<string, number> = {};
  const ahead: number[] = [];
  let waited = 0;
  let byDose = 0;
  const p = [0, 0, 0];
  for (let n = 0; n < run.waitCause.voxel.length && n < plan.sonications.length; n++) {
    const v = run.waitCause.voxel[n];
    const added = run.addedCooling[n];
    if (v < 0 || !(added > 0)) continue;
    const name = nameOf.get(run.labels[v]) ?? `label ${run.labels[v]}`;
    byStructure[name] = (byStructure[name] ?? 0) + added;
    waited += added;
    if (run.waitCause.byDose[n]) byDose += added;
    voxelToRasMm(grid, v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny)), p);
    const f = plan.sonications[n].focus;
    ahead.push(-((p[0] / 1000 - f[0]) * beam[0] + (p[1] / 1000 - f[1]) * beam[1] + (p[2] / 1000 - f[2]) * beam[2]));
  }
  if (waited === 0) return null;
  ahead.sort((a, b) => a - b);
  return { byStructure, medianAhead: ahead[ahead.length >> 1], doseShare: byDose / waited, waited };
}

/** The heated voxels of a patch (q > 0): patch indices and q, kept per patch (sonications of a group share it). */
const heatedOfPatch = new WeakMap<Float32Array, { i: Int16Array; j: Int16Array; k: Int16Array; q: Float32Array }>();

function heatedVoxels(source: PatchHeatSource): { i: Int16Array; j: Int16Array; k: Int16Array; q: Float32Array } {
  const cached = heatedOfPatch.get(source.q);
  if (cached) return cached;
  const [sx, sy, sz] = source.shape;
  const i: number[] = [];
  const j: number[] = [];
  const k: number[] = [];
  const q: number[] = [];
  for (let c = 0; c < sz; c++)
    for (let b = 0; b < sy; b++)
      for (let a = 0; a < sx; a++) {
        const v = source.q[a + sx * (b + sy * c)];
        if (v <= 0) continue;
        i.push(a);
        j.push(b);
        k.push(c);
        q.push(v);
      }
  const heated = { i: Int16Array.from(i), j: Int16Array.from(j), k: Int16Array.from(k), q: Float32Array.from(q) };
  heatedOfPatch.set(source.q, heated);
  return heated;
}

/**
 * Rise (K) of the watched voxels (rhoC > 0) over one sonication of `energy` J if no heat left them, as a sparse
 * list of [voxel, rise] pairs.
 */
function adiabaticRise(
  source: PatchHeatSource,
  shape: Vec3,
  rhoC: Float64Array,
  energy: number,
): { voxels: Int32Array; rise: Float64Array } {
  const [nx, ny, nz] = shape;
  const [ox, oy, oz] = source.offset;
  const scale = energy / (source.referencePower ?? 1);
  const h = heatedVoxels(source);
  const voxels: number[] = [];
  const rise: number[] = [];
  for (let n = 0; n < h.q.length; n++) {
    const gx = h.i[n] + ox;
    const gy = h.j[n] + oy;
    const gz = h.k[n] + oz;
    if (gx < 0 || gy < 0 || gz < 0 || gx >= nx || gy >= ny || gz >= nz) continue;
    const g = gx + nx * (gy + ny * gz);
    if (rhoC[g] === 0) continue;
    voxels.push(g);
    rise.push((h.q[n] * scale) / rhoC[g]);
  }
  return { voxels: Int32Array.from(voxels), rise: Float64Array.from(rise) };
}

interface SonicationCheck {
  rise: { voxels: Int32Array; rise: Float64Array };
  limit: number;
  doseBudget: number;
  /** s of the sonication and its planned pause (the wait before it is spent cooling, and counted as it happens) */
  interval: number;
  /** sonications left, this one included */
  left: number;
}

/**
 * Highest peak (°C) a voxel with dose d may reach in the coming interval: the limit, or lower where the dose pacing
 * asks (the rate R(T) = 0.5^(43−T) at or above 43 °C, 0.25^(43−T) below, of Sapareto & Dewey, inverted).
 */
function allowedPeak(c: SonicationCheck, d: number): number {
  const rate = ((c.doseBudget - d) * 60) / (c.interval * c.left);
  if (!(rate > 0)) return Number.NEGATIVE_INFINITY;
  const byDose = rate >= 1 ? 43 + Math.log2(rate) : 43 + Math.log(rate) / Math.LN2 / 2;
  return Math.min(c.limit, byDose);
}

/**
 * The largest excess (K) of a voxel's predicted peak over its allowed peak, among the voxels a pause can help
 * (under their dose budget, and passing from rest); ≤ 0 when the sonication is safe. With the voxel and whether its
 * dose pacing (rather than the limit) set its allowed peak.
 */
function worstVoxel(T: Float64Array, dose: Float64Array, c: SonicationCheck): { excess: number; voxel: number; byDose: boolean } {
  const { voxels, rise } = c.rise;
  const fromRest = allowedPeak(c, 0);
  let worst = { excess: Number.NEGATIVE_INFINITY, voxel: -1, byDose: false };
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n];
    if (dose[v] >= c.doseBudget || 37 + rise[n] > fromRest) continue;
    const allowed = allowedPeak(c, dose[v]);
    const excess = T[v] + rise[n] - allowed;
    if (excess > worst.excess) worst = { excess, voxel: v, byDose: allowed < c.limit };
  }
  return worst;
}

/** Voxels that no pause can save: they fail the rule from rest. */
function countHopeless(c: SonicationCheck): number {
  const fromRest = allowedPeak(c, 0);
  let n = 0;
  for (const r of c.rise.rise) if (37 + r > fromRest) n++;
  return n;
}
