// A small treatment for console tests: the default phantom and three points of its first (deepest) slice, as the
// planner places them (foci copied from `fuas plan` on this phantom), shortened so a session lasts 15 s.
import { generatePhantom } from '../../src/case/phantom.js';
import type { Case } from '../../src/case/case.js';
import { type Plan, parsePlan } from '../../src/planning/plan.js';
import { type TreatmentDomains, treatmentDomains } from '../../src/planning/treatment-domains.js';

export const FOCI: Array<[number, number, number]> = [
  [0.0000039183912015516075, -0.08549999999999999, 0.014410006456058957],
  [0.005797649935252366, -0.0865, 0.014410006456058957],
  [-0.005789813152849263, -0.0865, 0.014410006456058957],
];

export function smallPlan(exposure = 2, cooling = 3, power = 85): Plan {
  return parsePlan({
    format: 'openfuas-plan',
    version: 1,
    device: { preset: 'clinical-0.8mhz' },
    sonications: FOCI.map((focus, i) => ({ focus, power, exposure, cooling, slice: 0, label: `S1-P${i + 1}` })),
  });
}

let cached: { c: Case; plan: Plan; domains: TreatmentDomains } | null = null;

/** The phantom, the small plan and its domains (acoustics computed once per test file). */
export async function consoleFixture(): Promise<{ c: Case; plan: Plan; domains: TreatmentDomains }> {
  if (!cached) {
    const c = generatePhantom();
    const plan = smallPlan();
    cached = { c, plan, domains: await treatmentDomains(c, plan) };
  }
  return cached;
}
