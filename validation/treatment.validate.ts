// Whole-treatment prediction on the built-in phantom against the clinical anchors of
// shared/reference/devices-and-protocol.md, plus the direction of the sensitivity effects.
import {
  type Case,
  type Plan,
  autoPlan,
  generatePhantom,
  labelCentroid,
  parsePlan,
  perpendicularBasis,
  simulatePlan,
} from '../packages/core/src/index.ts';
import { linePlot } from '../scripts/svg-plot.ts';
import type { ValidationCase } from '../scripts/validation-types.ts';

/** The same 3 × 3 lattice (5 mm) at 80 W × 3 s on every case's target centroid plane. */
function lattice(c: Case): Plan {
  const f = labelCentroid(c, c.structures.find((s) => s.name === c.target)!.label);
  const [u, v] = perpendicularBasis(c.couch.beamDirection);
  const sonications = [];
  for (const a of [-1, 0, 1])
    for (const b of [-1, 0, 1])
      sonications.push({ focus: [0, 1, 2].map((r) => f[r] + 0.005 * (a * u[r] + b * v[r])), power: 80, exposure: 3, cooling: 6, slice: 0 });
  return parsePlan({ format: 'openfuas-plan', version: 1, device: { preset: 'clinical-0.8mhz' }, sonications });
}

const validation: ValidationCase = {
  name: 'treatment',
  title: 'Whole treatment of the default fibroid phantom against clinical anchors',
  async run() {
    const c = generatePhantom();
    const t0 = performance.now();
    const planned = await autoPlan(c);
    const planSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const r = await simulatePlan(c, planned.plan, { domains: planned.domains, nearFieldRun: planned.nearField });
    const simSeconds = (performance.now() - t1) / 1000;
    const added = (a?: Float64Array) => (a ? a.reduce((x, y) => x + y, 0) / 60 : 0);
    const o = r.outcome;
    const shot = planned.shot;
    const npv240 = o.nonPerfusedTargetVolume / Math.max(o.ablatedTargetVolume, 1e-12);
    const waits = added(planned.addedCooling);
    const capped = planned.findings.find((f) => f.code === 'near-field-wait-capped');
    // clinical series (shared/reference/devices-and-protocol.md; for comparison, not for fitting): Yang MJ et al. Front
    // Surg 2021 (median 400 W, 852 s beam-on, 328 kJ, NPV ratio 88 %); Korean J Radiol 2018 (PMC6005948: EEF
    // 4.7 ± 2.5 J/mm³, treatment 114 ± 39 min)
    const clinical: (string | number)[][] = [
      [
        'acoustic power',
        `${shot.power} W, shots of ${shot.exposure} s`,
        '400 W median (Yang 2021); 300–400 W',
        'same: the protocol sets it, not a prediction',
      ],
      [
        'shots per point (repeated until the greyscale change)',
        `${shot.shots ?? 1} at the probe point (greyscale change after ${shot.greyscaleOnset != null ? `${shot.greyscaleOnset.toFixed(2)} s` : 'never'}, peak ${shot.peakTemperature.toFixed(0)} °C)`,
        'focus at 60–100 °C within 0.5–1 s (Sci Rep 2017;7:11486); greyscale change is the operator’s endpoint',
        shot.greyscaleOnset != null && shot.greyscaleOnset <= 1 ? 'boils within the clinical heating time' : 'slower than clinical heating',
      ],
      [
        'probe lesion (width × length)',
        `${(shot.lesionWidth * 1000).toFixed(1)} × ${(shot.lesionLength * 1000).toFixed(1)} mm (point pitch ${(shot.lesionWidth * 1000).toFixed(1)} mm, slices 5 mm)`,
        'tadpole lesions growing towards the transducer at boiling (Khokhlova 2009)',
        'boiling lesion',
      ],
      ['sonications (shots)', o.sonications, '— (852 s of 1–5 s shots: hundreds)', ''],
      ['beam-on time', `${o.sonicationTime.toFixed(0)} s`, '852 s median (Yang 2021)', `${(o.sonicationTime / 852).toFixed(2)} × clinical`],
      ['energy', `${(o.energy / 1000).toFixed(0)} kJ`, '328 kJ median (Yang 2021)', `${(o.energy / 328e3).toFixed(2)} × clinical`],
      [
        'EEF (0.7 · P · t / V_NPV)',
        `${o.eef.toFixed(1)} J/mm³`,
        '4.7 ± 2.5 J/mm³ (PMC6005948)',
        Math.abs(o.eef - 4.7) <= 2.5 ? 'within 1 SD' : 'outside 1 SD',
      ],
      [
        'NPV ratio (non-perfused target / target)',
        `${(o.npvRatio * 100).toFixed(0)} % (240 CEM43 alone: ${((o.ablatedTargetVolume / o.target.volume) * 100).toFixed(0)} %)`,
        '88 % (Yang 2021); ≥ 80 % technical success, < 70 % failure',
        o.npvRatio >= 0.8 ? 'technical success, as clinical' : o.npvRatio >= 0.7 ? 'between failure and success' : 'model lower',
      ],
      [
        'non-perfused / 240 CEM43 volume (target)',
        npv240.toFixed(2),
        '1.9 ± 0.7 (area ratio on MR thermometry, McDannold et al. Radiology 2006;240:263)',
        Math.abs(npv240 - 1.9) <= 0.7 ? 'within 1 SD' : 'outside 1 SD',
      ],
      [
        'treatment time',
        `${(o.treatmentTime / 60).toFixed(0)} min (${waits.toFixed(0)} min of it waits fitted on the near field${capped ? `; ${capped.params?.pauses ?? ''} pauses at the ${capped.params?.maxAdded ?? 120} s cap` : ''})`,
        '114 ± 39 min (PMC6005948)',
        Math.abs(o.treatmentTime / 60 - 114) <= 39 ? 'within 1 SD' : o.treatmentTime / 60 > 114 ? 'longer' : 'shorter',
      ],
      [
        'skin / fat / muscle / soft tissue maximum',
        `${o.structures.skin.maxTemperature.toFixed(1)} / ${o.structures.fat.maxTemperature.toFixed(1)} / ${o.structures.muscle.maxTemperature.toFixed(1)} / ${o.structures['soft-tissue'].maxTemperature.toFixed(1)} °C; ` +
          `${o.structures.fat.maxDose.toFixed(1)} / ${o.structures.muscle.maxDose.toFixed(1)} / ${o.structures['soft-tissue'].maxDose.toFixed(1)} CEM43 (fat / muscle / soft tissue)`,
        'skin burns and fat injury are uncommon complications; ≥ 18 CEM43 counted as possible damage',
        ['fat', 'muscle'].every((k) => o.structures[k].maxTemperature <= 43.1 && o.structures[k].maxDose < 18)
          ? 'planner keeps the wall ≤ 43 °C and < 18 CEM43'
          : 'model hotter than the 43 °C limit: see (4)',
      ],
    ];
    const cases: Array<[string, Case]> = [
      ['default (median wall, anterior, T2 type 2)', c],
      ['thick wall (fat 21.1, rectus 11.0 mm)', generatePhantom({ wall: 'thick' })],
      ['small fibroid (35 mm)', generatePhantom({ fibroids: [{ diameterMm: 35 }] })],
      ['posterior fibroid', generatePhantom({ fibroids: [{ diameterMm: 55, position: 'posterior' }] })],
      ['T2-bright fibroid (type 3, more perfused)', generatePhantom({ fibroids: [{ diameterMm: 55, t2Type: 3 }] })],
    ];
    const sens: (string | number)[][] = [];
    let ref = 0;
    for (const [name, k] of cases) {
      const s = await simulatePlan(k, lattice(k), { nearField: false });
      const e = s.outcome.energy / (s.outcome.nonPerfusedTargetVolume * 1e9);
      if (!ref) ref = e;
      sens.push([name, (s.outcome.nonPerfusedTargetVolume * 1e9).toFixed(1), e.toFixed(2), (e / ref).toFixed(2)]);
    }
    const tl = r.timeline;
    return {
      title: 'Whole treatment of the default fibroid phantom against clinical anchors',
      text: `Default phantom (55 mm anterior intramural fibroid, T2 type 2, median abdominal wall), automatic plan with the default
clinical pacing (\`fuas demo\`, \`fuas plan\`; the sized pacing of earlier reports stays selectable with \`--pacing sized\`): the
probe point at the target centroid gets ${shot.exposure} s shots at ${shot.power} W, repeated until the simulated greyscale change
(boiling, thermal/boiling.ts) or 7,100 J; its boiling lesion sets the point pitch (one lesion width) in 5 mm slices, deepest first; the base
pause is the 1:3 duty cycle, and every pause is then fitted on a near-field simulation of the plan: lengthened (by at most 120 s) until no
protected voxel outside the target region would pass 43 °C during the next sonication (its temperature plus the shot's adiabatic rise)
and its thermal dose is paced evenly to a 15 CEM43 budget. The coupling water is held at ${planned.plan.placement.waterTemperature} °C
against the skin. Planning took ${planSeconds.toFixed(1)} s, the simulation ${simSeconds.toFixed(1)} s (acoustics
${(planned.domains?.seconds ?? r.stats.acousticsSeconds).toFixed(1)} s with ${r.stats.beamComputations} beam computations and the
nonlinear source where the focal heating ratio at 400 W exceeds 1.1, done once by the planner's cooling fit and reused; near field
${r.stats.nearFieldSeconds.toFixed(1)} s, treatment heating ${r.stats.treatmentSeconds.toFixed(1)} s on ${r.stats.fineVoxels} fine voxels), on
a shared machine.

**What agrees.** Power is the protocol's (an input). The focus boils within the clinical heating time, so the operator's rule gives one
shot per point; the lesion is a boiling (tadpole) lesion several times the nominal focal region. NPV ratio, EEF and the NPV/240 CEM43
ratio come out of the simulation (columns "comparison"); no parameter was set from them.

**What differs, and why.** (1) Beam-on time and energy: the model gives each point one ${shot.exposure} s shot because its focus boils after
${shot.greyscaleOnset != null ? shot.greyscaleOnset.toFixed(2) : '—'} s, and moves on; clinically the endpoint is a greyscale change covering the
slice (devices-and-protocol.md), and the series' medians are over other patients, fibroids and walls than this one phantom, so energy and
beam-on time compare as orders of magnitude. (2) Treatment time: the waits fitted on the near field dominate it (column "model"); at 400 W each shot adds several kelvin in
the muscle and soft tissue in front of the focus, and the 43 °C rule waits for that tissue to cool before the next point, up to the 120 s
cap. The planner treats a slice from its centre outward (the protocol's order) with neighbouring points in sequence, so their pre-focal
regions overlap in the wall; the balloon's water is modelled as a well-mixed bath at its set temperature. Soft tissue keeps resting
perfusion for want of a measured thermoregulatory response (muscle and fat rise with temperature: Lang, Erdmann & Seebass, IEEE TBME 1999).
(3) The 40 CEM43 shutdown dose of the non-perfused volume comes from a rat tumour study (non-perfused-volume.ts).
(4) A single 400 W shot already takes protected wall tissue past 43 °C (the near-field finding "no pause can prevent it"), so the wall
row exceeds the planner's limit; the same cause as (2). (5) NPV/240 CEM43 ratio: McDannold's ratio was measured on treated regions in
MR-monitored treatments, with the 240 CEM43 region inside perfused tissue; here 240 CEM43 already covers
${((o.ablatedTargetVolume / o.target.volume) * 100).toFixed(0)} % of the target and the non-perfused target volume cannot exceed the
target, so the ratio tends to 1 (the outcome-grid section compares a treated slice with McDannold instead). (6) The NPV ratio of one
ideal phantom (a spherical type 2 fibroid, nothing in the beam's way) is compared with a series median: it lies in the success band.

**Sensitivity (direction of the effects, tested on small phantoms in packages/core/test/planning/outcome-directions.test.ts).** The same
3 × 3 lattice of 80 W × 3 s sonications on each case's target: a thicker wall, a posterior (deeper) fibroid and a T2-bright (more
perfused, more attenuating) fibroid each need more energy per non-perfused volume. The small fibroid (35 mm) of the table needs less: the phantom keeps a
fibroid's anterior edge 5 mm under the serosa, so a smaller fibroid's centroid is shallower and the lattice, well inside it, loses less on
the way. The test compares a 14 mm with a 30 mm fibroid under the same lattice, which reaches the small one's rim (heat into the perfused
myometrium, shut-down tissue outside the fibroid): the small one needs more energy per non-perfused mm³ despite its shallower centroid.`,
      tables: [
        {
          caption: 'Default phantom: prediction against the clinical anchors',
          columns: ['quantity', 'model', 'clinical anchor', 'comparison'],
          rows: clinical,
        },
        {
          caption: 'Sensitivity: energy per non-perfused target volume for the same 9-point lattice',
          columns: ['case', 'non-perfused mm³', 'J/mm³ (P·t/V_NPV)', 'relative to default'],
          rows: sens,
        },
      ],
      figures: [
        {
          file: 'treatment-temperature.svg',
          caption:
            'Default phantom: peak temperature in the fine domain (focus while sonicating) and the near-field peak over the treatment',
          svg: linePlot({
            title: 'Treatment temperatures',
            xLabel: 'time (min)',
            yLabel: '°C',
            series: [
              { label: 'fine-domain peak', x: tl.t.map((t) => t / 60), y: tl.focalTemperature },
              ...(tl.nearFieldTemperature ? [{ label: 'near-field peak', x: tl.t.map((t) => t / 60), y: tl.nearFieldTemperature }] : []),
            ],
          }),
        },
      ],
    };
  },
};
export default validation;
