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
    const r = await simulatePlan(c, planned.plan, { domains: planned.domains });
    const simSeconds = (performance.now() - t1) / 1000;
    // the same fit with resting perfusion in muscle and fat: how much of the treatment time thermoregulation saves
    const resting = await autoPlan(c, { thermoregulation: false });
    const minutes = (p: Plan) => p.sonications.reduce((t, s) => t + s.exposure + s.cooling, 0) / 60;
    const added = (a?: Float64Array) => (a ? a.reduce((x, y) => x + y, 0) / 60 : 0);
    const o = r.outcome;
    const shot = planned.shot;
    const clinical: (string | number)[][] = [
      [
        'single-shot lesion (width × length)',
        `${(shot.lesionWidth * 1000).toFixed(1)} × ${(shot.lesionLength * 1000).toFixed(1)} mm`,
        '"1.5 × 1.5 × 10 mm" is the nominal −6 dB focal region (1.9 × 9.6 mm at 0.8 MHz), not a measured 400 W lesion',
        'focal-region size, not a lesion anchor',
      ],
      [
        'acoustic power for that lesion',
        `${shot.power} W (peak ${shot.peakTemperature.toFixed(0)} °C)`,
        '300–400 W',
        'model needs 3–5× less power',
      ],
      ['sonications (3 s points)', o.sonications, 'hundreds', 'same order'],
      ['point spacing', `${(shot.lesionWidth * 2.5 * 1000).toFixed(1)} mm`, '≈ 5 mm slices and points', 'similar'],
      [
        'NPV ratio (non-perfused target / target)',
        `${(o.npvRatio * 100).toFixed(0)} % (240 CEM43 alone: ${((o.ablatedTargetVolume / o.target.volume) * 100).toFixed(0)} %)`,
        '80–90 % in clinical series (Yang 2021: 88 %); ≥ 80 % technical success, < 70 % failure',
        o.npvRatio >= 0.7 ? 'within the clinical range' : 'model lower',
      ],
      [
        'non-perfused / 240 CEM43 volume (target)',
        (o.nonPerfusedTargetVolume / Math.max(o.ablatedTargetVolume, 1e-12)).toFixed(2),
        '1.9 ± 0.7 (area ratio on MR thermometry, McDannold et al. Radiology 2006;240:263)',
        Math.abs(o.nonPerfusedTargetVolume / Math.max(o.ablatedTargetVolume, 1e-12) - 1.9) <= 0.7 ? 'within 1 SD' : 'outside 1 SD',
      ],
      [
        'EEF',
        `${o.eef.toFixed(1)} J/mm³`,
        '4.7 ± 2.5 J/mm³ (US-guided, completely ablated fibroids; MRgHIFU vs USgHIFU comparison, PMC6005948); higher for T2-bright fibroids',
        'same order',
      ],
      ['energy', `${(o.energy / 1000).toFixed(0)} kJ`, '—', ''],
      [
        'sonication / treatment time',
        `${(o.sonicationTime / 60).toFixed(0)} / ${(o.treatmentTime / 60).toFixed(0)} min (${added(planned.addedCooling).toFixed(0)} min of it waits fitted on the near field)`,
        '≈ 20–30 min of sonication; treatment 114 ± 39 min (US-guided, same series)',
        'treatment longer, within 1.5 SD',
      ],
      [
        'treatment time with resting perfusion in muscle and fat',
        `${minutes(resting.plan).toFixed(0)} min (${added(resting.addedCooling).toFixed(0)} min of waits)`,
        'perfusion in heated muscle rises several-fold (Lang et al. 1999)',
        'thermoregulation shortens the waits',
      ],
      [
        'skin / fat / muscle / soft tissue maximum',
        `${o.structures.skin.maxTemperature.toFixed(1)} / ${o.structures.fat.maxTemperature.toFixed(1)} / ${o.structures.muscle.maxTemperature.toFixed(1)} / ${o.structures['soft-tissue'].maxTemperature.toFixed(1)} °C; ` +
          `${o.structures.fat.maxDose.toFixed(1)} / ${o.structures.muscle.maxDose.toFixed(1)} / ${o.structures['soft-tissue'].maxDose.toFixed(1)} CEM43 (fat / muscle / soft tissue)`,
        'skin burns and fat injury are uncommon complications; ≥ 18 CEM43 counted as possible damage',
        'planner keeps the wall ≤ 43 °C and < 18 CEM43',
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
      text: `Default phantom (55 mm anterior intramural fibroid, T2 type 2, median abdominal wall), automatic plan (\`fuas demo\`):
the probe sonication at the target centroid sets the power (highest keeping the focus ≤ 95 °C, since the model has no boiling) and the
single-shot lesion; points are spaced 2.5 lesion widths apart in 5 mm slices; the base pause is the 1:3 duty cycle (the heat budget asks
for more but is capped at 3 × exposure), and every pause is then fitted on a near-field simulation of the plan: lengthened until no
protected voxel outside the target region would pass 43 °C during the next sonication (its temperature plus the shot's adiabatic rise)
and its thermal dose is paced evenly to a 15 CEM43 budget. Planning took
${planSeconds.toFixed(1)} s, the simulation ${simSeconds.toFixed(1)} s (acoustics ${(planned.domains?.seconds ?? r.stats.acousticsSeconds).toFixed(1)} s with ${r.stats.beamComputations} beam computations, done
once by the planner's cooling fit and reused,
near field ${r.stats.nearFieldSeconds.toFixed(1)} s, treatment heating ${r.stats.treatmentSeconds.toFixed(1)} s on ${r.stats.fineVoxels} fine voxels).

**What agrees.** The single-shot lesion is a cigar of millimetre width and about a centimetre length, like the published 1.5 × 1.5 × 10 mm;
the energy per ablated volume (EEF) and the sonication time are of the clinical order.

**What does not, and why (honestly).** (1) The model reaches that lesion at 3–5 times less acoustic power than clinical devices use:
its beam is the ideal linear field through flat layers; real abdominal walls aberrate and scatter the beam (lower focal gain), and
propagation at clinical pressures is nonlinear. (2) The predicted NPV ratio is far below clinical results: in the model, isolated
lesions spaced like clinical points do not merge; clinically, exposures are prolonged or repeated at a point until a greyscale
(boiling/cavitation) change appears, which enlarges each lesion well beyond a 95 °C single shot — boiling, cavitation-enhanced heating
and lesion growth towards the transducer are not modelled. (3) The abdominal wall is the limit on pace. The coupling water is held at
${planned.plan.placement.waterTemperature} °C against the skin (a well-mixed bath, as with direct skin cooling), which cools skin and the first millimetres of
fat; the wall heats 15–25 mm deep, in the muscle and soft tissue in front of the anterior slices' foci, where each beam is still narrow
and the points of a slice overlap. Muscle and fat perfusion rise with temperature in the near-field model (Lang, Erdmann & Seebass, IEEE
TBME 1999: ×8.6 in muscle and ×2 in fat at 45 °C; the fine domain around the target keeps resting perfusion), and the fitted waits
then make the treatment longer than the clinical mean, mostly in the shallow slices. Soft tissue (between the wall and the uterus)
keeps resting perfusion, for want of a measured response.
Lowering \`--pitch-factor\` buys NPV ratio with sonications; the outcome always comes from the simulation.

**Sensitivity (direction of the effects, tested in packages/core/test/planning/simulate-plan.test.ts).** The same 3 × 3 lattice of
80 W × 3 s sonications on each case's target: a thicker wall, a posterior (deeper) fibroid and a T2-bright (more perfused, more
attenuating) fibroid each need more energy per ablated volume.`,
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
