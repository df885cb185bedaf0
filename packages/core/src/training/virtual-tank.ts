import { parseScenario } from '../acoustics/scenario.js';
import { InputError, requireFinite } from '../errors.js';
import type { Grid3D } from '../grid/grid3d.js';
import { type ScenarioHeatSource, heatingGrid, scenarioHeatSource } from '../sonication/scenario-heating.js';
import { simulateHeating } from '../thermal/heating-run.js';
import { lesionCentroid, lesionDimensions, lesionVolume } from '../thermal/lesion.js';
import type { ThermalMedium } from '../thermal/thermal-medium.js';
import { getTissue } from '../tissue/tissue-table.js';

/**
 * The virtual tank (issue 15, exercise 1): single shots of the clinical transducer into an ex vivo-like block in
 * degassed water, as in the bench experiments with which HIFU courses teach dose and boiling (ex vivo bovine liver:
 * Khokhlova VA et al., JASA 2009 and Khokhlova TD et al., J Ther Ultrasound 2016 for the "tadpole" lesions; the
 * lesion physics issue). The physics is the project's single-shot machinery (heatScenario: field through the water
 * and the block, bioheat with boiling, the greyscale change where bubbles form).
 *
 * The block: liver of the tissue table (ρ, c, α, k, C; sources in tissue-table.ts: IT'IS database v4, Duck 1990)
 * with no perfusion (excised tissue has no blood flow), starting at room temperature (default 20 °C: the bath and
 * block of a bench experiment; a setting, change it with `initialTemperature`); the box's faces are insulating
 * (the block is larger than the heated region; the box keeps 2 diffusion lengths to its faces, heatingBoxSize).
 */
export interface TankShot {
  /** acoustic power, W (10–600) */
  power: number;
  /** sonication time, s (0.1–5) */
  duration: number;
  /** s of cooling followed after the shot (0–30; default 2) */
  cooling?: number;
  /** focus depth below the block's surface, m (0.01–0.05; default 0.025) */
  depth?: number;
  /** °C of bath and block (0–40; default 20) */
  initialTemperature?: number;
}

export interface TankResult {
  shot: Required<TankShot>;
  peakTemperature: number;
  /** s of the first boiling (null: none) */
  boilingOnset: number | null;
  /** hyperechoic region: first appearance (s or null) and its volume at the end (m³) */
  greyscale: { onset: number | null; volume: number };
  /** 240 CEM43 lesion: length along the beam, width across it (m), volume (m³); centroid shift from the focus (m, negative towards the transducer) */
  lesion: { length: number; width: number; volume: number; centroidShift: number | null };
  /** peak temperature over time (°C) */
  timeline: { t: number[]; peakTemperature: number[] };
  /** the beam plane through the focus at the end (x across, z along the beam, transducer frame): temperature °C and CEM43 dose */
  plane: { nx: number; nz: number; spacing: number; z0: number; temperature: Float32Array; dose: Float32Array };
  /** true where the lesion reached the box's faces (its size is then a lower bound) */
  truncated: boolean;
  /** s of computation; fieldCached: the block's field at this depth came from an earlier shot */
  seconds: number;
  fieldCached: boolean;
}

/** Ex vivo block: the table's liver without perfusion. */
export function exVivoLiver() {
  const l = getTissue('liver');
  return {
    name: 'ex-vivo-liver',
    density: l.density,
    soundSpeed: l.soundSpeed,
    attenuation: l.attenuationDbPerCmMHz,
    powerLawExponent: l.powerLawExponent,
    conductivity: l.conductivity,
    specificHeat: l.specificHeat,
    perfusion: 0,
    nonlinearity: l.nonlinearity,
  };
}

function inRange(field: string, v: unknown, lo: number, hi: number, unit: string): number {
  const x = requireFinite(field, v);
  if (x < lo || x > hi) throw new InputError(field, `must be in [${lo}, ${hi}] ${unit}, got ${x}`);
  return x;
}

/** Thermal grid spacing of the tank, m: 0.4 mm (≥ 4 points per wavelength in liver at 0.8 MHz, λ = 2 mm). */
export const TANK_SPACING = 0.4e-3;

/** The box around the focus: ±6 mm across, ±20 mm along the beam (boiling lesions grow ≈ 10 mm towards the transducer). */
export const TANK_BOX = { halfWidth: 0.006, halfLength: 0.03 } as const;
/** Drive power the cached field is computed at, W (Q is linear in power: other powers scale it). */
const FIELD_POWER = 100;

/** Fields of the block per focus depth: a trainee varies power and time at a depth, the field is computed once. */
const fieldCache = new Map<number, Promise<ScenarioHeatSource>>();

function tankField(depth: number): { hs: Promise<ScenarioHeatSource>; cached: boolean } {
  const key = Math.round(depth * 1e5);
  const hit = fieldCache.get(key);
  if (hit) return { hs: hit, cached: true };
  const scenario = parseScenario({
    transducer: { preset: 'clinical-0.8mhz', power: FIELD_POWER },
    medium: { layers: [{ tissue: 'water', thickness: 0.15 - depth }, { tissue: exVivoLiver() }] },
  });
  const grid = heatingGrid(scenario, { duration: 1, cooling: 0 }, { spacing: TANK_SPACING, ...TANK_BOX });
  const hs = scenarioHeatSource(scenario, grid);
  if (fieldCache.size >= 8) fieldCache.delete(fieldCache.keys().next().value as number);
  fieldCache.set(key, hs);
  hs.catch(() => fieldCache.delete(key));
  return { hs, cached: false };
}

/** One shot into the block. InputError for values outside the ranges above. */
export async function tankShot(shot: TankShot): Promise<TankResult> {
  const t0 = performance.now();
  const s: Required<TankShot> = {
    power: inRange('power', shot.power, 10, 600, 'W'),
    duration: inRange('duration', shot.duration, 0.1, 5, 's'),
    cooling: inRange('cooling', shot.cooling ?? 2, 0, 30, 's'),
    depth: inRange('depth', shot.depth ?? 0.025, 0.01, 0.05, 'm'),
    initialTemperature: inRange('initialTemperature', shot.initialTemperature ?? 20, 0, 40, '°C'),
  };
  const field = tankField(s.depth);
  const hs = await field.hs;
  const r = await simulateHeating(
    {
      medium: hs.medium,
      source: { ...hs.source, referencePower: FIELD_POWER },
      power: s.power,
      duration: s.duration,
      cooling: s.cooling,
      axis: 2,
    },
    {
      bubbleShielding: { beam: [0, 0, 1], absorption: hs.shieldingAbsorption },
      boundary: 'adiabatic',
      initialTemperature: s.initialTemperature,
      boiling: true,
    },
  );
  const grid = hs.grid;
  // thermal dose is a tissue quantity: the bath is heated (its temperature is kept) but takes no dose and no lesion
  const dose = tissueOnly(r.dose, hs.medium);
  const dims = lesionDimensions(dose, grid, 240, 2);
  const centroid = lesionCentroid(dose, grid, 240, 2);
  return {
    shot: s,
    peakTemperature: r.peakTemperature,
    boilingOnset: r.boilingOnset,
    greyscale: r.greyscale,
    lesion: {
      length: dims.length,
      width: dims.width,
      volume: lesionVolume(dose, grid, 240),
      centroidShift: centroid === null ? null : centroid - hs.focus.position[2],
    },
    timeline: r.timeline,
    plane: beamPlane(grid, r.temperature, dose),
    truncated: lesionOnFaces(dose, grid),
    seconds: (performance.now() - t0) / 1000,
    fieldCached: field.cached,
  };
}

/** The dose with the water voxels (the bath: material named water) set to 0. */
export function tissueOnly(dose: Float32Array, medium: ThermalMedium): Float32Array {
  const water = new Uint8Array(medium.materials.length);
  medium.materials.forEach((m, i) => {
    water[i] = m.name === 'water' ? 1 : 0;
  });
  const out = new Float32Array(dose.length);
  for (let i = 0; i < dose.length; i++) out[i] = water[medium.labels[i]] ? 0 : dose[i];
  return out;
}

/** Whether the 240 CEM43 lesion touches a face of the box. */
function lesionOnFaces(dose: Float32Array, grid: Grid3D): boolean {
  const [nx, ny, nz] = grid.shape;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1) continue;
        if (dose[i + nx * (j + ny * k)] >= 240) return true;
      }
  return false;
}

/** The y = 0 plane (through the beam axis) of a box grid. */
function beamPlane(grid: Grid3D, temperature: Float32Array, dose: Float32Array): TankResult['plane'] {
  const [nx, ny, nz] = grid.shape;
  const j = (ny - 1) >> 1;
  const T = new Float32Array(nx * nz);
  const D = new Float32Array(nx * nz);
  for (let k = 0; k < nz; k++)
    for (let i = 0; i < nx; i++) {
      T[i + nx * k] = temperature[i + nx * (j + ny * k)];
      D[i + nx * k] = dose[i + nx * (j + ny * k)];
    }
  return { nx, nz, spacing: grid.spacing[0], z0: grid.origin[2], temperature: T, dose: D };
}
