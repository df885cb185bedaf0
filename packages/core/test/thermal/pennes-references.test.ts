import { describe, expect, it } from 'vitest';
import {
  ThermalSimulation,
  createGrid,
  fieldSource,
  gaussianSourceRise,
  getTissue,
  homogeneousThermalMedium,
  periodicGaussianRise,
  pointSourceRise,
} from '../../src/index.js';
import { periodicGaussianCase } from './periodic-gaussian.js';

const muscle = getTissue('muscle');

/** Runs a periodic Gaussian case and returns the centre rise at the end of heating and of cooling. */
async function periodicRun(h: number, perfusion: number, options: ConstructorParameters<typeof ThermalSimulation>[2], edge = 32e-3) {
  const tissue = { ...muscle, perfusion };
  const cs = periodicGaussianCase(edge, h, [3e-3, 3e-3, 5e-3], 1e7, tissue, 5);
  const sim = new ThermalSimulation(
    homogeneousThermalMedium(cs.grid, tissue),
    [{ duration: 5, source: fieldSource(cs.grid, cs.q) }, { duration: 10 }],
    {
      boundary: 'periodic',
      perfusionShutdown: 1, // the reference has constant perfusion
      ...options,
    },
  );
  await sim.advance(5);
  const heat = sim.temperature[cs.centreIndex] - 37;
  await sim.advance();
  const cool = sim.temperature[cs.centreIndex] - 37;
  return {
    heat,
    cool,
    exactHeat: periodicGaussianRise(cs.problem, cs.problem.centre, 5),
    exactCool: periodicGaussianRise(cs.problem, cs.problem.centre, 15),
  };
}

describe('Pennes solvers against the exact periodic Gaussian solution (Gao, Langer & Corry 1995)', () => {
  it.each([
    ['without perfusion', 0],
    ['with perfusion w = 0.01 1/s', 0.01],
  ])('explicit, h = 0.5 mm, half the stability limit: peak rise within 0.05 K %s', async (_l, w) => {
    const r = await periodicRun(0.5e-3, w, { courant: 0.45 });
    expect(r.exactHeat).toBeGreaterThan(11); // a ~12 K rise
    expect(Math.abs(r.heat - r.exactHeat)).toBeLessThan(0.05);
    expect(Math.abs(r.cool - r.exactCool)).toBeLessThan(0.05);
  });

  it('explicit scheme converges at second order in space (dt ∝ h² at a fixed fraction of the limit)', async () => {
    const e = [];
    for (const h of [1e-3, 0.5e-3]) {
      const tissue = { ...muscle, perfusion: 0 };
      const cs = periodicGaussianCase(16e-3, h, [1.5e-3, 1.5e-3, 3e-3], 5e7, tissue, 4);
      const sim = new ThermalSimulation(homogeneousThermalMedium(cs.grid, tissue), [{ duration: 4, source: fieldSource(cs.grid, cs.q) }], {
        boundary: 'periodic',
        perfusionShutdown: 1,
      });
      await sim.advance();
      e.push(Math.abs(sim.temperature[cs.centreIndex] - 37 - periodicGaussianRise(cs.problem, cs.problem.centre, 4)));
    }
    const order = Math.log2(e[0] / e[1]);
    expect(order).toBeGreaterThan(1.8);
    expect(order).toBeLessThan(2.3);
  });
});

describe('time convergence orders (self-convergence against Crank–Nicolson at Δt/64)', () => {
  it('explicit and backward Euler are first order, Crank–Nicolson second order', async () => {
    const tissue = { ...muscle, perfusion: 0.005 };
    const cs = periodicGaussianCase(16e-3, 1e-3, [1.5e-3, 1.5e-3, 3e-3], 5e7, tissue, 2);
    const medium = homogeneousThermalMedium(cs.grid, tissue);
    const run = async (scheme: 'explicit' | 'implicit' | 'crank-nicolson', dt: number) => {
      const sim = new ThermalSimulation(medium, [{ duration: 2, source: fieldSource(cs.grid, cs.q) }], {
        boundary: 'periodic',
        perfusionShutdown: 1,
        scheme,
        dt: scheme === 'explicit' ? dt : undefined,
        implicitDt: dt,
      });
      await sim.advance();
      return sim.temperature[cs.centreIndex];
    };
    const ref = await run('crank-nicolson', 0.5 / 64);
    const order = async (scheme: 'explicit' | 'implicit' | 'crank-nicolson', dt: number) => {
      const e1 = Math.abs((await run(scheme, dt)) - ref);
      const e2 = Math.abs((await run(scheme, dt / 2)) - ref);
      return Math.log2(e1 / e2);
    };
    expect(await order('explicit', 0.5)).toBeGreaterThan(0.85);
    expect(await order('explicit', 0.5)).toBeLessThan(1.2);
    expect(await order('implicit', 0.5)).toBeGreaterThan(0.85);
    expect(await order('implicit', 0.5)).toBeLessThan(1.2);
    expect(await order('crank-nicolson', 0.5)).toBeGreaterThan(1.8);
  });
});

describe('point source in an infinite medium (Carslaw & Jaeger: P/(4πkr)·erfc(r/2√κt))', () => {
  it('a small Gaussian source (σ = 0.5 mm) matches its exact solution within 2 % and the erfc within 6 % at r = 3-8 mm after 60 s', async () => {
    const h = 0.5e-3;
    const n = 72;
    const grid = createGrid([n, n, n], [h, h, h]);
    const tissue = { ...muscle, perfusion: 0 };
    const sigma = 0.5e-3;
    const c = (n / 2) * h;
    const q = new Float32Array(n ** 3);
    let sum = 0;
    for (let k = 0; k < n; k++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          const r2 = (i * h - c) ** 2 + (j * h - c) ** 2 + (k * h - c) ** 2;
          const v = 1e9 * Math.exp(-r2 / (2 * sigma * sigma));
          q[i + n * (j + n * k)] = v;
          sum += Math.fround(v);
        }
    const power = sum * h ** 3; // the deposited power of the sampled source
    // linear Pennes (the reference has no phase change): boiling off
    const sim = new ThermalSimulation(homogeneousThermalMedium(grid, tissue), [{ duration: 60, source: fieldSource(grid, q) }], {
      boiling: false,
    });
    await sim.advance();
    const kappa = tissue.conductivity / (tissue.density * tissue.specificHeat);
    for (const cells of [6, 10, 16]) {
      const r = cells * h;
      const num = sim.temperature[n / 2 + cells + n * (n / 2 + n * (n / 2))] - 37;
      const gauss = gaussianSourceRise(power, sigma, tissue.conductivity, kappa, r, 60);
      const point = pointSourceRise(power, tissue.conductivity, kappa, r, 60);
      expect(Math.abs(num / gauss - 1)).toBeLessThan(0.02); // measured 0.9-1.4 % (h = σ = 0.5 mm)
      expect(Math.abs(num / point - 1)).toBeLessThan(0.06); // measured 2.0-5.2 %: σ² is not ≪ 2κt
    }
  });
});
