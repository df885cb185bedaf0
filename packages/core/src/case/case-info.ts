import { InputError } from '../errors.js';
import type { Case } from './case.js';
import { depthFromSkin, structureVolumes } from './case-metrics.js';
import { structureByName } from './structures.js';

/**
 * The summary `fuas case info --json` prints (a public contract: keep its shape):
 * `{ grid: { shape: [nx, ny, nz], spacing: [m, m, m] }, structures: { <name>: { label, volume m³ } },
 *    target: { name, volume m³, depthFromSkin: [min m, max m] } }`.
 */
export interface CaseInfo {
  grid: { shape: [number, number, number]; spacing: [number, number, number] };
  structures: Record<string, { label: number; volume: number }>;
  target: { name: string; volume: number; depthFromSkin: [number, number] };
}

/** Builds the case summary (volumes per structure, target depth along the beam). */
export function caseInfo(c: Case): CaseInfo {
  const vols = structureVolumes(c);
  const structures: CaseInfo['structures'] = {};
  for (const [name, v] of Object.entries(vols)) structures[name] = { label: v.label, volume: v.volume };
  const t = structureByName(c.structures, c.target);
  if (!t) throw new InputError('case.target', `target structure "${c.target}" is not in the case`);
  const d = depthFromSkin(c, t.name);
  return {
    grid: { shape: [...c.grid.shape] as [number, number, number], spacing: [...c.grid.spacing] as [number, number, number] },
    structures,
    target: { name: t.name, volume: vols[t.name].volume, depthFromSkin: [d.min, d.max] },
  };
}
