import { VERSION, rasMmToVoxel } from '@openfuas/core';
import type { Plan } from '@openfuas/core';
// TODO(issue 6): import these from '@openfuas/core' once the index exports the report module and SimulationOutcome.
import type { SimulationOutcome } from '@openfuas/core/planning/outcome.ts';
import { encodePng } from '@openfuas/core/report/png.ts';
import { renderReportHtml } from '@openfuas/core/report/report-html.ts';
import { type Plane, renderSlice } from '@openfuas/core/report/slice-image.ts';
import { structureCentroidMm, structureVolumes } from './case-geometry.js';
import type { TreatmentResult } from './simulation-protocol.js';
import type { WorkstationCase } from './workstation-case.js';

/**
 * The treatment report as the CLI writes it (core `renderReportHtml`: self-contained HTML that opens offline),
 * with three slices through the target showing the target outline and the 240 CEM43 contour of the simulation.
 */
export function treatmentReportHtml(c: WorkstationCase, plan: Plan, r: TreatmentResult): string {
  const centre = structureCentroidMm(c, c.target) ?? [0, 0, 0];
  const v = rasMmToVoxel(c.grid, centre[0], centre[1], centre[2]);
  const index: Record<Plane, number> = { sagittal: Math.round(v[0]), coronal: Math.round(v[1]), axial: Math.round(v[2]) };
  const slices = (['axial', 'coronal', 'sagittal'] as Plane[]).map((plane) => {
    const img = renderSlice({
      grid: c.grid,
      image: c.image,
      labels: c.labels ?? undefined,
      outlineLabel: c.structures[c.target],
      outlineColor: [255, 160, 0],
      overlays: [{ grid: r.fine.grid, data: r.fine.dose, contours: [{ level: 240, color: [255, 40, 40] }] }],
      plane,
      index: index[plane],
      scale: 2,
    });
    return {
      title: `${plane} — 240 CEM43 contour (red), target outline (orange)`,
      png: encodePng(img.rgba, img.width, img.height),
      width: img.width,
      height: img.height,
    };
  });
  const core = c.core;
  return renderReportHtml({
    caseName: c.name,
    generatedAt: new Date().toISOString(),
    version: VERSION,
    caseSummary: { shape: c.grid.shape, spacing: c.grid.spacing, structureVolumes: structureVolumes(c), depthFromSkin: undefined },
    plan,
    outcome: r.outcome as unknown as SimulationOutcome,
    timeline: r.series,
    slices: core ? slices : [],
  });
}
