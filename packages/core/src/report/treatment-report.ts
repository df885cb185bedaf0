import type { Case } from '../case/case.js';
import { structureLabels } from '../case/case.js';
import { depthFromSkin, structureVolumes } from '../case/case-metrics.js';
import { rasMmToVoxel, voxelToRasMm } from '../grid/grid3d.js';
import type { Plan } from '../planning/plan.js';
import type { PlanSimulationResult } from '../planning/simulate-plan.js';
import { VERSION } from '../version.js';
import { encodePng } from './png.js';
import type { TreatmentReportData } from './report-html.js';
import { type Plane, renderSlice } from './slice-image.js';

const RED: [number, number, number] = [230, 30, 30];
const ORANGE: [number, number, number] = [255, 150, 0];

/**
 * The data of a treatment report: case summary, plan, outcome, curves, and three slices (axial, coronal,
 * sagittal) through the voxel of highest dose (or the target centre) with the 240 and 18 CEM43 contours.
 */
export function treatmentReportData(
  c: Case,
  plan: Plan,
  result: PlanSimulationResult,
  generatedAt = new Date().toISOString(),
): TreatmentReportData {
  const labels = structureLabels(c);
  const target = labels[c.target];
  // Centre of the slices: the highest-dose voxel of the fine grid, in case voxels.
  let best = -1;
  let bi = 0;
  for (let i = 0; i < result.dose.length; i++)
    if (result.dose[i] > best) {
      best = result.dose[i];
      bi = i;
    }
  const [gx, gy] = result.grid.shape;
  const mm = voxelToRasMm(result.grid, bi % gx, Math.floor(bi / gx) % gy, Math.floor(bi / (gx * gy)));
  const v = rasMmToVoxel(c.grid, mm[0], mm[1], mm[2]).map(Math.round);
  const image = c.images[0]?.volume.data ?? c.labels;
  const overlay = {
    grid: result.grid,
    data: result.dose,
    contours: [
      { level: 18, color: ORANGE },
      { level: plan.constraints.lesionDose, color: RED },
    ],
  };
  const planes: Array<[Plane, number, string]> = [
    ['axial', v[2], 'Axial (transverse) slice'],
    ['coronal', v[1], 'Coronal slice (perpendicular to the beam)'],
    ['sagittal', v[0], 'Sagittal slice (along the beam; anterior on the right, as in the workstation)'],
  ];
  const slices = planes.map(([plane, index, title]) => {
    const img = renderSlice({ grid: c.grid, image, labels: c.labels, outlineLabel: target, overlays: [overlay], plane, index, scale: 2 });
    return { title, plane, png: encodePng(img.rgba, img.width, img.height), width: img.width, height: img.height };
  });
  const volumes = structureVolumes(c);
  let depth: readonly [number, number] | undefined;
  try {
    const d = depthFromSkin(c);
    depth = [d.min, d.max];
  } catch {
    depth = undefined;
  }
  return {
    caseName: c.name,
    generatedAt,
    version: VERSION,
    caseSummary: {
      shape: c.grid.shape,
      spacing: c.grid.spacing,
      depthFromSkin: depth,
      structureVolumes: Object.fromEntries(Object.entries(volumes).map(([k, s]) => [k, s.volume])),
    },
    plan,
    outcome: result.outcome,
    timeline: result.timeline,
    slices,
  };
}
