// Thermal engine: Pennes solvers against exact solutions, CEM43 against its closed form, energy balance.
import {
  BLOOD,
  ThermalSimulation,
  cem43LinearStep,
  createGrid,
  fieldSource,
  gaussianPatch,
  getTissue,
  homogeneousThermalMedium,
  labelledThermalMedium,
  periodicGaussianRise,
  placePatch,
} from '../packages/core/src/index.ts';
import { linePlot } from '../scripts/svg-plot.ts';
import type { ValidationCase } from '../scripts/validation-types.ts';

function periodicCase(edge: number, h: number, perfusion: number) {
  const tissue = { ...getTissue('muscle'), perfusion };
  const n = Math.round(edge / h);
  const grid = createGrid([n, n, n], [h, h, h]);
  const sigma = [3e-3, 3e-3, 5e-3] as const;
  const c = (n / 2) * h;
  const g = [0, 1, 2].map((a) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let m = -2; m <= 2; m++) v[i] += Math.exp(-((i * h - c - m * edge) ** 2) / (2 * sigma[a] ** 2));
    return v;
  });
  const q = new Float32Array(n ** 3);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) q[i + n * (j + n * k)] = 1e7 * g[0][i] * g[1][j] * g[2][k];
  const problem = {
    box: [edge, edge, edge] as const,
    centre: [c, c, c] as const,
    sigma,
    peak: 1e7,
    conductivity: tissue.conductivity,
    density: tissue.density,
    specificHeat: tissue.specificHeat,
    perfusionCoefficient: perfusion * BLOOD.density * BLOOD.specificHeat,
    onTime: 5,
  };
  return { tissue, grid, q, problem, centre: n / 2 + n * (n / 2 + n * (n / 2)) };
}

const validation: ValidationCase = {
  name: 'thermal',
  title: 'Thermal engine: Pennes bioheat and thermal dose',
  async run() {
    const rows: (string | number)[][] = [];
    const series = [];
    for (const [scheme, perfusion] of [
      ['explicit', 0],
      ['explicit', 0.01],
      ['crank-nicolson', 0.01],
    ] as const) {
      const cs = periodicCase(32e-3, 0.5e-3, perfusion);
      const sim = new ThermalSimulation(
        homogeneousThermalMedium(cs.grid, cs.tissue),
        [{ duration: 5, source: fieldSource(cs.grid, cs.q) }, { duration: 10 }],
        {
          boundary: 'periodic',
          perfusionShutdown: 1,
          scheme,
          courant: 0.45,
          implicitDt: 0.25,
        },
      );
      const t: number[] = [];
      const num: number[] = [];
      const ex: number[] = [];
      let worst = 0;
      while (await sim.step()) {
        const e = periodicGaussianRise(cs.problem, cs.problem.centre, sim.time);
        const v = sim.temperature[cs.centre] - 37;
        worst = Math.max(worst, Math.abs(v - e));
        t.push(sim.time);
        num.push(v);
        ex.push(e);
      }
      rows.push([scheme, perfusion, sim.steps, sim.lastDt, Math.max(...ex), worst, worst < 0.05 ? 'pass' : 'FAIL']);
      if (perfusion > 0 && scheme === 'explicit') {
        series.push({ label: 'exact (Gao, Langer & Corry)', x: t, y: ex });
        series.push({ label: 'explicit FD, h = 0.5 mm', x: t, y: num, style: 'points' as const });
      }
    }
    // energy balance, heterogeneous layered medium with perfusion, explicit heating + implicit cooling
    const h = 0.5e-3;
    const grid = createGrid([24, 24, 32], [h, h, h]);
    const labels = new Uint8Array(24 * 24 * 32).map((_, i) => (Math.floor(i / 576) < 10 ? 1 : 0));
    const medium = labelledThermalMedium(grid, labels, [getTissue('muscle'), getTissue('fat')]);
    const patch = placePatch(gaussianPatch([h, h, h], [0.7e-3, 0.7e-3, 2.5e-3], 1, 3, 1), grid, [6e-3, 6e-3, 9e-3]);
    const sim = new ThermalSimulation(medium, [{ duration: 2, source: patch, power: 2e9 }, { duration: 6 }], {
      coolingScheme: 'implicit',
      implicitDt: 1,
      trackEnergy: true,
    });
    await sim.advance();
    const e = sim.energy!;
    const residual = (e.deposited - e.perfusionLoss - e.boundaryLoss - e.stored) / e.deposited;
    const cem = cem43LinearStep(60, 60, 1);
    return {
      title: 'Thermal engine: Pennes bioheat and thermal dose',
      text: [
        'Pennes bioheat equation, explicit 7-point finite-volume scheme (harmonic-mean face conductivities) and θ-method (CG)',
        'compared with the exact periodic solution of Gao, Langer & Corry (1995) for a Gaussian source (3×3×5 mm σ, 1e7 W/m³',
        'peak, 5 s on, 10 s off) in a 32 mm periodic box, h = 0.5 mm. Tolerance 0.05 K on the centre rise at every step.',
        `Energy balance (layered muscle/fat, perfused, body boundary, explicit heating + implicit cooling): relative residual ${residual.toExponential(2)} (target 0.5 %).`,
        `CEM43 of 60 °C held 1 s: ${cem.toFixed(3)} min (2^17/60 = 2184.533). Dose convention: R = 0.5 at ≥ 43 °C, 0.25 in [37, 43), none below 37 °C, exact over linear ramps.`,
        'Whole-treatment speed and two-level accuracy: see bench/thermal.bench.ts and test/thermal/treatment-simulation.test.ts.',
      ].join(' '),
      tables: [
        {
          caption: 'Centre temperature rise against the exact periodic solution',
          columns: ['scheme', 'perfusion 1/s', 'steps', 'dt s', 'peak rise K', 'max |error| K', 'verdict'],
          rows,
        },
      ],
      figures: [
        {
          file: 'thermal-periodic-gaussian.svg',
          caption: 'Centre temperature rise, explicit solver against the exact solution (perfusion 0.01 1/s)',
          svg: linePlot({ title: 'Gaussian source in a periodic box', xLabel: 'time (s)', yLabel: 'ΔT (K)', series }),
        },
      ],
    };
  },
};
export default validation;
