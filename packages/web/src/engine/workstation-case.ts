import type { Case, Grid3D, Vec3 } from '@openfuas/core';

/**
 * The case as the workstation's UI sees it: one image and an optional label map on one grid, the structure
 * names of the labels, the target and the beam direction. Built from a core `Case` (phantom, import) or from
 * NIfTI files; the engine layer keeps the core objects for planning and simulation.
 */
export interface WorkstationCase {
  name: string;
  grid: Grid3D;
  /** primary image (e.g. T2-weighted MR), x fastest */
  image: Float32Array;
  /** label map, or null when only an image was loaded */
  labels: Uint8Array | null;
  /** structure name → label value */
  structures: Record<string, number>;
  /** structure name of the target */
  target: string;
  /** unit vector of beam propagation in RAS (prone patient: anterior → posterior) */
  beamDirection: Vec3;
  /** where it came from, for the Case tab ("phantom", "files") and provenance */
  source: Record<string, unknown>;
  notes: string[];
  /** the core case (tissue overrides, couch, skin entry) that planning and simulation use; null for an image alone */
  core: Case | null;
}

/** The serialisable part that travels from the case worker (arrays are transferred, not copied). */
export type WorkstationCaseMessage = WorkstationCase;
