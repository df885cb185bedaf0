import type { Vec3 } from '@openfuas/core';
import { beamConeMask } from '../../engine/beam-cone.js';
import { MARKER, planMarkers } from '../../engine/plan-markers.js';
import { regionOutline } from '../../engine/resample-to-case.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import type { CaseViewer } from '../../viewer/viewer.js';
import type { PlanState } from './plan-state.js';

/** Colours of the plan overlay: margin contour, points, the selected slice's points, the selected point. */
export const PLAN_MARKER_COLORS = [
  { label: MARKER.margin, name: 'margins', rgb: [245, 245, 245], alpha: 170 },
  { label: MARKER.other, name: 'planned', rgb: [90, 170, 255], alpha: 150 },
  { label: MARKER.slice, name: 'slice', rgb: [255, 230, 60], alpha: 255 },
  { label: MARKER.selected, name: 'selected', rgb: [60, 255, 120], alpha: 255 },
] as const;

let outline: { allowed: Uint8Array; mask: Uint8Array } | null = null;

/**
 * Draws the plan on the viewer: the beam cone to the current point, and one label overlay with every point (the
 * selected slice's in yellow, the selected point in green) over the contour of where foci may sit.
 */
export async function showPlanOverlays(viewer: CaseViewer, c: WorkstationCase, state: PlanState): Promise<void> {
  const planned = state.planned;
  const sons = state.sonications;
  if (!planned || (sons.length === 0 && !state.allowed)) {
    await viewer.batch(async () => {
      await viewer.setMaskOverlay('points', null, []);
      await viewer.setMaskOverlay('beam', null, []);
    });
    return;
  }
  const current = state.currentPoint();
  const bowl = state.bowl();
  if (state.allowed && outline?.allowed !== state.allowed)
    outline = { allowed: state.allowed, mask: regionOutline(c.grid, state.allowed, 1) };
  const margin = state.allowed && outline ? outline.mask : null;
  await viewer.batch(async () => {
    await viewer.setMaskOverlay(
      'beam',
      current !== null && bowl ? beamConeMask(c.grid, sons[current].focus as Vec3, state.beam(), bowl) : null,
      [{ label: 1, name: 'beam', rgb: [80, 220, 255], alpha: 255 }],
      0.22,
    );
    const mask = planMarkers(c.grid, sons, state.beam(), state.slice, state.point, undefined, undefined, margin);
    await viewer.setMaskOverlay('points', mask, PLAN_MARKER_COLORS);
  });
}
