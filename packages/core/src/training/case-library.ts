import type { Case } from '../case/case.js';
import { type PhantomOptions, generatePhantom } from '../case/phantom.js';
import { InputError } from '../errors.js';
import { type CaseFactors, type DifficultyTerm, difficultyOf, measureCaseFactors } from './case-factors.js';

/**
 * The graded case library: phantom variants (case/phantom.ts) chosen to span the difficulty factors. Each case is
 * generated on demand from its options (deterministic: same seed, same case). Fibroids are 25–45 mm and the voxel
 * 1.5 mm so that planning, simulating and scoring an exercise stays under 30 s on 2 cores (bench/training.bench.ts);
 * the difficulty is computed from the measured factors (case-factors.ts), never set by hand. The phantom's default
 * bowel loop across the beam blocks every point of the window (autoPlan plans 0 sonications), so the bowel-in-path
 * case has a smaller loop (6 mm radius) shifted 30 mm towards the head: it blocks the beam cones of part of the
 * fibroid (the planner skips those points and says so: finding beam-path-gas) and lies in the cone of others.
 */
export interface TrainingCaseSpec {
  id: string;
  /** English title; other languages live in the workstation under `training.case.<id>.title` */
  title: string;
  /** learning goals, English; keys `training.case.<id>.goal.<n>` in the workstation */
  goals: string[];
  phantom: PhantomOptions;
}

/** A case as `fuas training cases --json` lists it. */
export interface TrainingCaseEntry {
  id: string;
  title: string;
  /** 1–5, from the factors (difficultyOf) */
  difficulty: number;
  factors: CaseFactors;
  /** why: the factors that raised the difficulty */
  difficultyTerms: DifficultyTerm[];
  goals: string[];
  /** translation keys of the title and goals */
  keys: { title: string; goals: string[] };
}

/** Voxel size of the training cases, mm (coarser than the 1 mm default phantom: scoring time, see above). */
export const TRAINING_VOXEL_MM = 1.5;

const p = (o: PhantomOptions): PhantomOptions => ({ voxelSizeMm: TRAINING_VOXEL_MM, ...o });

export const TRAINING_CASES: readonly TrainingCaseSpec[] = [
  {
    id: 'anterior-35-t1-thin',
    title: 'Anterior 35 mm dark fibroid behind a thin wall',
    goals: ['Place slices deep to shallow', 'Keep every point 10 mm inside the serosa', 'Reach an NPV ratio of 70 % or more'],
    phantom: p({ seed: 101, wall: 'thin', fibroids: [{ diameterMm: 35, position: 'anterior', t2Type: 1 }] }),
  },
  {
    id: 'anterior-40-t2',
    title: 'Anterior 40 mm fibroid, median wall',
    goals: ['Cover the fibroid with contiguous lesions', 'Use clinical power (300–400 W) with greyscale feedback'],
    phantom: p({ seed: 102, fibroids: [{ diameterMm: 40, position: 'anterior', t2Type: 2 }] }),
  },
  {
    id: 'anterior-45-t1',
    title: 'Anterior 45 mm dark fibroid',
    goals: ['Plan a larger volume efficiently (EEF)', 'Keep treatment time in check'],
    phantom: p({ seed: 103, fibroids: [{ diameterMm: 45, position: 'anterior', t2Type: 1 }] }),
  },
  {
    id: 'fundal-35-t2',
    title: 'Fundal 35 mm fibroid',
    goals: ['Find the fundal fibroid on the sagittal view', 'Keep the endometrium margin'],
    phantom: p({ seed: 104, fibroids: [{ diameterMm: 35, position: 'fundal', t2Type: 2 }] }),
  },
  {
    id: 'anterior-25-t2',
    title: 'Small anterior 25 mm fibroid',
    goals: ['Fit points inside the margins of a small fibroid', 'Expect more energy per ablated volume'],
    phantom: p({ seed: 105, fibroids: [{ diameterMm: 25, position: 'anterior', t2Type: 2 }] }),
  },
  {
    id: 'anterior-35-t3',
    title: 'Anterior 35 mm bright (T2 type 3) fibroid',
    goals: ['Recognise a well-perfused fibroid on T2', 'Expect a lower NPV ratio for the same energy'],
    phantom: p({ seed: 106, fibroids: [{ diameterMm: 35, position: 'anterior', t2Type: 3 }] }),
  },
  {
    id: 'anterior-35-thick',
    title: 'Anterior 35 mm fibroid behind a thick wall',
    goals: ['Watch the near field: fat and muscle heat', 'Lengthen cooling when the skin warms'],
    phantom: p({ seed: 107, wall: 'thick', fibroids: [{ diameterMm: 35, position: 'anterior', t2Type: 2 }] }),
  },
  {
    id: 'anterior-30-t3-thick',
    title: 'Anterior 30 mm bright fibroid behind a thick wall',
    goals: ['Expect more energy per ablated volume in a perfused fibroid', 'Protect the thick near field'],
    phantom: p({ seed: 108, wall: 'thick', fibroids: [{ diameterMm: 30, position: 'anterior', t2Type: 3 }] }),
  },
  {
    id: 'submucosal-35-t2',
    title: 'Submucosal 35 mm fibroid',
    goals: ['Keep points 15 mm from the endometrium', 'Accept a lower coverage near the cavity'],
    phantom: p({ seed: 109, fibroids: [{ diameterMm: 35, position: 'submucosal', t2Type: 2 }] }),
  },
  {
    id: 'posterior-35-t2',
    title: 'Posterior 35 mm fibroid near the sacrum',
    goals: ['Mind far-field heating of the sacrum', 'Keep the 15 mm bone margin'],
    phantom: p({ seed: 110, fibroids: [{ diameterMm: 35, position: 'posterior', t2Type: 2 }] }),
  },
  {
    id: 'posterior-35-thick',
    title: 'Posterior 35 mm fibroid behind a thick wall',
    goals: ['Reach a deep target through a thick wall', 'Balance coverage against the sacrum margin'],
    phantom: p({ seed: 111, wall: 'thick', fibroids: [{ diameterMm: 35, position: 'posterior', t2Type: 2 }] }),
  },
  {
    id: 'posterior-30-t3-thick',
    title: 'Posterior 30 mm bright fibroid, thick wall',
    goals: ['Combine near-field and far-field safety', 'Judge when a case is not worth treating'],
    phantom: p({ seed: 112, wall: 'thick', fibroids: [{ diameterMm: 30, position: 'posterior', t2Type: 3 }] }),
  },
  {
    id: 'anterior-25-t3-thick',
    title: 'Small bright fibroid behind a thick wall',
    goals: ['Handle several hazards at once', 'Stop when safety and outcome conflict'],
    phantom: p({ seed: 113, wall: 'thick', fibroids: [{ diameterMm: 25, position: 'anterior', t2Type: 3 }] }),
  },
  {
    id: 'anterior-35-bowel',
    title: 'Anterior 35 mm fibroid with a bowel loop over part of the window',
    goals: [
      'Recognise bowel gas in the beam path on imaging',
      'Treat only the points whose beam avoids the gas',
      'Accept a lower coverage rather than sonicate through bowel',
    ],
    phantom: p({
      seed: 114,
      bowelInPath: true,
      bowelInPathRadiusMm: 6,
      bowelInPathOffsetMm: 30,
      fibroids: [{ diameterMm: 35, position: 'anterior', t2Type: 2 }],
    }),
  },
];

/** The spec of a case id (InputError listing the ids otherwise). */
export function trainingCaseSpec(id: string): TrainingCaseSpec {
  const s = TRAINING_CASES.find((c) => c.id === id);
  if (!s) throw new InputError('case', `unknown training case "${id}" (cases: ${TRAINING_CASES.map((c) => c.id).join(', ')})`);
  return s;
}

/** Generates a training case: the phantom and its library entry (factors measured on it, difficulty from them). */
export function trainingCase(id: string): { entry: TrainingCaseEntry; case: Case } {
  const spec = trainingCaseSpec(id);
  const c = generatePhantom(spec.phantom);
  c.name = `training-${spec.id}`;
  return { entry: entryOf(spec, c), case: c };
}

/** The library entry of a spec on its generated case. */
export function entryOf(spec: TrainingCaseSpec, c: Case): TrainingCaseEntry {
  const factors = measureCaseFactors(c);
  const { difficulty, terms } = difficultyOf(factors);
  return {
    id: spec.id,
    title: spec.title,
    difficulty,
    factors,
    difficultyTerms: terms,
    goals: [...spec.goals],
    keys: { title: `training.case.${spec.id}.title`, goals: spec.goals.map((_, i) => `training.case.${spec.id}.goal.${i + 1}`) },
  };
}

/** Every case's entry (generates each phantom: about a second per case). */
export function trainingCaseList(): TrainingCaseEntry[] {
  return TRAINING_CASES.map((s) => trainingCase(s.id).entry);
}
