import { generatePhantom } from '@openfuas/core';
import { autoPlan } from '../core/src/planning/auto-plan.ts';
import { simulatePlan } from '../core/src/planning/simulate-plan.ts';
const c = generatePhantom();
const planned = await autoPlan(c, {});
const plan = { ...planned.plan, sonications: planned.plan.sonications.slice(0, Number(process.argv[2] ?? 40)) };
const t0 = performance.now();
const r = await simulatePlan(c, plan, { nearField: false, sources: { focalHalfWidth: Number(process.env.HW ?? 5e-3), focalHalfLength: Number(process.env.HL ?? 12e-3) } });
console.log(r.stats, ((performance.now() - t0) / 1000).toFixed(1), 'peak', r.outcome.peakTemperature.toFixed(1), 'abl', (r.outcome.ablatedVolume * 1e9).toFixed(0));
