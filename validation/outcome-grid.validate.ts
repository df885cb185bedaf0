// How far the demo's predicted non-perfused volume can be trusted (issue 11): its grid convergence, and the
// non-perfused volume against the thermal-dose areas of McDannold et al. 2006 (vascular shutdown alone and with the
// ischaemic extension). The aberration-strength sweep is in outcome-aberration.validate.ts.
import {
  type Case,
  type PlanSimulationResult,
  autoPlan,
  generatePhantom,
  nonPerfusedVolume,
  simulatePlan,
} from '../packages/core/src/index.ts';
import type { ValidationCase } from '../scripts/validation-types.ts';

const FINE = 0.5e-3;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const cm3 = (v: number) => (v * 1e6).toFixed(2);

/** Target volumes (m³) of the dose maps: non-perfused with and without the ischaemic extension, ≥ 18 and ≥ 240 CEM43. */
function targetVolumes(c: Case, r: PlanSimulationResult) {
  const target = c.structures.find((s) => s.name === c.target)!.label;
  const exclude = c.structures.filter((s) => s.name === 'water' || s.name === 'air').map((s) => s.label);
  const v = r.grid.spacing[0] * r.grid.spacing[1] * r.grid.spacing[2];
  let d18 = 0,
    d240 = 0;
  for (let i = 0; i < r.dose.length; i++) {
    if (r.labels[i] !== target) continue;
    if (r.dose[i] >= 18) d18++;
    if (r.dose[i] >= 240) d240++;
  }
  const npv = (ischaemia: false | 'centripetal') =>
    nonPerfusedVolume({ grid: r.grid, labels: r.labels, dose: r.dose, targetLabel: target, exclude, ischaemia }).targetVolume;
  return { npv: r.outcome.nonPerfusedTargetVolume, vascular: npv(false), centripetal: npv('centripetal'), d18: d18 * v, d240: d240 * v };
}

const validation: ValidationCase = {
  name: 'outcome-grid',
  title: 'Outcome: grid convergence of the non-perfused volume, and ischaemia against McDannold 2006',
  async run() {
    const c = generatePhantom();
    const t0 = performance.now();
    const demo = await autoPlan(c);
    const planSeconds = (performance.now() - t0) / 1000;
    // the demo's most populated treatment slice, as planned (pauses fitted on the near field of the whole plan): the
    // whole demo at 1/3 mm is out of reach of this report's machine (≈ 8× the demo's cost); one slice is ≈ 1/10 of it
    const count = new Map<number, number>();
    for (const x of demo.plan.sonications) count.set(x.slice, (count.get(x.slice) ?? 0) + 1);
    const slice = [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const planned = { ...demo, plan: { ...demo.plan, sonications: demo.plan.sonications.filter((x) => x.slice === slice) } };

    // 1. grid convergence: the demo's plan at the planner's 0.5 mm and refined 1.5× (the near field, a separate coarse
    // grid, does not enter the target's non-perfused volume and is left out)
    const runs: Array<{ h: number; r: PlanSimulationResult; seconds: number }> = [];
    for (const h of [FINE, FINE / 1.5]) {
      const t = performance.now();
      const r = await simulatePlan(c, planned.plan, { fineSpacing: h, nearField: false });
      runs.push({ h, r, seconds: (performance.now() - t) / 1000 });
    }
    const grid = runs.map(({ h, r, seconds }) => {
      const v = targetVolumes(c, r);
      return { h, o: r.outcome, v, seconds, voxels: r.stats.fineVoxels };
    });
    const moved = Math.abs(grid[1].o.npvRatio - grid[0].o.npvRatio);

    const g0 = grid[0].v;
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '—');
    return {
      title: this.title,
      text: [
        `The default phantom's automatic plan (\`fuas demo\`: ${demo.plan.sonications.length} sonications of ${demo.shot.power} W × ${demo.plan.sonications[0]?.exposure ?? 0} s,`,
        `planned in ${planSeconds.toFixed(0)} s); its most populated treatment slice (slice ${slice + 1}, ${planned.plan.sonications.length} sonications as planned) is`,
        "simulated at the planner's fine spacing (0.5 mm) and 1.5× finer (1/3 mm). The whole demo at 1/3 mm (≈ 8× the demo's",
        'cost) did not fit the shared 2-core machine this report was made on; the slice carries the same shots, pauses and',
        'voxelisation of the dose and of the ischaemia rule.',
        `**Grid convergence** (issue 11: ≤ 2 percentage points): the slice's NPV ratio moved ${(moved * 100).toFixed(2)} points`,
        `(its non-perfused volume ${(((grid[1].v.npv - grid[0].v.npv) / Math.max(grid[0].v.npv, 1e-12)) * 100).toFixed(1)} %), ${moved <= 0.02 ? 'within' : 'OUTSIDE'} the tolerance. The CI test packages/core/test/planning/npv-convergence.test.ts`,
        'checks the same property on a 16 mm fibroid, and non-perfused-volume.test.ts the ischaemia rule alone.',
        '',
        '**Non-perfused volume against McDannold et al. (Radiology 2006;240:263–272)**: in 64 MR-monitored fibroid treatments the',
        'non-perfused area was 1.9 ± 0.7 × the 240 CEM43 area and 1.2 ± 0.4 × the 18 CEM43 area (1.0 ± 0.3 for small',
        'treatment volumes; for large ones the non-perfused region reached fibroid that was clearly not heated). The model',
        'has two parts: vascular shutdown at 40 CEM43 (rat tumour capillaries, Radiat Res 1980) and the ischaemic extension',
        'of target tissue whose supply is cut. The earlier extension rule (one straight centripetal supply path per voxel,',
        'cut by any shut-down voxel on it) was checked against its source: Walocha et al. (Hum Reprod 2003) found fibroids',
        'fed from a dense peripheral vascular capsule through *irregular networks* of vessels inside the tumour, which',
        'carry blood around an obstacle; the straight-path rule has no collaterals, which the source does not support, and',
        'it gave the demo a non-perfused volume 3.9 × its 240 CEM43 volume. The default rule is now the network one: target',
        'tissue is ischaemic when shut-down tissue encloses it (no face-connected path of perfused voxels to perfused tissue',
        'outside the target), which has no parameter and needs a confluent, enclosing ablation, as McDannold saw the',
        'extension only in large treatments. The vascular shutdown dose (40 CEM43) is a rat-tumour measurement, not a',
        'fibroid one; no fibroid measurement independent of the NPV anchors was found. Nothing was set from the ratio;',
        'the three variants are shown so that the share of each assumption is visible.',
        '',
      ].join('\n'),
      tables: [
        {
          caption: 'Grid convergence of a treated slice of the demo (0.5 mm, the planner’s grid, against 1/3 mm)',
          columns: [
            'fine spacing mm',
            'fine voxels',
            'NPV ratio',
            'non-perfused target cm³',
            'vascular shutdown only cm³',
            '≥ 240 CEM43 target cm³',
            '≥ 18 CEM43 target cm³',
            'EEF J/mm³',
            'seconds',
          ],
          rows: grid.map((x) => [
            (x.h * 1e3).toFixed(3),
            x.voxels,
            pct(x.o.npvRatio),
            cm3(x.v.npv),
            cm3(x.v.vascular),
            cm3(x.v.d240),
            cm3(x.v.d18),
            x.o.eef.toFixed(2),
            x.seconds.toFixed(0),
          ]),
        },
        {
          caption:
            'Non-perfused target volume over thermal-dose volumes (a treated slice of the demo, 0.5 mm) against McDannold et al. 2006 (areas)',
          columns: [
            'ratio',
            'model: shutdown + network ischaemia (default)',
            'shutdown + centripetal-ray ischaemia (earlier rule)',
            'shutdown only',
            'McDannold 2006 (mean ± SD)',
          ],
          rows: [
            ['NPV / ≥ 240 CEM43', ratio(g0.npv, g0.d240), ratio(g0.centripetal, g0.d240), ratio(g0.vascular, g0.d240), '1.9 ± 0.7'],
            [
              'NPV / ≥ 18 CEM43',
              ratio(g0.npv, g0.d18),
              ratio(g0.centripetal, g0.d18),
              ratio(g0.vascular, g0.d18),
              '1.2 ± 0.4 (1.0 ± 0.3 small treatments)',
            ],
          ],
        },
      ],
      figures: [],
    };
  },
};

export default validation;
