// Grid convergence of the thermal schemes at a realistic focus (issue 12): the clinical-0.8mhz bowl's heat source
// in fibroid, peak temperature, dose and lesion volume against grid spacing for the reference kernel ('explicit')
// and 'explicit4', against 'explicit4' at 0.125 mm; the planner's fine grid marked.
import {
  type Grid3D,
  ThermalSimulation,
  computeFieldVolume,
  createGrid,
  defaultAbdominalLayers,
  fieldSource,
  layeredThermalMedium,
  parseScenario,
} from '../packages/core/src/index.ts';
import { linePlot } from '../scripts/svg-plot.ts';
import type { ValidationCase } from '../scripts/validation-types.ts';

/** The planner's fine grid (packages/core/src/planning/treatment-domains.ts, fineSpacing default). */
const PLANNER_SPACING = 0.5e-3;
const FINE = 0.125e-3;
/** coarse spacings as multiples of FINE (the coarse nodes are fine nodes: the same source values, no interpolation) */
const RATIOS = [8, 6, 4, 3, 2];
const POWER = 70;
const DURATION = 3;
const COOLING = 5;
/** box half-sizes, m: ≥ 3 diffusion lengths of the 8 s run beyond the lesion, 'body' boundary outside */
const HALF_WIDTH = 6e-3;
const HALF_LENGTH = 15e-3;

/** a scheme, or 'heating / cooling' schemes (the treatment window's choice: 'explicit4 / explicit') */
type Scheme = 'explicit' | 'explicit4' | 'explicit4 / explicit';

interface Run {
  peak: number;
  dose: number;
  lesion: number;
  seconds: number;
}

async function run(grid: Grid3D, q: Float32Array, scenario: ReturnType<typeof parseScenario>, scheme: Scheme): Promise<Run> {
  const [heating, cooling] = scheme.split(' / ') as ['explicit' | 'explicit4', ('explicit' | 'explicit4') | undefined];
  const t0 = performance.now();
  const medium = layeredThermalMedium(scenario, grid);
  // boiling off: the subject is the Pennes discretisation (the peak stays below 100 °C at this power anyway)
  const sim = new ThermalSimulation(medium, [{ duration: DURATION, source: fieldSource(grid, q) }, { duration: COOLING }], {
    scheme: heating,
    coolingScheme: cooling ?? heating,
    boiling: false,
  });
  await sim.advance();
  return { peak: sim.peakTemperature, dose: sim.maxDose(), lesion: sim.lesionVolume(), seconds: (performance.now() - t0) / 1000 };
}

const validation: ValidationCase = {
  name: 'thermal-convergence',
  title: 'Thermal schemes: grid convergence at the clinical focus',
  async run() {
    const scenario = parseScenario({ transducer: { preset: 'clinical-0.8mhz', power: POWER }, medium: defaultAbdominalLayers() });
    const R = scenario.transducer.radiusOfCurvature;
    // fine grid: nodes every FINE mm, the focus (0, 0, R) a node; the field once, by the angular spectrum
    const nw = 2 * Math.round(HALF_WIDTH / FINE) + 1;
    const nl = 2 * Math.round(HALF_LENGTH / FINE) + 1;
    const fine = createGrid([nw, nw, nl], [FINE, FINE, FINE], [-HALF_WIDTH, -HALF_WIDTH, R - HALF_LENGTH]);
    const field = await computeFieldVolume(scenario, 'asm', fine);
    const Q = field.heatSource;
    // the hottest node of Q: every coarse grid keeps it as a node
    let im = 0;
    for (let i = 1; i < Q.length; i++) if (Q[i] > Q[im]) im = i;
    const m = [im % nw, Math.floor(im / nw) % nw, Math.floor(im / (nw * nw))];
    const sub = (r: number) => {
      const lo = m.map((c) => c % r);
      const n = [0, 1, 2].map((a) => Math.floor(((a < 2 ? nw : nl) - 1 - lo[a]) / r) + 1);
      const h = FINE * r;
      const grid = createGrid(
        n as [number, number, number],
        [h, h, h],
        [fine.origin[0] + lo[0] * FINE, fine.origin[1] + lo[1] * FINE, fine.origin[2] + lo[2] * FINE],
      );
      const q = new Float32Array(n[0] * n[1] * n[2]);
      for (let z = 0; z < n[2]; z++)
        for (let y = 0; y < n[1]; y++)
          for (let x = 0; x < n[0]; x++) q[x + n[0] * (y + n[1] * z)] = Q[lo[0] + r * x + nw * (lo[1] + r * y + nw * (lo[2] + r * z))];
      return { grid, q };
    };
    const reference = await run(fine, Q, scenario, 'explicit4');
    const rows: (string | number)[][] = [];
    const series: Record<string, Array<[number, number]>> = {};
    for (const scheme of ['explicit', 'explicit4', 'explicit4 / explicit'] as const) {
      series[scheme] = [];
      for (const r of RATIOS) {
        const { grid, q } = sub(r);
        const h = FINE * r;
        const out = await run(grid, q, scenario, scheme);
        series[scheme].push([h * 1e3, out.peak - reference.peak]);
        rows.push([
          scheme,
          Number((h * 1e3).toFixed(3)) + (Math.abs(h - PLANNER_SPACING) < 1e-9 ? ' (planner)' : ''),
          Number(out.peak.toFixed(2)),
          Number((out.peak - reference.peak).toFixed(3)),
          Number(out.dose.toPrecision(3)),
          Number((out.dose / reference.dose).toFixed(3)),
          Number((out.lesion * 1e9).toFixed(2)),
          Number((out.lesion / reference.lesion).toFixed(3)),
          Number(out.seconds.toFixed(1)),
        ]);
      }
    }
    rows.push([
      'explicit4 (reference)',
      FINE * 1e3,
      Number(reference.peak.toFixed(2)),
      0,
      Number(reference.dose.toPrecision(3)),
      1,
      Number((reference.lesion * 1e9).toFixed(2)),
      1,
      Number(reference.seconds.toFixed(1)),
    ]);
    const at = (scheme: string, h: number) => rows.find((r) => r[0] === scheme && String(r[1]).startsWith(String(h)));
    const e4 = at('explicit4', PLANNER_SPACING * 1e3);
    const e2 = at('explicit', PLANNER_SPACING * 1e3);
    return {
      title: validation.title,
      text: [
        `The clinical-0.8mhz bowl at ${POWER} W through the default abdominal path into fibroid, ${DURATION} s on and ${COOLING} s`,
        'of cooling: its heat source (angular spectrum, Q = α|p|²/(ρc)) computed once on a',
        `${(FINE * 1e3).toFixed(3)} mm grid of ${2 * HALF_WIDTH * 1e3} × ${2 * HALF_WIDTH * 1e3} × ${2 * HALF_LENGTH * 1e3} mm around`,
        'the focus (body boundary outside) and sampled at the nodes of each coarser grid (every grid keeps the hottest node of Q,',
        'so the sources agree and only the thermal discretisation differs). Peak temperature, highest CEM43 and lesion volume',
        "(CEM43 ≥ 240) of the reference kernel ('explicit': second order in space, forward Euler) and of 'explicit4'",
        '(fourth-order flux where homogeneous, second-order Taylor step in time, the same step) against',
        `'explicit4' at ${(FINE * 1e3).toFixed(3)} mm; 'explicit4 / explicit' heats with 'explicit4' and cools with the reference`,
        "kernel, as the treatment solver's fine window does. The planner's fine grid is " + `${PLANNER_SPACING * 1e3} mm (marked): with`,
        "'explicit4' it is as accurate as the reference kernel at half the spacing (32 times the work); 0.375 mm would bring",
        'the dose within 10 % at about 4 times the cost of the treatment heating, so the planner keeps 0.5 mm.',
        '',
        e4 && e2
          ? `At the planner's grid the peak is ${e2[3]} K off with the reference kernel and ${e4[3]} K off with 'explicit4'; ` +
            `the lesion volume ratio ${e2[7]} and ${e4[7]}, the dose ratio ${e2[5]} and ${e4[5]}. The lesion volume counts voxels, so it ` +
            'converges at first order (a staircase contour) whatever the scheme.'
          : '',
      ].join('\n'),
      tables: [
        {
          caption: 'Grid convergence at the clinical focus (fibroid)',
          columns: [
            'scheme',
            'spacing, mm',
            'peak, °C',
            'Δpeak, K',
            'max CEM43, min',
            'dose / ref',
            'lesion, mm³',
            'lesion / ref',
            'run, s',
          ],
          rows,
        },
      ],
      figures: [
        {
          file: 'thermal-convergence.svg',
          caption: `Peak temperature error against grid spacing (planner: ${PLANNER_SPACING * 1e3} mm)`,
          svg: linePlot({
            title: 'Peak temperature − reference, K',
            xLabel: 'grid spacing, mm',
            yLabel: 'K',
            series: Object.entries(series).map(([label, pts]) => ({
              label,
              x: pts.map((p) => p[0]),
              y: pts.map((p) => p[1]),
              style: 'line' as const,
            })),
          }),
        },
      ],
    };
  },
};
export default validation;
