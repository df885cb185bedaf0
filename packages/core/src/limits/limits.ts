import { InputError, LimitError } from '../errors.js';

/**
 * The documented limits of what one command or library call may ask for, checked before any work starts so
 * that no input can hang the process or exhaust its memory. Each is a plain number a caller may raise where
 * a flag says so (`--max-work`, `--max-memory`); the defaults fit a 2-core, 8 GB machine with room to spare.
 */
export const LIMITS = {
  /** bytes of one input file (image, label map, DICOM file) */
  inputFileBytes: 1 << 30,
  /** bytes of one JSON input (scenario, plan, label map, case.json) */
  jsonFileBytes: 16 << 20,
  /** voxels of one image or label map read from a file (2^26 = 512 × 512 × 256) */
  imageVoxels: 2 ** 26,
  /** memory a computation may plan to allocate, bytes */
  memoryBytes: 4 * 2 ** 30,
  /** voxel updates of one heating run (voxels × time steps): about 10 minutes on one core */
  heatingWork: 2e11,
  /** time steps of one heating run, whatever the grid */
  timeSteps: 1e7,
  /**
   * seconds of simulated time in one run (sonications and pauses together): 24 h, a day. The model's clinical plan
   * of the default phantom lasts 12.5 h with its fitted near-field waits (docs/validation, whole treatment), so a
   * plan that `fuas plan` writes must fit; the work itself stays bounded by heatingWork and timeSteps.
   */
  simulatedSeconds: 24 * 3600,
  /** sonications in one plan */
  sonications: 5000,
  /** tissue layers of one scenario */
  layers: 256,
  /** harmonics or frequencies of one acoustic computation */
  harmonics: 64,
  /** worker threads of one command */
  threads: 64,
} as const;

export const MAX_INPUT_FILE_BYTES = LIMITS.inputFileBytes;
export const MAX_JSON_FILE_BYTES = LIMITS.jsonFileBytes;

/** Throws a LimitError naming `what` unless `value` ≤ `limit` (and finite); `hint` says how to raise it. */
export function checkLimit(what: string, value: number, limit: number, hint = ''): number {
  if (!(value <= limit)) {
    const shown = Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
    throw new LimitError(`${what}: ${shown} exceeds the limit of ${limit}${hint ? ` (${hint})` : ''}`);
  }
  return value;
}

/** Throws an InputError naming `field` unless `value` is a finite number in [lo, hi] (`unit` for the message). */
export function requireRange(field: string, value: unknown, lo: number, hi: number, unit = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(field, `expected a finite number, got ${JSON.stringify(value) ?? String(value)}`);
  }
  if (value < lo || value > hi) throw new InputError(field, `must be within [${lo}, ${hi}]${unit ? ` ${unit}` : ''}, got ${value}`);
  return value;
}

/**
 * Physical ranges of tissue properties an input may set (covering gas, fat, soft tissue, bone, water and
 * metal-free phantoms with a wide margin): outside them a number is a typing mistake, not a tissue.
 */
export const PROPERTY_RANGES: Record<string, readonly [number, number, string]> = {
  density: [0.5, 25_000, 'kg/m³'],
  soundSpeed: [100, 10_000, 'm/s'],
  attenuationDbPerCmMHz: [0, 1000, 'dB/cm/MHz^y'],
  absorptionDbPerCmMHz: [0, 1000, 'dB/cm/MHz^y'],
  powerLawExponent: [0, 3, ''],
  conductivity: [0.01, 10, 'W/m/K'],
  specificHeat: [100, 20_000, 'J/kg/K'],
  perfusion: [0, 1, '1/s'],
};

/** Checks the numeric tissue properties present in `props` against PROPERTY_RANGES; `field` prefixes names. */
export function checkTissueProperties(props: Record<string, unknown>, field: string): void {
  for (const [key, value] of Object.entries(props)) {
    const range = PROPERTY_RANGES[key];
    if (range && value !== undefined) requireRange(`${field}.${key}`, value, range[0], range[1], range[2]);
  }
}

/** Work and memory of one explicit heating run, from the grid and the time step, before it allocates anything. */
export interface HeatingEstimate {
  steps: number;
  work: number;
  memoryBytes: number;
}

/** Float32/Float64 fields a heating run holds per voxel (temperature, dose, source, medium, scratch). */
const HEATING_BYTES_PER_VOXEL = 64;

export function estimateHeating(voxels: number, seconds: number, dt: number): HeatingEstimate {
  const steps = Math.ceil(seconds / dt);
  return { steps, work: voxels * steps, memoryBytes: voxels * HEATING_BYTES_PER_VOXEL };
}

/**
 * Refuses a heating run beyond the limits (simulated time, steps, voxel updates, memory) with a LimitError
 * naming what is too large and which input makes it so.
 */
export function checkHeating(
  voxels: number,
  seconds: number,
  dt: number,
  limits: { work?: number; memoryBytes?: number } = {},
): HeatingEstimate {
  checkLimit('simulated time (s)', seconds, LIMITS.simulatedSeconds, 'shorten the duration or the cooling');
  const e = estimateHeating(voxels, seconds, dt);
  checkLimit(
    `time steps (${seconds} s in steps of ${dt.toPrecision(3)} s)`,
    e.steps,
    LIMITS.timeSteps,
    'a smaller conductivity, coarser voxels or a larger --dt where stable',
  );
  checkLimit(`work (${voxels} voxels × ${e.steps} steps)`, e.work, limits.work ?? LIMITS.heatingWork, 'raise with --max-work if meant');
  checkLimit('memory (bytes)', e.memoryBytes, limits.memoryBytes ?? LIMITS.memoryBytes, 'fewer or coarser voxels');
  return e;
}
